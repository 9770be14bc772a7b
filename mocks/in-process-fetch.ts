/**
 * A `fetch` that reaches one mock's app without a socket: it accepts absolute URLs on the mock's
 * issuer origin, hands the request to the app, and turns the drop marker of a connection_reset /
 * commit_then_drop fault into the rejection a real network failure produces. Redirects are
 * returned as they are (never followed), like `redirect: 'manual'`.
 *
 * One Request per call, no body copy: a Request is passed to the app as it is (Hono routes on the
 * path, whatever the origin), and a URL plus init becomes one Request, holding a string body as a
 * string (mocks/string-body.ts). Copying the Request, reading its body and letting `app.request`
 * build another was the largest item in the suite's profile.
 */
import type { Hono } from 'hono'
import { connectionResetError, dropKindOf } from './faults.ts'
import { stringBodyRequest } from './string-body.ts'

export function createInProcessFetch(app: Hono, issuer: string, name: string): typeof fetch {
  const origin = new URL(issuer).origin
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : stringBodyRequest(input, init)
    const url = request.url
    // A cheap prefix test first; the URL parse only on the rare mismatch, for the message.
    if (
      !(url.startsWith(origin) && (url.length === origin.length || '/?#'.includes(url[origin.length] ?? '')))
    ) {
      throw new TypeError(
        `the ${name} mock serves ${origin} only; it cannot answer ${new URL(url).origin} (in-process fetch)`,
      )
    }
    if (request.signal.aborted) throw request.signal.reason
    const response = await app.fetch(request)
    if (dropKindOf(response) !== undefined) {
      await response.body?.cancel()
      throw connectionResetError()
    }
    return response
  }
}

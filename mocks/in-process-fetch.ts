/**
 * A `fetch` that reaches one mock's app without a socket: it accepts absolute URLs on the mock's
 * issuer origin, hands path + query to `app.request`, and turns the drop marker of a
 * connection_reset / commit_then_drop fault into the rejection a real network failure produces.
 * Redirects are returned as they are (never followed), like `redirect: 'manual'`.
 */
import type { Hono } from 'hono'
import { connectionResetError, dropKindOf } from './faults.ts'

export function createInProcessFetch(app: Hono, issuer: string, name: string): typeof fetch {
  const origin = new URL(issuer).origin
  return async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.origin !== origin) {
      throw new TypeError(
        `the ${name} mock serves ${origin} only; it cannot answer ${url.origin} (in-process fetch)`,
      )
    }
    if (request.signal.aborted) throw request.signal.reason
    const body =
      request.method === 'GET' || request.method === 'HEAD' || request.body === null
        ? undefined
        : await request.arrayBuffer()
    const response = await app.request(`${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      ...(body === undefined ? {} : { body }),
    })
    if (dropKindOf(response) !== undefined) {
      await response.body?.cancel()
      throw connectionResetError()
    }
    return response
  }
}

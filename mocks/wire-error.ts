/**
 * The error code a mock's response carries on the wire (`error` in an RFC or Slack body), noted
 * when the response is built so the recorder never has to clone and parse a body to find it.
 */
const codes = new WeakMap<Response, string>()

export function noteWireError(response: Response, body: unknown): Response {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const error = (body as { error?: unknown }).error
    if (typeof error === 'string') codes.set(response, error)
  }
  return response
}

export function wireErrorOf(response: Response): string | undefined {
  return codes.get(response)
}

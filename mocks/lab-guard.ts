/**
 * Who may use `/_lab` over a socket (serve mode). A web page the user visits can send requests to
 * loopback, so the control surface refuses what a page could forge:
 * - `Host` must be a loopback name with the served port (127.0.0.1, localhost, [::1]): DNS rebinding
 *   sends the attacker's host name and is refused;
 * - every request carries the per-server token (`X-Lab-Token`, printed by serve at start): a page
 *   cannot read it, and a custom header cannot be sent cross-site without a CORS preflight, which
 *   /_lab never grants;
 * - every POST is `application/json` (the simple-request content types a form can send are refused).
 * In-process callers use `mock.control` or `app.request` directly and never meet this guard.
 */
export const LAB_TOKEN_HEADER = 'x-lab-token'

export interface LabGuardOptions {
  port: number
  token: string
}

export interface LabRefusal {
  status: 403 | 415
  error: 'forbidden' | 'unsupported_media_type'
  description: string
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

export function checkLabRequest(
  request: {
    method: string
    host: string | undefined
    contentType: string | undefined
    token: string | undefined
  },
  options: LabGuardOptions,
): LabRefusal | undefined {
  const host = request.host?.trim().toLowerCase()
  if (host === undefined || !LOOPBACK_NAMES.some((name) => host === `${name}:${options.port}`))
    return {
      status: 403,
      error: 'forbidden',
      description: `/_lab answers only Host 127.0.0.1:${options.port}, localhost:${options.port} or [::1]:${options.port}`,
    }
  if (request.token !== options.token)
    return {
      status: 403,
      error: 'forbidden',
      description: `/_lab needs the ${LAB_TOKEN_HEADER} header that serve printed at start`,
    }
  const media = request.contentType?.split(';')[0]?.trim().toLowerCase()
  if (request.method === 'POST' && media !== 'application/json')
    return {
      status: 415,
      error: 'unsupported_media_type',
      description: '/_lab POST bodies must be application/json',
    }
  return undefined
}

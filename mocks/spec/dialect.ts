/**
 * How a mock says things on the wire. The decisions (core.ts) are the same for every provider; the
 * dialect turns their typed results into responses. The RFC dialect is the baseline; a provider mock
 * spreads it and replaces what its source says differently (Slack: HTTP 200 `ok:false`; Salesforce:
 * no `expires_in`; Atlassian: 403 `unauthorized_client` for a dead refresh token).
 *
 * Every function is pure and returns a `WireResponse` description, so dialects are testable without
 * HTTP and the app owns the headers that must always be there (no-store on token responses).
 */
import { StringBodyResponse } from '../string-body.ts'
import { noteWireError } from '../wire-error.ts'
import type { AccessTokenCheck, CoreError, IssuedTokens } from './core.ts'

export interface WireResponse {
  status: number
  headers?: Record<string, string>
  /** Serialised as JSON. Ignored when `text` is set. */
  json?: unknown
  /** A non-JSON body (text/plain unless headers say otherwise). */
  text?: string
}

export interface OAuthErrorContext extends CoreError {
  endpoint: 'token' | 'revoke' | 'other'
  grantType?: string
  /** The client tried HTTP Basic: a 401 must then carry `WWW-Authenticate: Basic` (RFC 6749 §5.2). */
  basicAuthUsed: boolean
  realm: string
}

export interface AuthorizationServerMetadata {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  revocation_endpoint?: string
  response_types_supported: string[]
  grant_types_supported: string[]
  code_challenge_methods_supported: string[]
  token_endpoint_auth_methods_supported: string[]
  revocation_endpoint_auth_methods_supported?: string[]
  [extra: string]: unknown
}

export interface ApiIdentity {
  login: string
  clientId: string
  scope: string[]
}

export type ApiRejection =
  | { kind: 'missing'; realm: string }
  /** RFC 6750 §3.1: a valid token without the scope the resource requires. */
  | { kind: 'insufficient_scope'; realm: string; scope: string }
  | {
      kind: 'invalid'
      realm: string
      check: Extract<AccessTokenCheck, { ok: false }> | { reason: 'malformed'; description: string }
    }

export interface HttpFaultContext {
  status: number
  body?: unknown
  retryAfterSeconds?: number
  endpoint: string
}

export interface ResponseDialect {
  metadata(meta: AuthorizationServerMetadata): WireResponse
  tokenSuccess(issued: IssuedTokens): WireResponse
  /** Token and revocation endpoint errors, and body refusals (413, bad content type) anywhere. */
  oauthError(err: OAuthErrorContext): WireResponse
  revokeSuccess(): WireResponse
  /** An error shown at the source with no redirect back (unknown client, consent blocked). */
  authorizePage(page: { status: number; error: string; description: string }): WireResponse
  apiSuccess(who: ApiIdentity): WireResponse
  /** 401 for a missing or invalid token, 403 for a token without the required scope. */
  apiRejected(rejection: ApiRejection): WireResponse
  /** A scripted `http_error` fault without a body of its own. */
  httpFault(fault: HttpFaultContext): WireResponse
  notFound(): WireResponse
  serverError(): WireResponse
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`
}

function faultError(status: number, endpoint: string): string {
  if (status === 429 || status === 503) return 'temporarily_unavailable'
  if (status >= 500) return 'server_error'
  if (status === 401) return endpoint === 'api' ? 'invalid_token' : 'invalid_client'
  if (status === 403 && endpoint === 'api') return 'insufficient_scope'
  return 'invalid_request'
}

/** RFC 6749 §5.1 / §5.2, RFC 6750 §3, RFC 7009 §2.2, RFC 8414 §3.2. */
export const RFC_DIALECT: ResponseDialect = {
  metadata: (meta) => ({ status: 200, json: meta }),

  tokenSuccess(issued) {
    return {
      status: 200,
      json: {
        access_token: issued.accessToken,
        token_type: issued.tokenType,
        ...(issued.expiresInSec === null ? {} : { expires_in: issued.expiresInSec }),
        ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
        scope: issued.scope.join(' '),
      },
    }
  },

  oauthError(err) {
    const headers: Record<string, string> = {}
    if (err.status === 401 && err.basicAuthUsed)
      headers['WWW-Authenticate'] = `Basic realm=${quoted(err.realm)}`
    return { status: err.status, headers, json: { error: err.error, error_description: err.description } }
  },

  revokeSuccess: () => ({ status: 200 }),

  authorizePage: (page) => ({
    status: page.status,
    json: { error: page.error, error_description: page.description },
  }),

  apiSuccess: (who) => ({
    status: 200,
    json: { login: who.login, client_id: who.clientId, scope: who.scope.join(' ') },
  }),

  apiRejected(rejection) {
    if (rejection.kind === 'insufficient_scope') {
      return {
        status: 403,
        headers: {
          'WWW-Authenticate': `Bearer error="insufficient_scope", scope=${quoted(rejection.scope)}`,
        },
        json: {
          error: 'insufficient_scope',
          error_description: `this resource needs scope ${rejection.scope}`,
        },
      }
    }
    if (rejection.kind === 'missing') {
      // RFC 6750 §3.1: a request without credentials gets the challenge and no error code.
      return {
        status: 401,
        headers: { 'WWW-Authenticate': `Bearer realm=${quoted(rejection.realm)}` },
        json: { message: 'no access token was sent' },
      }
    }
    const description = rejection.check.description
    return {
      status: 401,
      headers: {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description=${quoted(description)}`,
      },
      json: { error: 'invalid_token', error_description: description },
    }
  },

  httpFault(fault) {
    const headers: Record<string, string> = {}
    if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds)
    if (fault.body !== undefined) {
      if (typeof fault.body === 'string') return { status: fault.status, headers, text: fault.body }
      return { status: fault.status, headers, json: fault.body }
    }
    return {
      status: fault.status,
      headers,
      json: {
        error: faultError(fault.status, fault.endpoint),
        error_description: `injected HTTP ${fault.status}`,
      },
    }
  },

  notFound: () => ({ status: 404, json: { error: 'not_found' } }),

  serverError: () => ({ status: 500, json: { error: 'server_error', error_description: 'the mock failed' } }),
}

/** Headers every token-endpoint response carries, success or error (RFC 6749 §5.1). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
})

/**
 * How a Response holds its body: `string` (in process: no stream unless one is asked for, see
 * mocks/string-body.ts) or `native` (under serve, where @hono/node-server has swapped in its own lean
 * Response and writes its string straight to the socket).
 */
export type ResponseBodyKind = 'string' | 'native'

/** Turns a dialect's description into a Response, with `extraHeaders` winning over the dialect's. */
export function toResponse(
  wire: WireResponse,
  extraHeaders: Readonly<Record<string, string>> = {},
  bodyKind: ResponseBodyKind = 'native',
): Response {
  const headers = new Headers(wire.headers)
  for (const [key, value] of Object.entries(extraHeaders)) headers.set(key, value)
  let body: string | null = null
  if (wire.text !== undefined) {
    body = wire.text
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8')
  } else if (wire.json !== undefined) {
    body = JSON.stringify(wire.json)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  }
  // 204/205/304 may not carry a body at all.
  if (wire.status === 204 || wire.status === 205 || wire.status === 304) body = null
  const init = { status: wire.status, headers }
  const response = bodyKind === 'string' ? new StringBodyResponse(body, init) : new Response(body, init)
  return noteWireError(response, wire.json)
}

/**
 * The RFC 6749 / 6750 / 7009 / 7636 / 8414 baseline provider, as a client reads it. The six
 * connectors are this plus named deviations: build them with `extendBaseline(id, overrides)`, which
 * keeps the internal calls (parseTokenResponse -> classifyTokenFailure) going through the overrides.
 *
 * Wire format (the baseline mock is built to exactly this):
 * - endpoints `/authorize`, `/token`, `/revoke`, `/api/me` under the issuer;
 * - token requests form-urlencoded, client authentication `client_secret_basic`;
 * - success `{access_token, token_type: 'Bearer', expires_in?, refresh_token?, scope}`;
 * - errors `{error, error_description}` with 400, or 401 for invalid_client;
 * - API 401 with `WWW-Authenticate: Bearer error="invalid_token"`, 403 with `error="insufficient_scope"`.
 */
import type { ApiResult, PackDescriptor, ProviderId } from '../manager/contract.ts'
import type {
  ApiClass,
  CallbackParse,
  FailureClass,
  ParsedToken,
  ProviderClient,
  ProviderEndpoints,
  TokenGrant,
  TokenHttpRequest,
  TokenParse,
} from './types.ts'
import {
  basicAuthorization,
  bearerChallengeParam,
  describeNetworkError,
  headerValue,
  oauthErrorCode,
  parseRetryAfterMs,
  isRecord,
} from './wire.ts'

/** The baseline mock's protected resource (`/api/me`) needs only read access. */
export const BASELINE_DEFAULT_SCOPES = ['read'] as const

export function baselineEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/authorize`,
    token: `${base}/token`,
    revoke: `${base}/revoke`,
    api: `${base}/api/me`,
  }
}

/** RFC 6749 §4.1.1 plus RFC 7636 §4.3. Keeps any query the pack's authorize URL already carries. */
export function baselineAuthorizationUrl(
  pack: PackDescriptor,
  request: { state: string; codeChallenge: string },
): string {
  const url = new URL(pack.endpoints.authorize)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', pack.clientId)
  url.searchParams.set('redirect_uri', pack.redirectUri)
  url.searchParams.set('scope', pack.scopes.join(' '))
  url.searchParams.set('state', request.state)
  url.searchParams.set('code_challenge', request.codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  return url.toString()
}

/**
 * RFC 6749 §4.1.3 / §6 token request, form-urlencoded. `basic` sends the client credentials as HTTP
 * Basic (client_secret_basic, the baseline and Slack); `post` puts them in the body
 * (client_secret_post, Google and Salesforce).
 */
export function formTokenRequest(
  pack: PackDescriptor,
  grant: TokenGrant,
  clientAuth: 'basic' | 'post',
): TokenHttpRequest {
  const body = new URLSearchParams()
  if (grant.grantType === 'authorization_code') {
    body.set('grant_type', 'authorization_code')
    body.set('code', grant.code)
    body.set('redirect_uri', pack.redirectUri)
    body.set('code_verifier', grant.codeVerifier)
  } else {
    // No `scope`: RFC 6749 §6 says omitting it keeps the originally granted scope.
    body.set('grant_type', 'refresh_token')
    body.set('refresh_token', grant.refreshToken)
  }
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if (clientAuth === 'basic') headers['authorization'] = basicAuthorization(pack.clientId, pack.clientSecret)
  else {
    body.set('client_id', pack.clientId)
    body.set('client_secret', pack.clientSecret)
  }
  return { url: pack.endpoints.token, init: { method: 'POST', headers, body: body.toString() } }
}

/** The baseline: client_secret_basic, no client secret in the body. */
export function baselineTokenRequest(pack: PackDescriptor, grant: TokenGrant): TokenHttpRequest {
  return formTokenRequest(pack, grant, 'basic')
}

function platform(detail: string): FailureClass {
  return { kind: 'platform', detail }
}

/**
 * RFC 6749 §5.1 success parsing. Strict where a lenient client would store garbage (no access token,
 * a non-Bearer token type, a nonsensical expires_in all become `platform`), lenient where the spec
 * allows omission (expires_in, refresh_token, scope).
 */
export function parseBaselineTokenSuccess(body: unknown): TokenParse {
  if (!isRecord(body))
    return { kind: 'failure', failure: platform('token endpoint answered 2xx without a JSON object') }
  const accessToken = body['access_token']
  if (typeof accessToken !== 'string' || accessToken === '') {
    return { kind: 'failure', failure: platform('token endpoint answered 2xx without an access_token') }
  }
  const tokenType = body['token_type']
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    return { kind: 'failure', failure: platform('token endpoint answered a token_type other than Bearer') }
  }
  const token: ParsedToken = { accessToken, extras: { token_type: tokenType } }

  const refreshToken = body['refresh_token']
  if (refreshToken !== undefined && refreshToken !== null) {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      return { kind: 'failure', failure: platform('token endpoint answered a malformed refresh_token') }
    }
    token.refreshToken = refreshToken
  }

  const expiresIn = body['expires_in']
  if (expiresIn !== undefined && expiresIn !== null) {
    // Some servers send the number as a string; accept that, refuse anything that is not a duration.
    const seconds =
      typeof expiresIn === 'string' && /^\d+$/.test(expiresIn.trim()) ? Number(expiresIn) : expiresIn
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      return { kind: 'failure', failure: platform('token endpoint answered a malformed expires_in') }
    }
    token.expiresInMs = seconds * 1000
  }

  const scope = body['scope']
  if (typeof scope === 'string') token.scopes = scope.split(' ').filter((s) => s !== '')
  return { kind: 'success', token }
}

/** RFC 6749 §5.2 error dialect, plus the transport-level cases every client meets. */
export function classifyBaselineTokenFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  networkError?: unknown,
  nowMs?: number,
): FailureClass {
  if (networkError !== undefined) return { kind: 'transient', detail: describeNetworkError(networkError) }
  const retryAfterMs = parseRetryAfterMs(headerValue(headers, 'retry-after'), nowMs)
  const withRetryAfter = (detail: string): FailureClass =>
    retryAfterMs === undefined ? { kind: 'transient', detail } : { kind: 'transient', detail, retryAfterMs }
  // Status first for the transport cases: a 503 is transient whatever body a proxy put on it.
  if (status === 429) return withRetryAfter('token endpoint rate-limited the request (429)')
  if (status >= 500) return withRetryAfter(`token endpoint failed (${status})`)

  const error = oauthErrorCode(body)
  switch (error) {
    case 'invalid_grant':
      // RFC 6749 cannot tell expired from revoked: the oracle accepts grant_invalid for both.
      return { kind: 'permanent', reason: 'grant_invalid', detail: 'token endpoint answered invalid_grant' }
    case 'invalid_client':
    case 'unauthorized_client':
      return { kind: 'configuration', detail: `token endpoint rejected the client (${error})` }
    case 'temporarily_unavailable':
    case 'server_error':
      return withRetryAfter(`token endpoint answered ${error}`)
    case undefined:
      // A bare 401 is client authentication failing (RFC 6749 §5.2 allows it without a body).
      if (status === 401) return { kind: 'configuration', detail: 'token endpoint rejected the client (401)' }
      return platform(`token endpoint answered an unexpected ${status} response`)
    default:
      // invalid_request, unsupported_grant_type, invalid_scope and anything unknown: we sent something
      // the source did not expect, or the source misbehaves; neither is fixed by reconnecting.
      return platform(`token endpoint answered ${error} (${status})`)
  }
}

export function parseBaselineTokenResponse(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  nowMs: number | undefined,
  classify: ProviderClient['classifyTokenFailure'],
  /** How this provider reads a success body (Google and Salesforce have their own shapes). */
  parseSuccess: (body: unknown) => TokenParse = parseBaselineTokenSuccess,
): TokenParse {
  if (status >= 200 && status < 300) {
    // A 2xx that carries an `error` is an error dressed as success (Slack does this on purpose).
    if (isRecord(body) && typeof body['error'] === 'string') {
      return { kind: 'failure', failure: classify(status, headers, body, undefined, nowMs) }
    }
    return parseSuccess(body)
  }
  return { kind: 'failure', failure: classify(status, headers, body, undefined, nowMs) }
}

/** RFC 6750 §3.1: 401 invalid_token, 403 insufficient_scope. */
export function classifyBaselineApiResult(result: ApiResult): ApiClass {
  const { status } = result
  if (status >= 200 && status < 300) return 'ok'
  if (status === 401) return 'token_rejected'
  if (status === 403) {
    const challenge = bearerChallengeParam(headerValue(result.headers, 'www-authenticate'), 'error')
    if (challenge === 'insufficient_scope' || oauthErrorCode(result.body) === 'insufficient_scope') {
      return 'scope_missing'
    }
    return 'other'
  }
  if (status === 429 || status >= 500) return 'transient'
  return 'other'
}

/** RFC 6749 §4.1.2 / §4.1.2.1. */
export function parseBaselineCallback(url: string): CallbackParse {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { kind: 'invalid', detail: 'callback is not a URL' }
  }
  const params = parsed.searchParams
  const state = params.get('state') ?? undefined
  const error = params.get('error')
  if (error !== null) {
    const description = params.get('error_description')
    return description === null
      ? { kind: 'error', error, state }
      : { kind: 'error', error, description, state }
  }
  const code = params.get('code')
  if (code !== null && code !== '') return { kind: 'code', code, state }
  return { kind: 'invalid', detail: 'callback carries neither code nor error' }
}

export function classifyBaselineCallbackError(error: string): FailureClass {
  switch (error) {
    case 'access_denied':
      return { kind: 'permanent', reason: 'consent_denied', detail: 'the teammate denied consent' }
    case 'temporarily_unavailable':
    case 'server_error':
      // RFC 6749 §4.1.2.1 defines these as the source's own trouble: trying again later is the fix.
      return { kind: 'transient', detail: `authorization endpoint answered ${error}` }
    default: {
      // invalid_scope, unauthorized_client, invalid_request, ...: the app's setup, which the admin owns.
      const code = oauthErrorCode({ error }) ?? 'unrecognised_error'
      return { kind: 'configuration', detail: `authorization endpoint answered ${code}` }
    }
  }
}

/**
 * A ProviderClient that is the baseline except for `overrides`. The default parseTokenResponse
 * classifies failures through the *assembled* client, so overriding classifyTokenFailure alone is
 * enough to change how failed exchanges read.
 */
export function extendBaseline(
  id: ProviderId,
  overrides: Partial<Omit<ProviderClient, 'id'>> = {},
): ProviderClient {
  const client: ProviderClient = {
    id,
    defaultScopes: [...BASELINE_DEFAULT_SCOPES],
    endpoints: baselineEndpoints,
    authorizationUrl: baselineAuthorizationUrl,
    tokenRequest: baselineTokenRequest,
    parseTokenResponse: (status, headers, body, nowMs) =>
      parseBaselineTokenResponse(status, headers, body, nowMs, client.classifyTokenFailure),
    classifyTokenFailure: classifyBaselineTokenFailure,
    classifyApiResult: classifyBaselineApiResult,
    parseCallback: parseBaselineCallback,
    classifyCallbackError: classifyBaselineCallbackError,
    ...overrides,
  }
  return client
}

export const baselineClient: ProviderClient = extendBaseline('baseline')

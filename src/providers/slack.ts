/**
 * Slack OAuth v2 (token rotation on or off), as a client reads it (connectors.md §2). Deviations from
 * the baseline client:
 * - endpoints: /oauth/v2/authorize, /api/oauth.v2.access (form + HTTP Basic), /api/auth.revoke, and
 *   auth.test as the agent's API call;
 * - a pack's scopes are the teammate's *user* scopes: they go in `user_scope`, comma-separated, and
 *   the credential the manager keeps is the user token;
 * - every answer is HTTP 200: `ok:false` is a failure whatever the status (only 429 and 5xx use it);
 * - install responses nest the user token in `authed_user`; refresh responses are flat with
 *   token_type "user" or "bot"; no refresh_token (rotation off) means "keep whatever is stored";
 * - errors: invalid_refresh_token is a dead grant, bad_client_secret / invalid_client_id /
 *   bad_redirect_uri are the app's setup (admin); auth.test's token_expired / invalid_auth /
 *   token_revoked reject the token;
 * - a consent redirect with error=access_denied and no description is Slack's app approval gate
 *   (admin); with a description it is the teammate's own Deny.
 */
import type { ApiResult, PackDescriptor } from '../manager/contract.ts'
import {
  baselineAuthorizationUrl,
  baselineTokenRequest,
  classifyBaselineCallbackError,
  classifyBaselineTokenFailure,
  extendBaseline,
} from './baseline.ts'
import type {
  ApiClass,
  FailureClass,
  ParsedToken,
  ProviderClient,
  ProviderEndpoints,
  TokenParse,
} from './types.ts'
import { safeErrorCode, isRecord } from './wire.ts'

/** User scopes an action pack asks for when it names none (auth.test itself needs none). */
export const SLACK_DEFAULT_USER_SCOPES = ['chat:write', 'users:read'] as const

export function slackEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/oauth/v2/authorize`,
    token: `${base}/api/oauth.v2.access`,
    revoke: `${base}/api/auth.revoke`,
    api: `${base}/api/auth.test`,
  }
}

/** The pack's scopes are user scopes (`user_scope`, comma-separated); no bot scopes are asked for. */
export function slackAuthorizationUrl(
  pack: PackDescriptor,
  request: { state: string; codeChallenge: string },
): string {
  const url = new URL(baselineAuthorizationUrl(pack, request))
  url.searchParams.delete('scope')
  url.searchParams.set('user_scope', pack.scopes.join(','))
  return url.toString()
}

/** Form-encoded only, client credentials by HTTP Basic (Slack's preference): the baseline request. */
export const slackTokenRequest = baselineTokenRequest

function platform(detail: string): FailureClass {
  return { kind: 'platform', detail }
}

/** Slack's `error` code, sanitised; undefined when the body is not a Slack answer. */
export function slackErrorCode(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined
  return safeErrorCode(body['error'])
}

const RETRYABLE_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
])
const CONFIGURATION_ERRORS = new Set([
  'bad_client_secret',
  'invalid_client_id',
  'bad_redirect_uri',
  'oauth_authorization_url_mismatch',
  'invalid_team_for_non_distributed_app',
  'cannot_install_an_org_installed_app',
  'app_missing_action_url',
])

/** A failed oauth.v2.access, read in Slack's words. */
export function classifySlackTokenFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  networkError?: unknown,
  nowMs?: number,
): FailureClass {
  if (networkError !== undefined || status === 429 || status >= 500) {
    return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
  }
  const error = slackErrorCode(body)
  if (error === undefined) return platform(`token endpoint answered ${status} without a Slack error`)
  if (error === 'invalid_refresh_token' || error === 'token_revoked' || error === 'token_expired') {
    return { kind: 'permanent', reason: 'grant_invalid', detail: `token endpoint answered ${error}` }
  }
  if (error === 'invalid_code' || error === 'code_already_used') {
    return {
      kind: 'permanent',
      reason: 'grant_invalid',
      detail: `token endpoint answered ${error}: Connect again`,
    }
  }
  if (CONFIGURATION_ERRORS.has(error)) {
    return { kind: 'configuration', detail: `token endpoint rejected the app (${error})` }
  }
  if (RETRYABLE_ERRORS.has(error)) return { kind: 'transient', detail: `token endpoint answered ${error}` }
  // invalid_grant_type, invalid_form_data, invalid_arguments, ...: we sent something Slack does not take.
  return platform(`token endpoint answered ${error}`)
}

function expiresInMs(value: unknown): number | undefined | 'malformed' {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 'malformed'
  return value * 1000
}

/**
 * The credential a token response carries: the user token (nested in authed_user at install, flat
 * with token_type "user" on refresh), or, for a bot-only install, the bot token.
 */
export function parseSlackTokenSuccess(body: Record<string, unknown>): TokenParse {
  const nested = isRecord(body['authed_user']) ? body['authed_user'] : undefined
  const source = nested !== undefined && typeof nested['access_token'] === 'string' ? nested : body
  const accessToken = source['access_token']
  if (typeof accessToken !== 'string' || accessToken === '') {
    return { kind: 'failure', failure: platform('oauth.v2.access answered ok without an access token') }
  }
  const tokenType = source === nested ? 'user' : source['token_type']
  if (tokenType !== 'user' && tokenType !== 'bot') {
    return {
      kind: 'failure',
      failure: platform('oauth.v2.access answered a token_type other than user or bot'),
    }
  }
  const token: ParsedToken = { accessToken, extras: { token_type: tokenType } }
  const refreshToken = source['refresh_token']
  if (refreshToken !== undefined && refreshToken !== null) {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      return { kind: 'failure', failure: platform('oauth.v2.access answered a malformed refresh_token') }
    }
    token.refreshToken = refreshToken
  }
  const expires = expiresInMs(source['expires_in'])
  if (expires === 'malformed') {
    return { kind: 'failure', failure: platform('oauth.v2.access answered a malformed expires_in') }
  }
  if (expires !== undefined) token.expiresInMs = expires
  const scope = source['scope']
  if (typeof scope === 'string') token.scopes = scope.split(/[,\s]+/).filter((s) => s !== '')
  const team = body['team']
  if (isRecord(team) && typeof team['id'] === 'string' && /^[A-Z0-9]{1,32}$/.test(team['id'])) {
    token.extras = { ...token.extras, team_id: team['id'] }
  }
  return { kind: 'success', token }
}

export function parseSlackTokenResponse(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  nowMs?: number,
  classify: ProviderClient['classifyTokenFailure'] = classifySlackTokenFailure,
): TokenParse {
  if (status < 200 || status >= 300)
    return { kind: 'failure', failure: classify(status, headers, body, undefined, nowMs) }
  if (!isRecord(body))
    return { kind: 'failure', failure: platform('oauth.v2.access answered 2xx without a JSON object') }
  // HTTP 200 says nothing: `ok` does.
  if (body['ok'] !== true)
    return { kind: 'failure', failure: classify(status, headers, body, undefined, nowMs) }
  return parseSlackTokenSuccess(body)
}

const TOKEN_REJECTED = new Set([
  'token_expired',
  'invalid_auth',
  'token_revoked',
  'account_inactive',
  'not_authed',
])

/** Web API answers: HTTP 200 with `ok`, errors in `error`. */
export function classifySlackApiResult(result: ApiResult): ApiClass {
  const { status, body } = result
  if (status === 429 || status >= 500) return 'transient'
  if (status < 200 || status >= 300) return 'other'
  if (!isRecord(body)) return 'other'
  if (body['ok'] === true) return 'ok'
  const error = slackErrorCode(body)
  if (error !== undefined && TOKEN_REJECTED.has(error)) return 'token_rejected'
  if (error === 'missing_scope') return 'scope_missing'
  if (error === 'ratelimited' || error === 'internal_error' || error === 'fatal_error') return 'transient'
  return 'other'
}

/**
 * access_denied with a description is the teammate's Deny; without one it is how Slack sends a
 * member back when the workspace requires app approval (connectors.md §2): an admin matter.
 */
export function classifySlackCallbackError(error: string, description?: string): FailureClass {
  if (error === 'access_denied' && (description === undefined || description.trim() === '')) {
    return {
      kind: 'configuration',
      detail: 'Slack refused the install without saying why (the workspace may require app approval)',
    }
  }
  return classifyBaselineCallbackError(error)
}

/**
 * The Slack client, optionally with some pieces replaced (experiments, dialect-ignorant mutants).
 * Token responses are classified through the assembled client.
 */
export function createSlackClient(overrides: Partial<Omit<ProviderClient, 'id'>> = {}): ProviderClient {
  const client: ProviderClient = extendBaseline('slack', {
    defaultScopes: [...SLACK_DEFAULT_USER_SCOPES],
    endpoints: slackEndpoints,
    authorizationUrl: slackAuthorizationUrl,
    tokenRequest: slackTokenRequest,
    parseTokenResponse: (status, headers, body, nowMs) =>
      parseSlackTokenResponse(status, headers, body, nowMs, client.classifyTokenFailure),
    classifyTokenFailure: classifySlackTokenFailure,
    classifyApiResult: classifySlackApiResult,
    classifyCallbackError: classifySlackCallbackError,
    ...overrides,
  })
  return client
}

export const slackClient: ProviderClient = createSlackClient()

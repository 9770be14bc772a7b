/**
 * Salesforce (connected apps / external client apps, web server flow) as a client reads it.
 * Deviations from the baseline (connectors.md §3 and Addendum):
 * - endpoints under /services/oauth2 on the org's login host; the API is served at `instance_url`;
 * - the consumer key and secret travel in the form body; the app needs the `refresh_token` scope;
 * - token responses never carry `expires_in` (the access token lives for the org's session timeout),
 *   so the access token's expiry is unknown and a 401 is the signal to refresh; `issued_at` is a
 *   13-digit millisecond string; a refresh without Refresh Token Rotation carries no refresh token,
 *   which means "keep the stored one";
 * - every token-endpoint error is HTTP 400: `invalid_grant` (dead grant) is permanent whatever its
 *   description, except the IP / login-hours restriction, which the admin owns; `invalid_client`,
 *   `invalid_client_id` and `invalid_app_access` are configuration;
 * - the API answers a dead session with 401 `[{"errorCode":"INVALID_SESSION_ID",…}]`;
 * - the authorization endpoint redirects back with `invalid_client` ("app must be installed into
 *   org") and `OAUTH_APP_ACCESS_DENIED` (admin-approved users) for an admin's gates, and
 *   `access-denied` (with a hyphen, in the doc's example) when the user declines.
 */
import type { ApiResult } from '../manager/contract.ts'
import {
  baselineAuthorizationUrl,
  formTokenRequest,
  parseBaselineTokenResponse,
  classifyBaselineApiResult,
  classifyBaselineCallbackError,
  classifyBaselineTokenFailure,
  extendBaseline,
  parseBaselineTokenSuccess,
} from './baseline.ts'
import type { ApiClass, FailureClass, ProviderClient, ProviderEndpoints, TokenParse } from './types.ts'
import { oauthErrorCode, isRecord } from './wire.ts'

export const SALESFORCE_DEFAULT_SCOPES = ['api', 'refresh_token'] as const

export function salesforceEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/services/oauth2/authorize`,
    token: `${base}/services/oauth2/token`,
    revoke: `${base}/services/oauth2/revoke`,
    api: `${base}/services/oauth2/userinfo`,
  }
}

/** The `errorCode`s of a Salesforce REST error body (an array of `{message, errorCode}`). */
export function salesforceErrorCodes(body: unknown): string[] {
  if (!Array.isArray(body)) return []
  return body.flatMap((item) =>
    isRecord(item) && typeof item['errorCode'] === 'string' && /^[A-Z_]{1,64}$/.test(item['errorCode'])
      ? [item['errorCode']]
      : [],
  )
}

/** Non-secret members worth keeping: where the API lives and who the token belongs to. */
const EXTRAS = ['instance_url', 'id', 'issued_at', 'token_type', 'scope'] as const

export function parseSalesforceTokenSuccess(body: unknown): TokenParse {
  const parsed = parseBaselineTokenSuccess(body)
  if (parsed.kind === 'failure' || !isRecord(body)) return parsed
  const issuedAt = body['issued_at']
  if (issuedAt !== undefined && (typeof issuedAt !== 'string' || !/^\d{10,13}$/.test(issuedAt))) {
    return {
      kind: 'failure',
      failure: { kind: 'platform', detail: 'token endpoint answered a malformed issued_at' },
    }
  }
  const instanceUrl = body['instance_url']
  if (typeof instanceUrl !== 'string' || !/^https?:\/\//.test(instanceUrl)) {
    return {
      kind: 'failure',
      failure: { kind: 'platform', detail: 'token endpoint answered without an instance_url' },
    }
  }
  const extras: Record<string, string> = { ...parsed.token.extras }
  for (const key of EXTRAS) {
    const value = body[key]
    if (typeof value === 'string') extras[key] = value
  }
  // Salesforce never sends expires_in: the expiry stays unknown (a 401 INVALID_SESSION_ID is the cue to refresh).
  return { kind: 'success', token: { ...parsed.token, extras } }
}

export function classifySalesforceTokenFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  networkError?: unknown,
  nowMs?: number,
): FailureClass {
  if (networkError !== undefined || status === 429 || status >= 500)
    return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
  const error = oauthErrorCode(body)
  const description =
    isRecord(body) && typeof body['error_description'] === 'string' ? body['error_description'] : ''
  switch (error) {
    case 'invalid_grant':
      // "ip restricted or invalid login hours" is the org's network policy, not a dead grant.
      if (/ip restricted|login hours/i.test(description))
        return {
          kind: 'configuration',
          detail: 'token endpoint answered invalid_grant (IP or login-hours restriction)',
        }
      return { kind: 'permanent', reason: 'grant_invalid', detail: 'token endpoint answered invalid_grant' }
    case 'invalid_client':
    case 'invalid_client_id':
    case 'invalid_app_access':
    case 'unauthorized_client':
      return { kind: 'configuration', detail: `token endpoint rejected the connected app (${error})` }
    default:
      return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
  }
}

export function classifySalesforceApiResult(result: ApiResult): ApiClass {
  const codes = salesforceErrorCodes(result.body)
  if (result.status === 401 || codes.includes('INVALID_SESSION_ID')) return 'token_rejected'
  if (codes.includes('REQUEST_LIMIT_EXCEEDED') || codes.includes('SERVER_UNAVAILABLE')) return 'transient'
  return classifyBaselineApiResult(result)
}

/** `_description` is free text from the source: it never reaches a reason string. */
export function classifySalesforceCallbackError(error: string, _description?: string): FailureClass {
  switch (error) {
    case 'access_denied':
    case 'access-denied':
      return { kind: 'permanent', reason: 'consent_denied', detail: 'the teammate denied consent' }
    case 'invalid_client':
    case 'invalid_client_id':
    case 'OAUTH_APP_ACCESS_DENIED':
    case 'OAUTH_APP_BLOCKED':
    case 'OAUTH_APPROVAL_ERROR_GENERIC':
    case 'redirect_uri_mismatch':
      // The app is not installed, the user is not pre-authorised, or the app is misconfigured: an admin's job.
      return { kind: 'configuration', detail: `Salesforce refused the connected app at consent (${error})` }
    default:
      return classifyBaselineCallbackError(error)
  }
}

export const salesforceClient: ProviderClient = extendBaseline('salesforce', {
  defaultScopes: [...SALESFORCE_DEFAULT_SCOPES],
  endpoints: salesforceEndpoints,
  authorizationUrl: baselineAuthorizationUrl,
  tokenRequest: (pack, grant) => formTokenRequest(pack, grant, 'post'),
  parseTokenResponse: (status, headers, body, nowMs) =>
    parseBaselineTokenResponse(
      status,
      headers,
      body,
      nowMs,
      salesforceClient.classifyTokenFailure,
      parseSalesforceTokenSuccess,
    ),
  classifyTokenFailure: classifySalesforceTokenFailure,
  classifyApiResult: classifySalesforceApiResult,
  classifyCallbackError: classifySalesforceCallbackError,
})

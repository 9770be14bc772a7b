/**
 * Google OAuth 2.0 (Gmail, Calendar, Docs, Sheets) as a client reads it. Deviations from the baseline
 * (connectors.md §4 and Addendum):
 * - endpoints /o/oauth2/v2/auth, /token, /revoke; the client id and secret travel in the form body;
 * - every authorization request says `access_type=offline` (no refresh token without it) and
 *   `prompt=consent` (otherwise a re-consent returns no refresh token);
 * - a response without `refresh_token` (every refresh, and a re-consent) means "keep the stored one";
 * - `invalid_grant` is a dead grant whatever its description or `error_subtype` (`invalid_rapt` and
 *   `rapt_required` are the Workspace reauth policy: the teammate must sign in again);
 *   `invalid_client` and `deleted_client` are the admin's (a rotated secret, a deleted client);
 * - the API answers 401 for a dead token and 403 PERMISSION_DENIED "insufficient authentication
 *   scopes" when granular consent left a scope out; 403 rate-limit reasons are transient;
 * - consent can end at `admin_policy_enforced` / `org_internal` (admin) or `access_denied` (the user).
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
import { oauthErrorCode, safeErrorCode, isRecord } from './wire.ts'

export const GOOGLE_DEFAULT_SCOPES = [
  'openid',
  'email',
  'profile',
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/calendar.readonly',
] as const

export function googleEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/o/oauth2/v2/auth`,
    token: `${base}/token`,
    revoke: `${base}/revoke`,
    api: `${base}/oauth2/v3/userinfo`,
  }
}

export function googleAuthorizationUrl(
  pack: Parameters<ProviderClient['authorizationUrl']>[0],
  request: { state: string; codeChallenge: string },
): string {
  const url = new URL(baselineAuthorizationUrl(pack, request))
  url.searchParams.set('access_type', 'offline')
  url.searchParams.set('prompt', 'consent')
  return url.toString()
}

/** Baseline success parsing; the id_token is a credential and is not kept. */
export function parseGoogleTokenSuccess(body: unknown): TokenParse {
  return parseBaselineTokenSuccess(body)
}

/** The `error.status` / `errors[].reason` of a Google API error body. */
function apiErrorMarkers(body: unknown): string[] {
  if (!isRecord(body) || !isRecord(body['error'])) return []
  const error = body['error']
  const markers: string[] = []
  if (typeof error['status'] === 'string') markers.push(error['status'])
  if (typeof error['message'] === 'string' && /insufficient authentication scopes/i.test(error['message']))
    markers.push('insufficientScopes')
  const errors = error['errors']
  if (Array.isArray(errors))
    for (const e of errors) if (isRecord(e) && typeof e['reason'] === 'string') markers.push(e['reason'])
  return markers
}

export function classifyGoogleTokenFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  networkError?: unknown,
  nowMs?: number,
): FailureClass {
  if (networkError !== undefined || status === 429 || status >= 500)
    return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
  const error = oauthErrorCode(body)
  switch (error) {
    case 'invalid_grant': {
      const subtype = isRecord(body) ? safeErrorCode(body['error_subtype']) : undefined
      if (subtype === 'invalid_rapt' || subtype === 'rapt_required')
        return {
          kind: 'permanent',
          reason: 'grant_expired',
          detail: `token endpoint answered invalid_grant (${subtype}: the Workspace asks the teammate to sign in again)`,
        }
      return { kind: 'permanent', reason: 'grant_invalid', detail: 'token endpoint answered invalid_grant' }
    }
    case 'invalid_client':
    case 'deleted_client':
    case 'unauthorized_client':
    case 'admin_policy_enforced':
    case 'org_internal':
      return { kind: 'configuration', detail: `token endpoint rejected the OAuth client (${error})` }
    default:
      return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
  }
}

export function classifyGoogleApiResult(result: ApiResult): ApiClass {
  const markers = apiErrorMarkers(result.body)
  if (result.status === 403) {
    if (markers.some((m) => /ratelimitexceeded|quotaexceeded|resource_exhausted/i.test(m))) return 'transient'
    if (markers.includes('insufficientScopes') || markers.includes('insufficientPermissions'))
      return 'scope_missing'
  }
  return classifyBaselineApiResult(result)
}

export function classifyGoogleCallbackError(error: string): FailureClass {
  switch (error) {
    case 'admin_policy_enforced':
    case 'org_internal':
    case 'deleted_client':
    case 'invalid_client':
    case 'disallowed_useragent':
    case 'redirect_uri_mismatch':
      return { kind: 'configuration', detail: `Google refused the OAuth client at consent (${error})` }
    default:
      return classifyBaselineCallbackError(error)
  }
}

export const googleClient: ProviderClient = extendBaseline('google', {
  defaultScopes: [...GOOGLE_DEFAULT_SCOPES],
  endpoints: googleEndpoints,
  authorizationUrl: googleAuthorizationUrl,
  tokenRequest: (pack, grant) => formTokenRequest(pack, grant, 'post'),
  parseTokenResponse: (status, headers, body, nowMs) =>
    parseBaselineTokenResponse(
      status,
      headers,
      body,
      nowMs,
      googleClient.classifyTokenFailure,
      parseGoogleTokenSuccess,
    ),
  classifyTokenFailure: classifyGoogleTokenFailure,
  classifyApiResult: classifyGoogleApiResult,
  classifyCallbackError: classifyGoogleCallbackError,
})

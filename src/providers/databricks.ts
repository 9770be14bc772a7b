/**
 * Databricks custom OAuth app integrations (U2M), as a client reads them (connectors.md §6).
 * Deviations from the baseline client:
 * - endpoints on the workspace host: /oidc/v1/authorize, /oidc/v1/token (the paths the workspace's
 *   /oidc/.well-known/oauth-authorization-server names), and the agent's API call
 *   GET /api/2.0/preview/scim/v2/Me; no revocation endpoint is known;
 * - default scopes `all-apis offline_access`: without offline_access the code exchange answers 200
 *   with no refresh token, and the teammate would be asked to reconnect every hour;
 * - failures: 400 invalid_request "Refresh token is invalid" is a dead grant (expired, rotated or
 *   unknown refresh token), not a malformed request: Databricks answers invalid_request where RFC 6749
 *   says invalid_grant. Any other invalid_request stays a platform matter. 401 invalid_client
 *   "Client authentication failed" (with an error_id) is the app's setup;
 * - API: 403 {"error_code":403,"message":"Invalid access token. …"} is a rejected token (Databricks
 *   answers 403 where RFC 6750 says 401); any other 403 is a permission problem.
 */
import type { ApiResult } from '../manager/contract.ts'
import { classifyBaselineApiResult, classifyBaselineTokenFailure, extendBaseline } from './baseline.ts'
import type { ApiClass, FailureClass, ProviderClient, ProviderEndpoints } from './types.ts'
import { oauthErrorCode, isRecord } from './wire.ts'

/** Every workspace REST API, plus a refresh token. */
export const DATABRICKS_DEFAULT_SCOPES = ['all-apis', 'offline_access'] as const

export function databricksEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/oidc/v1/authorize`,
    token: `${base}/oidc/v1/token`,
    api: `${base}/api/2.0/preview/scim/v2/Me`,
  }
}

/** "Refresh token is invalid", however it is cased or punctuated; compared, never echoed. */
function saysRefreshTokenInvalid(body: unknown): boolean {
  if (!isRecord(body)) return false
  const description = body['error_description']
  return typeof description === 'string' && /^\s*refresh token is invalid\b/i.test(description)
}

export function classifyDatabricksTokenFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  networkError?: unknown,
  nowMs?: number,
): FailureClass {
  if (
    networkError === undefined &&
    status >= 400 &&
    status < 500 &&
    oauthErrorCode(body) === 'invalid_request' &&
    saysRefreshTokenInvalid(body)
  ) {
    return {
      kind: 'permanent',
      reason: 'grant_invalid',
      detail:
        'token endpoint answered invalid_request "Refresh token is invalid" (expired, rotated or unknown)',
    }
  }
  return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
}

export function classifyDatabricksApiResult(result: ApiResult): ApiClass {
  if (result.status === 403 && isRecord(result.body)) {
    const message = result.body['message']
    if (typeof message === 'string' && /^\s*invalid access token\b/i.test(message)) return 'token_rejected'
  }
  return classifyBaselineApiResult(result)
}

export const databricksClient: ProviderClient = extendBaseline('databricks', {
  defaultScopes: [...DATABRICKS_DEFAULT_SCOPES],
  endpoints: databricksEndpoints,
  classifyTokenFailure: classifyDatabricksTokenFailure,
  classifyApiResult: classifyDatabricksApiResult,
})

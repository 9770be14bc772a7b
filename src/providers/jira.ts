/**
 * Atlassian / Jira Cloud OAuth 2.0 (3LO), as a client reads it (connectors.md §1). Deviations from
 * the baseline client:
 * - endpoints: /authorize, /oauth/token (JSON body, credentials in the body), no revocation endpoint;
 *   the agent's API call is GET /oauth/token/accessible-resources, the one call every 3LO client
 *   makes first (a cloudId cannot be read from a token), which 401s for a dead access token;
 * - the authorization URL carries audience=api.atlassian.com and prompt=consent, and the default
 *   scopes include offline_access (no refresh token without it);
 * - success: token_type may be absent (the documented example has none); a missing refresh_token
 *   means "keep the stored one" (Atlassian occasionally drops it);
 * - failures: 403 unauthorized_client "refresh_token is invalid" (observed) and 403 invalid_grant
 *   (documented) are a dead grant; 401 access_denied "Unauthorized" is a wrong client secret, an
 *   admin matter, never a reason to send teammates to Connect (it shares its code with a user's Deny);
 *   400 invalid_request "authorization_code is invalid" means Connect again;
 * - API: 401 "Unauthorized; scope does not match" is a missing scope, not a dead token.
 */
import type { ApiResult, PackDescriptor } from '../manager/contract.ts'
import {
  baselineAuthorizationUrl,
  classifyBaselineApiResult,
  classifyBaselineTokenFailure,
  extendBaseline,
  parseBaselineTokenResponse,
} from './baseline.ts'
import type {
  ApiClass,
  FailureClass,
  ParsedToken,
  ProviderClient,
  ProviderEndpoints,
  TokenGrant,
  TokenHttpRequest,
  TokenParse,
} from './types.ts'
import { oauthErrorCode, isRecord } from './wire.ts'

export const JIRA_AUDIENCE = 'api.atlassian.com'

/** Jira work items, the user's details, and a refresh token (offline_access). */
export const JIRA_DEFAULT_SCOPES = ['read:jira-work', 'read:jira-user', 'offline_access'] as const

export function jiraEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/authorize`,
    token: `${base}/oauth/token`,
    api: `${base}/oauth/token/accessible-resources`,
  }
}

export function jiraAuthorizationUrl(
  pack: PackDescriptor,
  request: { state: string; codeChallenge: string },
): string {
  const url = new URL(baselineAuthorizationUrl(pack, request))
  url.searchParams.set('audience', JIRA_AUDIENCE)
  // Always show the consent screen, so a re-Connect really re-consents.
  url.searchParams.set('prompt', 'consent')
  return url.toString()
}

/** JSON body with the client credentials in it, as Atlassian documents (no HTTP Basic). */
export function jiraTokenRequest(pack: PackDescriptor, grant: TokenGrant): TokenHttpRequest {
  const body =
    grant.grantType === 'authorization_code'
      ? {
          grant_type: 'authorization_code',
          client_id: pack.clientId,
          client_secret: pack.clientSecret,
          code: grant.code,
          redirect_uri: pack.redirectUri,
          code_verifier: grant.codeVerifier,
        }
      : {
          grant_type: 'refresh_token',
          client_id: pack.clientId,
          client_secret: pack.clientSecret,
          refresh_token: grant.refreshToken,
        }
  return {
    url: pack.endpoints.token,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    },
  }
}

function descriptionOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined
  const description = body['error_description']
  return typeof description === 'string' ? description : undefined
}

/**
 * Atlassian's token failures. Status first for the transport cases (a 503 is transient whatever its
 * body), then the two Atlassian shapes the baseline would misread.
 */
export function classifyJiraTokenFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  networkError?: unknown,
  nowMs?: number,
): FailureClass {
  if (networkError !== undefined || status === 429 || status >= 500) {
    return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
  }
  const error = oauthErrorCode(body)
  if (status === 403 && (error === 'unauthorized_client' || error === 'invalid_grant')) {
    // Expired, rotated out, revoked and reuse-killed all read the same: the grant is gone.
    return {
      kind: 'permanent',
      reason: 'grant_invalid',
      detail: `token endpoint answered 403 ${error} (the refresh token is dead)`,
    }
  }
  if (status === 401) {
    // access_denied "Unauthorized" is Atlassian's wrong-secret answer: the admin must fix the app.
    return {
      kind: 'configuration',
      detail: `token endpoint rejected the client (401 ${error ?? 'no error'})`,
    }
  }
  if (
    status === 400 &&
    error === 'invalid_request' &&
    /authorization_code/i.test(descriptionOf(body) ?? '')
  ) {
    return {
      kind: 'permanent',
      reason: 'grant_invalid',
      detail: 'token endpoint answered invalid_request: the authorization code is invalid',
    }
  }
  return classifyBaselineTokenFailure(status, headers, body, networkError, nowMs)
}

/**
 * RFC 6749 §5.1 success, except that token_type may be absent (Atlassian's documented example has
 * none); when present it must still say Bearer.
 */
export function parseJiraTokenResponse(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  nowMs?: number,
  classify: ProviderClient['classifyTokenFailure'] = classifyJiraTokenFailure,
): TokenParse {
  if (status >= 200 && status < 300 && isRecord(body) && body['token_type'] === undefined) {
    const parsed = parseBaselineTokenResponse(
      status,
      headers,
      { ...body, token_type: 'Bearer' },
      nowMs,
      classify,
    )
    if (parsed.kind !== 'success') return parsed
    // The token_type was ours, not the source's: do not keep it as if Atlassian had said it.
    const { extras: _extras, ...token } = parsed.token
    const result: ParsedToken = token
    return { kind: 'success', token: result }
  }
  return parseBaselineTokenResponse(status, headers, body, nowMs, classify)
}

/** A 401 that names a scope mismatch is Atlassian's way of saying 403 insufficient_scope. */
export function classifyJiraApiResult(result: ApiResult): ApiClass {
  if (result.status === 401 && isRecord(result.body)) {
    const message = result.body['message']
    if (typeof message === 'string' && /scope does not match/i.test(message)) return 'scope_missing'
  }
  return classifyBaselineApiResult(result)
}

/**
 * The Jira client, optionally with some pieces replaced (experiments, dialect-ignorant mutants).
 * Token responses are classified through the assembled client, so replacing classifyTokenFailure
 * alone changes how failed exchanges read, as with extendBaseline.
 */
export function createJiraClient(overrides: Partial<Omit<ProviderClient, 'id'>> = {}): ProviderClient {
  const client: ProviderClient = extendBaseline('jira', {
    defaultScopes: [...JIRA_DEFAULT_SCOPES],
    endpoints: jiraEndpoints,
    authorizationUrl: jiraAuthorizationUrl,
    tokenRequest: jiraTokenRequest,
    parseTokenResponse: (status, headers, body, nowMs) =>
      parseJiraTokenResponse(status, headers, body, nowMs, client.classifyTokenFailure),
    classifyTokenFailure: classifyJiraTokenFailure,
    classifyApiResult: classifyJiraApiResult,
    ...overrides,
  })
  return client
}

export const jiraClient: ProviderClient = createJiraClient()

/**
 * Zendesk OAuth, as a client reads it (connectors.md §5). Deviations from the baseline client:
 * - endpoints on the account subdomain: /oauth/authorizations/new, /oauth/tokens, and the agent's API
 *   call GET /api/v2/users/me.json; no RFC 7009 revocation endpoint (Zendesk revokes by token id);
 * - token requests are form-encoded with the client credentials in the body (as Zendesk documents)
 *   and always ask for `expires_in` (30 minutes, Zendesk's default): Zendesk echoes `expires_in` only
 *   when it was asked for (NangoHQ/nango #6775, root cause 4), so without it the expiry is unknown.
 *   On an older (legacy) OAuth client asking also opts the grant in to expiring tokens with a refresh
 *   token, the migration Zendesk requires of every integration by 2027;
 * - success: token_type is lower-case `bearer`; a legacy answer is exactly {access_token, scope,
 *   token_type}, a token that never expires and has no refresh token; an answer without `expires_in`
 *   is still fine (expiry unknown: the manager learns it from a 401, then refreshes and retries);
 * - failures: 400 invalid_grant (whatever its wording) is a dead grant; invalid_client (401, or 400)
 *   is the app's setup; the API's 401 invalid_token is a rejected token.
 */
import type { PackDescriptor } from '../manager/contract.ts'
import { extendBaseline } from './baseline.ts'
import type { ProviderClient, ProviderEndpoints, TokenGrant, TokenHttpRequest } from './types.ts'

/** Read and write tickets and users: what Zendesk actions need. */
export const ZENDESK_DEFAULT_SCOPES = ['read', 'write'] as const

/**
 * The access-token lifetime asked for in every token request, in seconds: Zendesk's own default, so
 * asking changes nothing but makes Zendesk say it.
 */
export const ZENDESK_REQUESTED_EXPIRES_IN_SECONDS = 1800

export function zendeskEndpoints(baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '')
  return {
    authorize: `${base}/oauth/authorizations/new`,
    token: `${base}/oauth/tokens`,
    api: `${base}/api/v2/users/me.json`,
  }
}

/** Form body with the client credentials in it, always asking for `expires_in`. */
export function zendeskTokenRequest(pack: PackDescriptor, grant: TokenGrant): TokenHttpRequest {
  const body = new URLSearchParams()
  if (grant.grantType === 'authorization_code') {
    body.set('grant_type', 'authorization_code')
    body.set('code', grant.code)
    body.set('redirect_uri', pack.redirectUri)
    body.set('code_verifier', grant.codeVerifier)
  } else {
    body.set('grant_type', 'refresh_token')
    body.set('refresh_token', grant.refreshToken)
  }
  body.set('client_id', pack.clientId)
  body.set('client_secret', pack.clientSecret)
  body.set('expires_in', String(ZENDESK_REQUESTED_EXPIRES_IN_SECONDS))
  return {
    url: pack.endpoints.token,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    },
  }
}

export const zendeskClient: ProviderClient = extendBaseline('zendesk', {
  defaultScopes: [...ZENDESK_DEFAULT_SCOPES],
  endpoints: zendeskEndpoints,
  tokenRequest: zendeskTokenRequest,
})

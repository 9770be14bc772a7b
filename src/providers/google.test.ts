import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { mergeTokenResponse } from '../manager/decisions.ts'
import { googleClient, googleEndpoints } from './google.ts'
import { providerClient } from './index.ts'

const BASE = 'https://accounts.google.example'
const pack: PackDescriptor = {
  id: 'gmail',
  provider: 'google',
  setup: 'central',
  baseUrl: BASE,
  endpoints: googleEndpoints(BASE),
  clientId: 'client_1',
  clientSecret: 'secret_1',
  redirectUri: 'https://app.example.test/cb',
  scopes: ['openid', 'https://www.googleapis.com/auth/gmail.readonly'],
}

describe('google client', () => {
  it('is registered, with Google’s endpoints and offline scopes', () => {
    expect(providerClient('google')).toBe(googleClient)
    expect(googleClient.defaultScopes).toContain('https://www.googleapis.com/auth/gmail.readonly')
    expect(googleEndpoints(BASE)).toEqual({
      authorize: `${BASE}/o/oauth2/v2/auth`,
      token: `${BASE}/token`,
      revoke: `${BASE}/revoke`,
      api: `${BASE}/oauth2/v3/userinfo`,
    })
  })

  it('always asks for access_type=offline and prompt=consent', () => {
    const url = new URL(googleClient.authorizationUrl(pack, { state: 's', codeChallenge: 'c'.repeat(43) }))
    expect(url.searchParams.get('access_type')).toBe('offline')
    expect(url.searchParams.get('prompt')).toBe('consent')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('scope')).toBe('openid https://www.googleapis.com/auth/gmail.readonly')
  })

  it('sends client_id and client_secret in the form body', () => {
    const request = googleClient.tokenRequest(pack, {
      grantType: 'authorization_code',
      code: 'code_1',
      codeVerifier: 'v',
    })
    expect(request.url).toBe(`${BASE}/token`)
    expect((request.init.headers as Record<string, string>)['authorization']).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(String(request.init.body)))).toEqual({
      grant_type: 'authorization_code',
      code: 'code_1',
      redirect_uri: pack.redirectUri,
      code_verifier: 'v',
      client_id: 'client_1',
      client_secret: 'secret_1',
    })
  })

  it('keeps the stored refresh token when a response has none (refresh, or re-consent)', () => {
    const first = googleClient.parseTokenResponse(
      200,
      {},
      {
        access_token: 'ya29.at_1',
        expires_in: 3599,
        refresh_token: '1//0rt_1',
        scope: 'openid',
        token_type: 'Bearer',
        id_token: 'eyJa.eyJb.c',
      },
    )
    const again = googleClient.parseTokenResponse(
      200,
      {},
      {
        access_token: 'ya29.at_2',
        expires_in: 3599,
        scope: 'openid',
        token_type: 'Bearer',
      },
    )
    expect(first.kind).toBe('success')
    expect(again.kind).toBe('success')
    if (first.kind !== 'success' || again.kind !== 'success') return
    expect(first.token.expiresInMs).toBe(3599_000)
    expect(JSON.stringify(first.token)).not.toContain('eyJ')
    expect(again.token.refreshToken).toBeUndefined()
    const stored = mergeTokenResponse(mergeTokenResponse(undefined, first.token, 0), again.token, 1000)
    expect(stored.refreshToken).toBe('1//0rt_1')
    expect(stored.accessToken).toBe('ya29.at_2')
  })

  it.each([
    [
      400,
      { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      'permanent',
      'grant_invalid',
    ],
    [
      400,
      {
        error: 'invalid_grant',
        error_description: 'reauth related error (invalid_rapt)',
        error_subtype: 'invalid_rapt',
      },
      'permanent',
      'grant_expired',
    ],
    [400, { error: 'invalid_grant', error_subtype: 'rapt_required' }, 'permanent', 'grant_expired'],
    [401, { error: 'invalid_client', error_description: 'Unauthorized' }, 'configuration', undefined],
    [
      401,
      { error: 'deleted_client', error_description: 'The OAuth client was deleted.' },
      'configuration',
      undefined,
    ],
    [
      400,
      { error: 'invalid_request', error_description: 'Could not determine client ID from request.' },
      'platform',
      undefined,
    ],
    [500, { error: 'internal_failure' }, 'transient', undefined],
  ] as const)('classifies %i %j as %s', (status, body, kind, reason) => {
    const failure = googleClient.classifyTokenFailure(status, {}, body)
    expect(failure.kind).toBe(kind)
    if (reason !== undefined) expect(failure).toMatchObject({ reason })
    expect(failure.detail).not.toMatch(/Token has been|Unauthorized/)
    expect(googleClient.parseTokenResponse(status, {}, body)).toEqual({ kind: 'failure', failure })
  })

  it('reads Google API errors', () => {
    const unauthenticated = {
      error: {
        code: 401,
        message: 'Request had invalid authentication credentials.',
        status: 'UNAUTHENTICATED',
      },
    }
    expect(googleClient.classifyApiResult({ status: 401, headers: {}, body: unauthenticated })).toBe(
      'token_rejected',
    )
    const scopes = {
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        status: 'PERMISSION_DENIED',
      },
    }
    expect(googleClient.classifyApiResult({ status: 403, headers: {}, body: scopes })).toBe('scope_missing')
    const rate = {
      error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded' }] },
    }
    expect(googleClient.classifyApiResult({ status: 403, headers: {}, body: rate })).toBe('transient')
    expect(googleClient.classifyApiResult({ status: 403, headers: {}, body: { error: { code: 403 } } })).toBe(
      'other',
    )
  })

  it('reads admin blocks as the admin’s and a refusal as the teammate’s', () => {
    expect(googleClient.classifyCallbackError('admin_policy_enforced').kind).toBe('configuration')
    expect(googleClient.classifyCallbackError('org_internal').kind).toBe('configuration')
    expect(googleClient.classifyCallbackError('access_denied')).toMatchObject({ reason: 'consent_denied' })
  })
})

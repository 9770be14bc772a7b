import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { providerClient } from './index.ts'
import { ZENDESK_REQUESTED_EXPIRES_IN_SECONDS, zendeskClient, zendeskEndpoints } from './zendesk.ts'

const pack: PackDescriptor = {
  id: 'zendesk',
  provider: 'zendesk',
  setup: 'custom',
  baseUrl: 'https://acme.zendesk.com/',
  endpoints: zendeskEndpoints('https://acme.zendesk.com/'),
  clientId: 'glean-actions',
  clientSecret: 's3cr:t&+',
  redirectUri: 'https://app.example/callback',
  scopes: ['read', 'write'],
}

const json = { 'content-type': 'application/json' }
const doorkeeperInvalidGrant =
  'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'

describe('zendesk client: endpoints and requests', () => {
  it('is registered and lives on the account subdomain', () => {
    expect(providerClient('zendesk')).toBe(zendeskClient)
    expect(zendeskEndpoints('https://acme.zendesk.com/')).toEqual({
      authorize: 'https://acme.zendesk.com/oauth/authorizations/new',
      token: 'https://acme.zendesk.com/oauth/tokens',
      api: 'https://acme.zendesk.com/api/v2/users/me.json',
    })
    expect(zendeskClient.defaultScopes).toEqual(['read', 'write'])
  })

  it('asks for expires_in on both grants, with the credentials in a form body', () => {
    const code = zendeskClient.tokenRequest(pack, {
      grantType: 'authorization_code',
      code: 'c',
      codeVerifier: 'v',
    })
    expect(code.url).toBe('https://acme.zendesk.com/oauth/tokens')
    expect(new Headers(code.init.headers).get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(new Headers(code.init.headers).get('authorization')).toBeNull()
    expect(Object.fromEntries(new URLSearchParams(String(code.init.body)))).toEqual({
      grant_type: 'authorization_code',
      code: 'c',
      redirect_uri: 'https://app.example/callback',
      code_verifier: 'v',
      client_id: 'glean-actions',
      client_secret: 's3cr:t&+',
      expires_in: '1800',
    })
    const refresh = zendeskClient.tokenRequest(pack, { grantType: 'refresh_token', refreshToken: 'r' })
    expect(Object.fromEntries(new URLSearchParams(String(refresh.init.body)))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'r',
      client_id: 'glean-actions',
      client_secret: 's3cr:t&+',
      expires_in: String(ZENDESK_REQUESTED_EXPIRES_IN_SECONDS),
    })
  })

  it('builds the authorization URL with PKCE on the subdomain', () => {
    const url = new URL(zendeskClient.authorizationUrl(pack, { state: 's', codeChallenge: 'ch' }))
    expect(`${url.origin}${url.pathname}`).toBe('https://acme.zendesk.com/oauth/authorizations/new')
    expect(url.searchParams.get('scope')).toBe('read write')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
  })
})

describe('zendesk client: token responses', () => {
  const parse = zendeskClient.parseTokenResponse

  it('reads a legacy answer as a token that never expires and has no refresh token', () => {
    expect(parse(200, json, { access_token: 'a', scope: 'read write', token_type: 'bearer' })).toEqual({
      kind: 'success',
      token: { accessToken: 'a', scopes: ['read', 'write'], extras: { token_type: 'bearer' } },
    })
  })

  it('reads an expiring answer with expires_in', () => {
    expect(
      parse(200, json, {
        access_token: 'a',
        token_type: 'bearer',
        refresh_token: 'r',
        scope: 'read',
        expires_in: 1800,
        refresh_token_expires_in: 2_592_000,
      }),
    ).toMatchObject({
      kind: 'success',
      token: { accessToken: 'a', refreshToken: 'r', expiresInMs: 1_800_000 },
    })
  })

  it('copes with an expiring answer that lacks expires_in: expiry unknown, refresh token kept', () => {
    const parsed = parse(200, json, {
      access_token: 'a',
      token_type: 'bearer',
      refresh_token: 'r',
      scope: 'read',
      refresh_token_expires_in: 2_592_000,
    })
    expect(parsed).toMatchObject({ kind: 'success', token: { refreshToken: 'r' } })
    expect(parsed.kind === 'success' && 'expiresInMs' in parsed.token).toBe(false)
  })
})

describe('zendesk client: failures', () => {
  const classify = zendeskClient.classifyTokenFailure

  it.each([
    [400, { error: 'invalid_grant', error_description: doorkeeperInvalidGrant }, 'permanent'],
    [400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 'permanent'],
    [
      401,
      { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client…' },
      'configuration',
    ],
    [400, { error: 'invalid_client' }, 'configuration'],
    [400, { error: 'invalid_request' }, 'platform'],
    [503, { error: 'temporarily_unavailable' }, 'transient'],
    [429, '', 'transient'],
  ] as const)('%i %j is %s', (status, body, kind) => {
    expect(classify(status, {}, body).kind).toBe(kind)
  })

  it('reads the API: 401 invalid_token is a rejected token, 403 Forbidden is not', () => {
    const api = zendeskClient.classifyApiResult
    expect(
      api({
        status: 401,
        headers: json,
        body: { error: 'invalid_token', error_description: 'The access token provided is expired…' },
      }),
    ).toBe('token_rejected')
    expect(api({ status: 401, headers: json, body: { error: "Couldn't authenticate you" } })).toBe(
      'token_rejected',
    )
    expect(
      api({
        status: 403,
        headers: json,
        body: { error: 'Forbidden', description: 'You do not have access' },
      }),
    ).toBe('other')
    expect(api({ status: 200, headers: json, body: { user: { id: 1 } } })).toBe('ok')
    expect(api({ status: 429, headers: { 'retry-after': '10' }, body: '' })).toBe('transient')
  })

  it('reads a Deny at consent as the teammate declining', () => {
    expect(zendeskClient.classifyCallbackError('access_denied')).toMatchObject({
      kind: 'permanent',
      reason: 'consent_denied',
    })
  })
})

import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { providerClient } from './index.ts'
import { salesforceClient, salesforceEndpoints } from './salesforce.ts'

const BASE = 'https://acme.my.salesforce.com'
const pack: PackDescriptor = {
  id: 'sf',
  provider: 'salesforce',
  setup: 'custom',
  baseUrl: BASE,
  endpoints: salesforceEndpoints(BASE),
  clientId: 'client_1',
  clientSecret: 'secret_1',
  redirectUri: 'https://app.example.test/cb',
  scopes: ['api', 'refresh_token'],
}

const SUCCESS = {
  access_token: '00D5g000004ABCD!at_1',
  refresh_token: '5Aep861.rt_1',
  signature: 'c2lnbmF0dXJl',
  scope: 'refresh_token api',
  instance_url: BASE,
  id: 'https://login.salesforce.com/id/00D5g000004ABCD/0055g000001XYZA',
  token_type: 'Bearer',
  issued_at: '1767603600000',
}

describe('salesforce client', () => {
  it('is registered and asks for the refresh_token scope at the real endpoints', () => {
    expect(providerClient('salesforce')).toBe(salesforceClient)
    expect(salesforceClient.defaultScopes).toEqual(['api', 'refresh_token'])
    expect(salesforceEndpoints(`${BASE}/`)).toEqual({
      authorize: `${BASE}/services/oauth2/authorize`,
      token: `${BASE}/services/oauth2/token`,
      revoke: `${BASE}/services/oauth2/revoke`,
      api: `${BASE}/services/oauth2/userinfo`,
    })
    const url = new URL(
      salesforceClient.authorizationUrl(pack, { state: 's', codeChallenge: 'c'.repeat(43) }),
    )
    expect(url.pathname).toBe('/services/oauth2/authorize')
    expect(url.searchParams.get('scope')).toBe('api refresh_token')
  })

  it('sends the consumer key and secret in the form body', () => {
    const request = salesforceClient.tokenRequest(pack, { grantType: 'refresh_token', refreshToken: 'rt_1' })
    expect(request.url).toBe(`${BASE}/services/oauth2/token`)
    const headers = request.init.headers as Record<string, string>
    expect(headers['authorization']).toBeUndefined()
    const body = new URLSearchParams(String(request.init.body))
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt_1',
      client_id: 'client_1',
      client_secret: 'secret_1',
    })
  })

  it('reads a response without expires_in as "expiry unknown" and keeps instance_url, id and issued_at', () => {
    const parsed = salesforceClient.parseTokenResponse(200, {}, SUCCESS)
    expect(parsed).toEqual({
      kind: 'success',
      token: {
        accessToken: SUCCESS.access_token,
        refreshToken: SUCCESS.refresh_token,
        scopes: ['refresh_token', 'api'],
        extras: {
          token_type: 'Bearer',
          instance_url: BASE,
          id: SUCCESS.id,
          issued_at: SUCCESS.issued_at,
          scope: SUCCESS.scope,
        },
      },
    })
    if (parsed.kind === 'success') expect(parsed.token).not.toHaveProperty('expiresInMs')
  })

  it('treats a refresh without refresh_token as "keep the stored one"', () => {
    const { refresh_token: _rt, ...refresh } = SUCCESS
    const parsed = salesforceClient.parseTokenResponse(200, {}, refresh)
    expect(parsed.kind).toBe('success')
    if (parsed.kind === 'success') expect(parsed.token.refreshToken).toBeUndefined()
  })

  it('refuses a success without instance_url or with a non-numeric issued_at', () => {
    const { instance_url: _i, ...noInstance } = SUCCESS
    expect(salesforceClient.parseTokenResponse(200, {}, noInstance)).toMatchObject({
      kind: 'failure',
      failure: { kind: 'platform' },
    })
    expect(
      salesforceClient.parseTokenResponse(200, {}, { ...SUCCESS, issued_at: 1767603600000 }),
    ).toMatchObject({
      kind: 'failure',
      failure: { kind: 'platform' },
    })
  })

  it.each([
    [400, { error: 'invalid_grant', error_description: 'expired access/refresh token' }, 'permanent'],
    [400, { error: 'invalid_grant', error_description: 'authentication failure' }, 'permanent'],
    [
      400,
      { error: 'invalid_grant', error_description: 'ip restricted or invalid login hours' },
      'configuration',
    ],
    [400, { error: 'invalid_client', error_description: 'invalid client credentials' }, 'configuration'],
    [400, { error: 'invalid_client_id', error_description: 'client identifier invalid' }, 'configuration'],
    [
      400,
      { error: 'invalid_app_access', error_description: 'user is not admin approved to access this app' },
      'configuration',
    ],
    [400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' }, 'platform'],
    [503, { error: 'server_error' }, 'transient'],
    [429, 'slow down', 'transient'],
  ] as const)('classifies a %i %j token failure as %s', (status, body, kind) => {
    const failure = salesforceClient.classifyTokenFailure(status, {}, body)
    expect(failure.kind).toBe(kind)
    expect(failure.detail).not.toMatch(/expired access|authentication failure|client credentials/)
    const parsed = salesforceClient.parseTokenResponse(status, {}, body)
    expect(parsed).toEqual({ kind: 'failure', failure })
  })

  it('reads 401 INVALID_SESSION_ID as a rejected token (refresh, then retry)', () => {
    const body = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]
    expect(salesforceClient.classifyApiResult({ status: 401, headers: {}, body })).toBe('token_rejected')
    expect(salesforceClient.classifyApiResult({ status: 200, headers: {}, body: {} })).toBe('ok')
    expect(
      salesforceClient.classifyApiResult({
        status: 403,
        headers: {},
        body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      }),
    ).toBe('transient')
    expect(salesforceClient.classifyApiResult({ status: 503, headers: {}, body: '' })).toBe('transient')
  })

  it('reads the install and admin-approval gates as the admin’s, a refusal as the teammate’s', () => {
    expect(
      salesforceClient.classifyCallbackError('invalid_client', 'app must be installed into org').kind,
    ).toBe('configuration')
    expect(salesforceClient.classifyCallbackError('OAUTH_APP_ACCESS_DENIED').kind).toBe('configuration')
    expect(salesforceClient.classifyCallbackError('access-denied')).toMatchObject({
      kind: 'permanent',
      reason: 'consent_denied',
    })
    expect(salesforceClient.classifyCallbackError('access_denied')).toMatchObject({
      reason: 'consent_denied',
    })
    expect(salesforceClient.classifyCallbackError('server_error').kind).toBe('transient')
  })
})

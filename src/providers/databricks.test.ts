import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { databricksClient, databricksEndpoints } from './databricks.ts'
import { providerClient } from './index.ts'

const pack: PackDescriptor = {
  id: 'databricks',
  provider: 'databricks',
  setup: 'custom',
  baseUrl: 'https://dbc-1234.cloud.databricks.com',
  endpoints: databricksEndpoints('https://dbc-1234.cloud.databricks.com/'),
  clientId: 'glean-actions',
  clientSecret: 'secret',
  redirectUri: 'https://app.example/callback',
  scopes: ['all-apis', 'offline_access'],
}

const json = { 'content-type': 'application/json' }

describe('databricks client: endpoints and requests', () => {
  it('is registered, uses the workspace OIDC paths and asks for offline_access', () => {
    expect(providerClient('databricks')).toBe(databricksClient)
    expect(databricksEndpoints('https://dbc-1234.cloud.databricks.com/')).toEqual({
      authorize: 'https://dbc-1234.cloud.databricks.com/oidc/v1/authorize',
      token: 'https://dbc-1234.cloud.databricks.com/oidc/v1/token',
      api: 'https://dbc-1234.cloud.databricks.com/api/2.0/preview/scim/v2/Me',
    })
    expect(databricksClient.defaultScopes).toEqual(['all-apis', 'offline_access'])
    const url = new URL(databricksClient.authorizationUrl(pack, { state: 's', codeChallenge: 'c' }))
    expect(url.searchParams.get('scope')).toBe('all-apis offline_access')
    const { url: tokenUrl } = databricksClient.tokenRequest(pack, {
      grantType: 'refresh_token',
      refreshToken: 'r',
    })
    expect(tokenUrl).toBe('https://dbc-1234.cloud.databricks.com/oidc/v1/token')
  })

  it('keeps the stored refresh token when a non-rotating refresh answers without one', () => {
    const parsed = databricksClient.parseTokenResponse(200, json, {
      access_token: 'a',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'all-apis offline_access',
    })
    expect(parsed).toMatchObject({ kind: 'success', token: { accessToken: 'a', expiresInMs: 3_600_000 } })
    expect(parsed.kind === 'success' && 'refreshToken' in parsed.token).toBe(false)
  })
})

describe('databricks client: failures', () => {
  const classify = databricksClient.classifyTokenFailure

  it('400 invalid_request "Refresh token is invalid" is a dead grant, not a malformed request', () => {
    expect(
      classify(400, json, { error: 'invalid_request', error_description: 'Refresh token is invalid' }),
    ).toMatchObject({ kind: 'permanent', reason: 'grant_invalid' })
    // The SDK-mock shape reads the same.
    expect(
      classify(400, json, { error: 'invalid_grant', error_description: 'Refresh token is invalid' }),
    ).toMatchObject({
      kind: 'permanent',
    })
  })

  it.each([
    [400, { error: 'invalid_request', error_description: 'Missing required parameter: code' }, 'platform'],
    [400, { error: 'invalid_request' }, 'platform'],
    [
      401,
      { error: 'invalid_client', error_description: 'Client authentication failed', error_id: '2d1c…' },
      'configuration',
    ],
    [500, { error: 'invalid_request', error_description: 'Refresh token is invalid' }, 'transient'],
    [429, '', 'transient'],
  ] as const)('%i %j is %s', (status, body, kind) => {
    expect(classify(status, {}, body).kind).toBe(kind)
  })

  it('a network failure stays transient whatever the body', () => {
    expect(classify(0, {}, undefined, new TypeError('fetch failed')).kind).toBe('transient')
  })

  it('never echoes the description it matched', () => {
    const failure = classify(400, json, {
      error: 'invalid_request',
      error_description: 'Refresh token is invalid rt_77',
    })
    expect(failure.kind === 'permanent' && failure.detail).not.toContain('rt_77')
  })

  it('reads the API: 403 "Invalid access token" is a rejected token, other 403s are permissions', () => {
    const api = databricksClient.classifyApiResult
    expect(
      api({
        status: 403,
        headers: json,
        body: { error_code: 403, message: 'Invalid access token. [ReqId: 1-2-3]' },
      }),
    ).toBe('token_rejected')
    expect(
      api({ status: 403, headers: json, body: { error_code: 'PERMISSION_DENIED', message: 'no' } }),
    ).toBe('other')
    expect(
      api({ status: 401, headers: json, body: { error_code: 401, message: 'Credential was not sent' } }),
    ).toBe('token_rejected')
    expect(api({ status: 200, headers: json, body: { userName: 'a' } })).toBe('ok')
    expect(api({ status: 503, headers: {}, body: '' })).toBe('transient')
  })
})

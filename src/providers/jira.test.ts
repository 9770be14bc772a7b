import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { providerClient } from './index.ts'
import { createJiraClient, jiraClient, jiraEndpoints } from './jira.ts'

const pack: PackDescriptor = {
  id: 'jira',
  provider: 'jira',
  setup: 'custom',
  baseUrl: 'http://jira.mock/',
  endpoints: jiraEndpoints('http://jira.mock/'),
  clientId: 'client_1',
  clientSecret: 's3cr:t&+',
  redirectUri: 'https://app.example/callback/jira',
  scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
}

const json = { 'content-type': 'application/json' }

describe('jira client: requests', () => {
  it('is registered as the jira provider', () => {
    expect(providerClient('jira')).toBe(jiraClient)
  })

  it('uses /authorize, /oauth/token and accessible-resources, with no revocation endpoint', () => {
    expect(jiraEndpoints('http://jira.mock/')).toEqual({
      authorize: 'http://jira.mock/authorize',
      token: 'http://jira.mock/oauth/token',
      api: 'http://jira.mock/oauth/token/accessible-resources',
    })
  })

  it('asks for offline_access by default and sends audience and prompt=consent', () => {
    expect(jiraClient.defaultScopes).toContain('offline_access')
    const url = new URL(jiraClient.authorizationUrl(pack, { state: 'st', codeChallenge: 'ch' }))
    expect(url.origin + url.pathname).toBe('http://jira.mock/authorize')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client_1',
      redirect_uri: 'https://app.example/callback/jira',
      scope: 'read:jira-work read:jira-user offline_access',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      audience: 'api.atlassian.com',
      prompt: 'consent',
    })
  })

  it('sends a JSON body with the client credentials in it, no Basic header', () => {
    const refresh = jiraClient.tokenRequest(pack, { grantType: 'refresh_token', refreshToken: 'rt_1' })
    expect(refresh.url).toBe('http://jira.mock/oauth/token')
    const headers = new Headers(refresh.init.headers)
    expect(headers.get('content-type')).toBe('application/json')
    expect(headers.get('authorization')).toBeNull()
    expect(JSON.parse(String(refresh.init.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client_1',
      client_secret: 's3cr:t&+',
      refresh_token: 'rt_1',
    })
    const code = jiraClient.tokenRequest(pack, {
      grantType: 'authorization_code',
      code: 'c',
      codeVerifier: 'v',
    })
    expect(JSON.parse(String(code.init.body))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client_1',
      client_secret: 's3cr:t&+',
      code: 'c',
      redirect_uri: 'https://app.example/callback/jira',
      code_verifier: 'v',
    })
  })
})

describe('jira client: token responses', () => {
  const parse = jiraClient.parseTokenResponse

  it('parses the observed shape, with token_type', () => {
    expect(
      parse(200, json, {
        access_token: 'eyJ.a.at_1',
        expires_in: 3600,
        token_type: 'Bearer',
        refresh_token: 'rt_1',
        scope: 'read:jira-work offline_access',
      }),
    ).toEqual({
      kind: 'success',
      token: {
        accessToken: 'eyJ.a.at_1',
        refreshToken: 'rt_1',
        expiresInMs: 3_600_000,
        scopes: ['read:jira-work', 'offline_access'],
        extras: { token_type: 'Bearer' },
      },
    })
  })

  it('accepts the documented example without token_type, and a refresh without refresh_token', () => {
    const parsed = parse(200, json, { access_token: 'eyJ.a.at_2', expires_in: 3600, scope: 'read:jira-work' })
    expect(parsed).toEqual({
      kind: 'success',
      token: { accessToken: 'eyJ.a.at_2', expiresInMs: 3_600_000, scopes: ['read:jira-work'] },
    })
    // No refresh_token: the manager keeps the stored one.
    expect(parsed.kind === 'success' ? parsed.token : undefined).not.toHaveProperty('refreshToken')
  })

  it('still refuses a token_type other than Bearer and a 2xx without access_token', () => {
    expect(parse(200, json, { access_token: 'x', token_type: 'mac' })).toMatchObject({
      kind: 'failure',
      failure: { kind: 'platform' },
    })
    expect(parse(200, json, { expires_in: 3600 })).toMatchObject({
      kind: 'failure',
      failure: { kind: 'platform' },
    })
  })

  it('reads 403 unauthorized_client "refresh_token is invalid" and 403 invalid_grant as a dead grant', () => {
    for (const body of [
      { error: 'unauthorized_client', error_description: 'refresh_token is invalid' },
      { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
    ]) {
      expect(parse(403, json, body)).toEqual({
        kind: 'failure',
        failure: { kind: 'permanent', reason: 'grant_invalid', detail: expect.any(String) },
      })
    }
  })

  it('reads 401 access_denied "Unauthorized" as a configuration problem, never a prompt', () => {
    expect(parse(401, json, { error: 'access_denied', error_description: 'Unauthorized' })).toEqual({
      kind: 'failure',
      failure: { kind: 'configuration', detail: expect.stringContaining('access_denied') },
    })
    expect(jiraClient.classifyTokenFailure(401, {}, '')).toMatchObject({ kind: 'configuration' })
    expect(jiraClient.classifyTokenFailure(401, json, { error: 'invalid_client' })).toMatchObject({
      kind: 'configuration',
    })
  })

  it('reads 400 invalid_request "authorization_code is invalid" as Connect again', () => {
    expect(
      jiraClient.classifyTokenFailure(400, json, {
        error: 'invalid_request',
        error_description: 'authorization_code is invalid',
      }),
    ).toMatchObject({ kind: 'permanent', reason: 'grant_invalid' })
    // Any other invalid_request is ours or the source's bug, not the teammate's.
    expect(jiraClient.classifyTokenFailure(400, json, { error: 'invalid_request' })).toMatchObject({
      kind: 'platform',
    })
  })

  it('keeps 5xx, 429 and network failures transient whatever the body', () => {
    expect(jiraClient.classifyTokenFailure(503, json, { error: 'unauthorized_client' })).toMatchObject({
      kind: 'transient',
    })
    expect(jiraClient.classifyTokenFailure(429, { 'retry-after': '30' }, '')).toEqual({
      kind: 'transient',
      detail: expect.any(String),
      retryAfterMs: 30_000,
    })
    expect(jiraClient.classifyTokenFailure(0, {}, undefined, new TypeError('fetch failed'))).toMatchObject({
      kind: 'transient',
    })
  })

  it('never puts a token value in a failure detail', () => {
    const failure = jiraClient.classifyTokenFailure(403, json, {
      error: 'rt_123 leaked',
      error_description: 'rt_123',
    })
    expect(JSON.stringify(failure)).not.toContain('rt_123')
  })

  it('classifies through the assembled client, so a replaced classifier is used by parseTokenResponse', () => {
    const naive = createJiraClient({
      classifyTokenFailure: () => ({ kind: 'permanent', reason: 'consent_denied', detail: 'naive' }),
    })
    expect(naive.parseTokenResponse(401, json, { error: 'access_denied' })).toMatchObject({
      failure: { kind: 'permanent', reason: 'consent_denied' },
    })
  })
})

describe('jira client: API and callback', () => {
  it('reads 401 "scope does not match" as a missing scope and other 401s as a rejected token', () => {
    expect(
      jiraClient.classifyApiResult({
        status: 401,
        headers: {},
        body: { code: 401, message: 'Unauthorized; scope does not match' },
      }),
    ).toBe('scope_missing')
    expect(
      jiraClient.classifyApiResult({
        status: 401,
        headers: {},
        body: { code: 401, message: 'Unauthorized' },
      }),
    ).toBe('token_rejected')
    expect(jiraClient.classifyApiResult({ status: 200, headers: {}, body: [] })).toBe('ok')
    expect(jiraClient.classifyApiResult({ status: 503, headers: {}, body: '' })).toBe('transient')
  })

  it('reads a Deny redirect as consent_denied', () => {
    expect(jiraClient.parseCallback('https://app.example/callback/jira?error=access_denied&state=s')).toEqual(
      {
        kind: 'error',
        error: 'access_denied',
        state: 's',
      },
    )
    expect(jiraClient.classifyCallbackError('access_denied')).toMatchObject({
      kind: 'permanent',
      reason: 'consent_denied',
    })
  })
})

import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { providerClient } from './index.ts'
import { slackClient, slackEndpoints } from './slack.ts'

const pack: PackDescriptor = {
  id: 'slack',
  provider: 'slack',
  setup: 'custom',
  baseUrl: 'http://slack.mock',
  endpoints: slackEndpoints('http://slack.mock/'),
  clientId: 'client_1',
  clientSecret: 's3cr:t&+',
  redirectUri: 'https://app.example/callback/slack',
  scopes: ['chat:write', 'users:read'],
}

const json = { 'content-type': 'application/json' }
const parse = slackClient.parseTokenResponse

describe('slack client: requests', () => {
  it('is registered as the slack provider', () => {
    expect(providerClient('slack')).toBe(slackClient)
  })

  it('uses Slack paths, with auth.test as the API call and auth.revoke for revocation', () => {
    expect(slackEndpoints('http://slack.mock/')).toEqual({
      authorize: 'http://slack.mock/oauth/v2/authorize',
      token: 'http://slack.mock/api/oauth.v2.access',
      revoke: 'http://slack.mock/api/auth.revoke',
      api: 'http://slack.mock/api/auth.test',
    })
  })

  it('asks for the pack scopes as comma-separated user_scope, no bot scope', () => {
    const url = new URL(slackClient.authorizationUrl(pack, { state: 'st', codeChallenge: 'ch' }))
    expect(url.origin + url.pathname).toBe('http://slack.mock/oauth/v2/authorize')
    expect(url.searchParams.get('user_scope')).toBe('chat:write,users:read')
    expect(url.searchParams.has('scope')).toBe(false)
    expect(url.searchParams.get('state')).toBe('st')
    expect(url.searchParams.get('code_challenge')).toBe('ch')
  })

  it('sends a form body with HTTP Basic client credentials', () => {
    const { url, init } = slackClient.tokenRequest(pack, {
      grantType: 'refresh_token',
      refreshToken: 'xoxe-1-rt_1',
    })
    expect(url).toBe('http://slack.mock/api/oauth.v2.access')
    const headers = new Headers(init.headers)
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(headers.get('authorization')).toMatch(/^Basic /)
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'xoxe-1-rt_1',
    })
  })
})

describe('slack client: token responses', () => {
  it('takes the user token from authed_user at install, even beside a bot token', () => {
    const parsed = parse(200, json, {
      ok: true,
      access_token: 'xoxe.xoxb-1-at_1',
      token_type: 'bot',
      refresh_token: 'xoxe-1-rt_1',
      expires_in: 43200,
      scope: 'chat:write',
      team: { id: 'T123', name: 'acme' },
      authed_user: {
        id: 'U1',
        scope: 'chat:write,users:read',
        access_token: 'xoxe.xoxp-1-at_2',
        token_type: 'user',
        refresh_token: 'xoxe-1-rt_2',
        expires_in: 43200,
      },
    })
    expect(parsed).toEqual({
      kind: 'success',
      token: {
        accessToken: 'xoxe.xoxp-1-at_2',
        refreshToken: 'xoxe-1-rt_2',
        expiresInMs: 43_200_000,
        scopes: ['chat:write', 'users:read'],
        extras: { token_type: 'user', team_id: 'T123' },
      },
    })
  })

  it('reads a user-scope-only install (no top-level access_token) and a non-rotating one', () => {
    const parsed = parse(200, json, {
      ok: true,
      authed_user: { id: 'U1', scope: 'users:read', access_token: 'xoxp-at_3', token_type: 'user' },
    })
    expect(parsed).toEqual({
      kind: 'success',
      token: { accessToken: 'xoxp-at_3', scopes: ['users:read'], extras: { token_type: 'user' } },
    })
  })

  it('reads a flat refresh response by its token_type', () => {
    expect(
      parse(200, json, {
        ok: true,
        access_token: 'xoxe.xoxp-1-at_4',
        token_type: 'user',
        refresh_token: 'xoxe-1-rt_4',
        expires_in: 43200,
        scope: 'users:read',
      }),
    ).toMatchObject({
      kind: 'success',
      token: { accessToken: 'xoxe.xoxp-1-at_4', refreshToken: 'xoxe-1-rt_4' },
    })
    expect(parse(200, json, { ok: true, access_token: 'x', token_type: 'Bearer' })).toMatchObject({
      kind: 'failure',
      failure: { kind: 'platform' },
    })
  })

  it('treats HTTP 200 ok:false as a failure, never as a token', () => {
    expect(parse(200, json, { ok: false, error: 'invalid_refresh_token' })).toEqual({
      kind: 'failure',
      failure: { kind: 'permanent', reason: 'grant_invalid', detail: expect.any(String) },
    })
    expect(parse(200, json, { ok: false, error: 'bad_client_secret' })).toMatchObject({
      failure: { kind: 'configuration' },
    })
    expect(parse(200, json, { ok: false, error: 'invalid_client_id' })).toMatchObject({
      failure: { kind: 'configuration' },
    })
    expect(parse(200, json, { ok: false, error: 'invalid_code' })).toMatchObject({
      failure: { kind: 'permanent', reason: 'grant_invalid' },
    })
    expect(parse(200, json, { ok: false, error: 'invalid_grant_type' })).toMatchObject({
      failure: { kind: 'platform' },
    })
    // No `ok` at all is not success either.
    expect(parse(200, json, { access_token: 'xoxp-at_1', token_type: 'user' })).toMatchObject({
      kind: 'failure',
    })
    expect(parse(200, json, 'not json')).toMatchObject({ kind: 'failure', failure: { kind: 'platform' } })
  })

  it('keeps 429 (with Retry-After) and 5xx transient', () => {
    expect(parse(429, { 'retry-after': '30' }, { ok: false, error: 'ratelimited' })).toEqual({
      kind: 'failure',
      failure: { kind: 'transient', detail: expect.any(String), retryAfterMs: 30_000 },
    })
    expect(parse(503, json, { ok: false, error: 'internal_error' })).toMatchObject({
      failure: { kind: 'transient' },
    })
    expect(slackClient.classifyTokenFailure(0, {}, undefined, new TypeError('fetch failed'))).toMatchObject({
      kind: 'transient',
    })
  })

  it('never puts a token value in a failure detail', () => {
    const failure = slackClient.classifyTokenFailure(200, json, { ok: false, error: 'xoxp-at_1 leaked' })
    expect(JSON.stringify(failure)).not.toContain('at_1')
  })
})

describe('slack client: API and callback', () => {
  const api = (status: number, body: unknown) => slackClient.classifyApiResult({ status, headers: {}, body })

  it('reads auth.test by ok, not by status', () => {
    expect(api(200, { ok: true, user: 'ada' })).toBe('ok')
    for (const error of [
      'token_expired',
      'invalid_auth',
      'token_revoked',
      'account_inactive',
      'not_authed',
    ]) {
      expect(api(200, { ok: false, error })).toBe('token_rejected')
    }
    expect(api(200, { ok: false, error: 'missing_scope', needed: 'users:read' })).toBe('scope_missing')
    expect(api(200, { ok: false, error: 'channel_not_found' })).toBe('other')
    expect(api(429, { ok: false, error: 'ratelimited' })).toBe('transient')
    expect(api(500, '')).toBe('transient')
  })

  it('tells the approval gate (no description) from a Deny (described)', () => {
    expect(slackClient.classifyCallbackError('access_denied')).toMatchObject({ kind: 'configuration' })
    expect(
      slackClient.classifyCallbackError('access_denied', 'The user has denied access to your application'),
    ).toMatchObject({ kind: 'permanent', reason: 'consent_denied' })
    const parsed = slackClient.parseCallback('https://app.example/callback/slack?error=access_denied&state=s')
    expect(parsed).toEqual({ kind: 'error', error: 'access_denied', state: 's' })
  })
})

/**
 * The Slack mock, one test per quirk in mocks/slack/quirks.ts, each named after its id and citing its
 * connectors.md row. Everything goes through the mock's fetch with real Requests.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, ManualClock } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { redactSecrets } from '../../src/redact.ts'
import { APP_APPROVAL_KEY } from '../../src/world/mock-registry.ts'
import { s256Challenge } from '../spec/pkce.ts'
import { basicHeader } from '../spec/test-client.ts'
import type { ClientRecordView } from '../types.ts'
import {
  SLACK_PATHS,
  type SlackMock,
  type SlackMockOptions,
  createSlackMock,
  createSlackMockFromInput,
} from './index.ts'
import { slackQuirks } from './quirks.ts'

const ISSUER = 'http://slack.mock'
const REDIRECT_URI = 'https://app.example.test/oauth/callback/slack'

interface Harness {
  mock: SlackMock
  clock: ManualClock
  client: ClientRecordView
}

function setup(options: Partial<SlackMockOptions> = {}): Harness {
  const clock = new ManualClock()
  const mock = createSlackMock({ clock, ids: createSequentialIds(), issuer: ISSUER, ...options })
  const client = mock.control.createClient({ redirectUris: [REDIRECT_URI] })
  return { mock, clock, client }
}

const rotating = () => setup({ tokenRotation: true })
const verifierFor = (login: string) => `verifier-${login}-${'x'.repeat(43)}`.slice(0, 64)

type Json = Record<string, unknown>

function authorizeUrl(h: Harness, login: string, extra: Record<string, string> = {}): string {
  const url = new URL(`${ISSUER}${SLACK_PATHS.authorize}`)
  const params: Record<string, string> = {
    client_id: h.client.clientId,
    user_scope: 'chat:write,users:read',
    redirect_uri: REDIRECT_URI,
    state: 'state-1',
    response_type: 'code',
    code_challenge: s256Challenge(verifierFor(login)),
    code_challenge_method: 'S256',
    login_hint: login,
    ...extra,
  }
  for (const [key, value] of Object.entries(params)) if (value !== '') url.searchParams.set(key, value)
  return url.toString()
}

async function authorize(h: Harness, login: string, extra: Record<string, string> = {}): Promise<Response> {
  return h.mock.fetch(authorizeUrl(h, login, extra), { redirect: 'manual' })
}

async function obtainCode(h: Harness, login: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await authorize(h, login, extra)
  const code = new URL(res.headers.get('location') ?? 'x:').searchParams.get('code')
  if (code === null) throw new Error(`no code (${res.status} ${res.headers.get('location')})`)
  return code
}

async function access(h: Harness, params: Record<string, string>, secret = h.client.clientSecret) {
  return h.mock.fetch(`${ISSUER}${SLACK_PATHS.token}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicHeader(h.client.clientId, secret),
    },
    body: new URLSearchParams(params).toString(),
  })
}

async function exchange(h: Harness, code: string, login: string, extra: Record<string, string> = {}) {
  return access(h, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifierFor(login),
    ...extra,
  })
}

async function install(h: Harness, login: string, extra: Record<string, string> = {}): Promise<Json> {
  const res = await exchange(h, await obtainCode(h, login, extra), login)
  expect(res.status).toBe(200)
  const body = (await res.json()) as Json
  if (body['ok'] !== true) throw new Error(`install failed: ${JSON.stringify(body)}`)
  return body
}

const user = (body: Json) => body['authed_user'] as Json

async function refresh(h: Harness, refreshToken: string, secret?: string): Promise<Json> {
  const res = await access(h, { grant_type: 'refresh_token', refresh_token: refreshToken }, secret)
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}

async function authTest(h: Harness, token: string, method: 'GET' | 'POST' = 'GET'): Promise<Response> {
  if (method === 'GET') {
    return h.mock.fetch(`${ISSUER}${SLACK_PATHS.authTest}`, { headers: { authorization: `Bearer ${token}` } })
  }
  return h.mock.fetch(`${ISSUER}${SLACK_PATHS.authTest}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  })
}

async function authTestJson(h: Harness, token: string): Promise<Json> {
  const res = await authTest(h, token)
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}

describe('slack mock quirks', () => {
  it('slack.http-200-errors (connectors.md §2 "Error behaviour (the key Slack quirk)")', async () => {
    const h = rotating()
    const cases = [
      await access(h, { grant_type: 'refresh_token', refresh_token: 'xoxe-1-rt_999' }),
      await access(h, { grant_type: 'refresh_token', refresh_token: 'x' }, 'secret_wrong'),
      await h.mock.fetch(`${ISSUER}${SLACK_PATHS.token}`),
      await authTest(h, 'xoxp-at_999'),
    ]
    for (const res of cases) {
      expect(res.status).toBe(200)
      const body = (await res.json()) as Json
      expect(body['ok']).toBe(false)
      expect(body['error']).toEqual(expect.any(String))
      expect(body).not.toHaveProperty('error_description')
    }
    // Only rate limiting and real 5xx use the status.
    h.mock.control.scriptResponses('token', [{ status: 429, retryAfterSeconds: 30 }, { status: 503 }])
    const limited = await access(h, { grant_type: 'refresh_token', refresh_token: 'x' })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('30')
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' })
    const down = await access(h, { grant_type: 'refresh_token', refresh_token: 'x' })
    expect(down.status).toBe(503)
    expect(await down.json()).toMatchObject({ ok: false })
    // The recorded error is what the wire said.
    const get = h.mock.requests().find((r) => r.method === 'GET' && r.path === SLACK_PATHS.token)
    expect(get).toMatchObject({ status: 200, error: 'invalid_post_type' })
  })

  it('slack.form-only-token-body (connectors.md §2 "Token | … form-encoded only (no JSON)")', async () => {
    const h = setup()
    const code = await obtainCode(h, 'ada')
    const asJson = await h.mock.fetch(`${ISSUER}${SLACK_PATHS.token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicHeader(h.client.clientId, h.client.clientSecret),
      },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifierFor('ada'),
      }),
    })
    expect(asJson.status).toBe(200)
    expect(await asJson.json()).toEqual({ ok: false, error: 'invalid_form_data' })
    // Credentials in the form body work as well as Basic.
    const inBody = await h.mock.fetch(`${ISSUER}${SLACK_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifierFor('ada'),
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
      }).toString(),
    })
    expect(await inBody.json()).toMatchObject({ ok: true })
  })

  it('slack.token-rotation (connectors.md §2 "With rotation on | … expires_in: 43200"; "Rotation | … the used RT is revoked")', async () => {
    const h = rotating()
    const first = user(await install(h, 'ada'))
    expect(first['expires_in']).toBe(43200)
    expect(first['refresh_token']).toEqual(expect.any(String))
    const second = await refresh(h, String(first['refresh_token']))
    expect(second).toMatchObject({ ok: true, expires_in: 43200, token_type: 'user' })
    expect(second['refresh_token']).not.toBe(first['refresh_token'])
    // The used refresh token is revoked.
    expect(await refresh(h, String(first['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
    // 12-hour access tokens.
    expect(await authTestJson(h, String(second['access_token']))).toMatchObject({ ok: true })
    h.clock.advance(12 * HOUR_MS)
    expect(await authTestJson(h, String(second['access_token']))).toEqual({
      ok: false,
      error: 'token_expired',
    })
  })

  it('slack.non-expiring-without-rotation (connectors.md §2 "AT lifetime | Without rotation: never expires")', async () => {
    const h = setup()
    const body = await install(h, 'ada')
    const token = user(body)
    expect(token).not.toHaveProperty('refresh_token')
    expect(token).not.toHaveProperty('expires_in')
    h.clock.advance(400 * DAY_MS)
    expect(await authTestJson(h, String(token['access_token']))).toMatchObject({ ok: true, user: 'ada' })
    expect(await refresh(h, String(token['access_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
  })

  it('slack.token-formats (connectors.md §2 "With rotation on | Bot AT xoxe.xoxb-1-…, user AT xoxe.xoxp-1-…, RT xoxe-1-…")', async () => {
    const on = rotating()
    const both = await install(on, 'ada', { scope: 'chat:write,channels:read' })
    expect(String(both['access_token'])).toMatch(/^xoxe\.xoxb-1-at_\d+$/)
    expect(String(both['refresh_token'])).toMatch(/^xoxe-1-rt_\d+$/)
    expect(both['token_type']).toBe('bot')
    expect(String(user(both)['access_token'])).toMatch(/^xoxe\.xoxp-1-at_\d+$/)
    expect(String(user(both)['refresh_token'])).toMatch(/^xoxe-1-rt_\d+$/)
    expect(user(both)['token_type']).toBe('user')
    const off = setup()
    const plain = await install(off, 'ada', { scope: 'chat:write' })
    expect(String(plain['access_token'])).toMatch(/^xoxb-at_\d+$/)
    expect(String(user(plain)['access_token'])).toMatch(/^xoxp-at_\d+$/)
    // Every format is still caught by redaction.
    for (const token of [both['access_token'], both['refresh_token'], user(plain)['access_token']]) {
      expect(redactSecrets(String(token))).not.toMatch(/at_|rt_/)
    }
  })

  it('slack.install-nests-user-token (connectors.md §2 "Code-exchange response (bot + user)")', async () => {
    const h = rotating()
    const body = await install(h, 'ada', { scope: 'chat:write,channels:read' })
    expect(body).toMatchObject({
      ok: true,
      token_type: 'bot',
      scope: 'chat:write,channels:read',
      bot_user_id: expect.stringMatching(/^B/),
      expires_in: 43200,
      authed_user: {
        id: expect.stringMatching(/^U/),
        scope: 'chat:write,users:read',
        token_type: 'user',
        expires_in: 43200,
      },
    })
    // Both tokens are real: each answers auth.test, and each refreshes on its own.
    expect(await authTestJson(h, String(body['access_token']))).toMatchObject({ ok: true })
    expect(await authTestJson(h, String(user(body)['access_token']))).toMatchObject({ ok: true, user: 'ada' })
    const bot = await refresh(h, String(body['refresh_token']))
    expect(bot).toMatchObject({ ok: true, token_type: 'bot', scope: 'chat:write,channels:read' })
    expect(String(bot['access_token'])).toMatch(/^xoxe\.xoxb-1-/)
    // The bot token never shadows the teammate's own grant.
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
    const userFamily = (h.mock.control.grantTruth('ada', h.client.clientId) as { familyId: string }).familyId
    expect(h.mock.store.getFamily(userFamily)?.login).toBe('ada')
  })

  it('slack.user-scope-only-install (connectors.md §2 "User-scope-only install | … no top-level access_token")', async () => {
    const h = rotating()
    const body = await install(h, 'ada')
    expect(body).not.toHaveProperty('access_token')
    expect(body).not.toHaveProperty('token_type')
    expect(body).not.toHaveProperty('refresh_token')
    expect(user(body)).toMatchObject({
      access_token: expect.stringMatching(/^xoxe\.xoxp-1-/),
      token_type: 'user',
    })
    // A bot-only install is the opposite: the credential is at the top level.
    const bot = await install(h, 'bob', { user_scope: '', scope: 'chat:write' })
    expect(bot).toMatchObject({ token_type: 'bot', access_token: expect.stringMatching(/^xoxe\.xoxb-1-/) })
    expect(bot['authed_user']).toEqual({ id: expect.stringMatching(/^U/) })
  })

  it('slack.refresh-flat-with-token-type (connectors.md §2 "Refresh response | Credential at the top level … even for user tokens")', async () => {
    const h = rotating()
    const body = await install(h, 'ada')
    const refreshed = await refresh(h, String(user(body)['refresh_token']))
    expect(refreshed).toMatchObject({
      ok: true,
      token_type: 'user',
      access_token: expect.stringMatching(/^xoxe\.xoxp-1-/),
      refresh_token: expect.stringMatching(/^xoxe-1-/),
      expires_in: 43200,
      scope: 'chat:write,users:read',
    })
    expect(refreshed).not.toHaveProperty('authed_user')
  })

  it('slack.comma-separated-scopes (connectors.md §2 "Authorize | …scope=<bot scopes>&user_scope=<user scopes>")', async () => {
    const h = setup()
    const body = await install(h, 'ada', {
      scope: 'chat:write,channels:read',
      user_scope: 'users:read,search:read',
    })
    expect(body['scope']).toBe('chat:write,channels:read')
    expect(user(body)['scope']).toBe('users:read,search:read')
  })

  it('slack.team-in-install-response (connectors.md §2 "Workspace discovery | … team.id/team.name, enterprise, is_enterprise_install, app_id")', async () => {
    const h = setup({ team: 'initech', tokenRotation: true })
    const body = await install(h, 'ada')
    expect(body).toMatchObject({
      app_id: expect.stringMatching(/^A/),
      team: { id: expect.stringMatching(/^T/), name: 'initech' },
      enterprise: null,
      is_enterprise_install: false,
    })
    expect(await refresh(h, String(user(body)['refresh_token']))).toMatchObject({ team: { name: 'initech' } })
    expect(await authTestJson(h, String(user(body)['access_token']))).toMatchObject({
      team: 'initech',
      url: 'https://initech.slack.com/',
      team_id: h.mock.team.id,
    })
  })

  it('slack.invalid-refresh-token (connectors.md §2 "Bad / rotated / revoked RT | invalid_refresh_token")', async () => {
    const h = rotating()
    expect(await refresh(h, 'xoxe-1-rt_999')).toEqual({ ok: false, error: 'invalid_refresh_token' })
    const body = await install(h, 'ada')
    h.mock.control.revokeGrant('ada', h.client.clientId, 'user')
    expect(await refresh(h, String(user(body)['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
    const missing = await access(h, { grant_type: 'refresh_token' })
    expect(await missing.json()).toEqual({ ok: false, error: 'invalid_refresh_token' })
  })

  it('slack.bad-client-secret (connectors.md §2 "Wrong / rotated client secret | bad_client_secret")', async () => {
    const h = rotating()
    const body = await install(h, 'ada')
    const secret = h.mock.control.rotateClientSecret(h.client.clientId)
    expect(await refresh(h, String(user(body)['refresh_token']))).toEqual({
      ok: false,
      error: 'bad_client_secret',
    })
    // The installation survives a secret rotation.
    expect(await refresh(h, String(user(body)['refresh_token']), secret)).toMatchObject({ ok: true })
  })

  it('slack.invalid-client-id (connectors.md §2 "Wrong client id | invalid_client_id")', async () => {
    const h = setup()
    const res = await h.mock.fetch(`${ISSUER}${SLACK_PATHS.token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicHeader('nobody', 'x'),
      },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_client_id' })
    const none = await h.mock.fetch(`${ISSUER}${SLACK_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    expect(await none.json()).toEqual({ ok: false, error: 'invalid_client_id' })
  })

  it('slack.invalid-code (connectors.md §2 "Bad/used code | invalid_code")', async () => {
    const h = setup()
    expect(await (await exchange(h, 'code_999', 'ada')).json()).toEqual({ ok: false, error: 'invalid_code' })
    const code = await obtainCode(h, 'ada')
    expect(await (await exchange(h, code, 'ada', { code_verifier: verifierFor('eve') })).json()).toEqual({
      ok: false,
      error: 'invalid_code',
    })
    expect(await (await exchange(h, code, 'ada')).json()).toMatchObject({ ok: true })
    expect(await (await exchange(h, code, 'ada')).json()).toEqual({ ok: false, error: 'invalid_code' })
  })

  it('slack.bad-redirect-uri (connectors.md §2 "redirect_uri mismatch | bad_redirect_uri")', async () => {
    const h = setup()
    const code = await obtainCode(h, 'ada')
    const res = await exchange(h, code, 'ada', { redirect_uri: 'https://app.example.test/other' })
    expect(await res.json()).toEqual({ ok: false, error: 'bad_redirect_uri' })
  })

  it('slack.invalid-grant-type (connectors.md §2 "Bad grant_type | invalid_grant_type")', async () => {
    const h = setup()
    expect(await (await access(h, { grant_type: 'password' })).json()).toEqual({
      ok: false,
      error: 'invalid_grant_type',
    })
    // Without grant_type a code is a code exchange (slack.grant-type-optional); `required` refuses it.
    expect(await (await access(h, { code: 'x' })).json()).toEqual({ ok: false, error: 'invalid_code' })
    const strict = setup({ grantType: 'required' })
    expect(await (await access(strict, { code: 'x' })).json()).toEqual({
      ok: false,
      error: 'invalid_grant_type',
    })
  })

  it('slack.grant-type-optional (connectors.md §2 "Token | … grant_type=authorization_code or refresh_token"; SDK installers send none)', async () => {
    const h = setup()
    const code = await obtainCode(h, 'ada')
    const res = await access(h, { code, redirect_uri: REDIRECT_URI, code_verifier: verifierFor('ada') })
    expect(await res.json()).toMatchObject({ ok: true })
  })

  it('a reused code revokes every token minted from it, the bot token included', async () => {
    const h = setup()
    const code = await obtainCode(h, 'ada', { scope: 'chat:write' })
    const first = (await (await exchange(h, code, 'ada')).json()) as Json
    const bot = String(first['access_token'])
    const user = String((first['authed_user'] as Json)['access_token'])
    expect(h.mock.control.accessTokenIsLive(bot)).toBe(true)
    expect(await (await exchange(h, code, 'ada')).json()).toEqual({ ok: false, error: 'invalid_code' })
    expect(h.mock.control.accessTokenIsLive(user)).toBe(false)
    expect(h.mock.control.accessTokenIsLive(bot)).toBe(false)
  })

  it('slack.api-ok-false (connectors.md §2 "API call with expired rotating AT | token_expired"; "after revoke/uninstall | token_revoked, invalid_auth")', async () => {
    const h = rotating()
    const body = await install(h, 'ada')
    const token = String(user(body)['access_token'])
    expect(await authTestJson(h, token)).toMatchObject({
      ok: true,
      user: 'ada',
      user_id: expect.stringMatching(/^U/),
    })
    const viaPost = await authTest(h, token, 'POST')
    expect(await viaPost.json()).toMatchObject({ ok: true, user: 'ada' })
    expect(await authTestJson(h, 'xoxp-at_999')).toEqual({ ok: false, error: 'invalid_auth' })
    const none = await h.mock.fetch(`${ISSUER}${SLACK_PATHS.authTest}`)
    expect(none.status).toBe(200)
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' })
    h.mock.control.revokeGrant('ada', h.client.clientId, 'admin')
    expect(await authTestJson(h, token)).toEqual({ ok: false, error: 'token_revoked' })
    const again = user(await install(h, 'ada'))
    h.clock.advance(12 * HOUR_MS + 1)
    expect(await authTestJson(h, String(again['access_token']))).toEqual({
      ok: false,
      error: 'token_expired',
    })
    expect(
      h.mock
        .requests()
        .filter((r) => r.endpoint === 'api')
        .every((r) => r.status === 200),
    ).toBe(true)
  })

  it('slack.auth-revoke (connectors.md §2 "Revoke | auth.revoke (one token; {\\"ok\\":true,\\"revoked\\":true}, test=1 dry-run)")', async () => {
    const h = rotating()
    const body = user(await install(h, 'ada'))
    const token = String(body['access_token'])
    const revoke = (params: Record<string, string>) =>
      h.mock.fetch(`${ISSUER}${SLACK_PATHS.authRevoke}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      })
    expect(await (await revoke({ token, test: '1' })).json()).toEqual({ ok: true, revoked: false })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
    const res = await revoke({ token })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, revoked: true })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ cause: 'revoked_by_client' })
    expect(await refresh(h, String(body['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
    expect(await (await revoke({ token })).json()).toEqual({ ok: false, error: 'token_revoked' })
    expect(await (await revoke({})).json()).toEqual({ ok: false, error: 'not_authed' })
    expect(h.mock.requests().filter((r) => r.endpoint === 'revoke')).toHaveLength(4)
  })

  it('slack.refresh-token-never-expires (connectors.md §2 "RT lifetime | No expiry documented … not consumed by sitting idle")', async () => {
    const h = rotating()
    const body = user(await install(h, 'ada'))
    h.clock.advance(400 * DAY_MS)
    expect(await refresh(h, String(body['refresh_token']))).toMatchObject({ ok: true, token_type: 'user' })
  })

  it('slack.old-refresh-token-reuse (connectors.md §2 "Reuse of old RT | … family revocation UNCONFIRMED")', async () => {
    const rejected = rotating()
    const first = user(await install(rejected, 'ada'))
    const second = await refresh(rejected, String(first['refresh_token']))
    expect(await refresh(rejected, String(first['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
    // Default: the installation is alive and the current refresh token still works.
    expect(await refresh(rejected, String(second['refresh_token']))).toMatchObject({ ok: true })

    const strict = setup({ tokenRotation: true, oldRefreshToken: 'revokes-family' })
    const a = user(await install(strict, 'ada'))
    const b = await refresh(strict, String(a['refresh_token']))
    expect(await refresh(strict, String(a['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
    expect(await refresh(strict, String(b['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
    expect(strict.mock.control.grantTruth('ada', strict.client.clientId)).toMatchObject({
      cause: 'reuse_detected',
    })
  })

  it('slack.concurrent-refresh-divergent (connectors.md §2 "Obs: two concurrent refreshes with the same RT can both succeed")', async () => {
    const serial = rotating()
    const s = user(await install(serial, 'ada'))
    const [one, two] = await Promise.all([
      refresh(serial, String(s['refresh_token'])),
      refresh(serial, String(s['refresh_token'])),
    ])
    expect([one!['ok'], two!['ok']].sort()).toEqual([false, true])

    const h = setup({ tokenRotation: true, concurrentRefresh: 'divergent' })
    const body = user(await install(h, 'ada'))
    const [a, b] = await Promise.all([
      refresh(h, String(body['refresh_token'])),
      refresh(h, String(body['refresh_token'])),
    ])
    expect(a).toMatchObject({ ok: true, expires_in: 43200 })
    expect(b).toMatchObject({ ok: true, expires_in: 43200 })
    expect(a!['refresh_token']).not.toBe(b!['refresh_token'])
    // Later, one of them proves invalid and the other carries on.
    h.clock.advance(HOUR_MS)
    const results = [
      await refresh(h, String(a!['refresh_token'])),
      await refresh(h, String(b!['refresh_token'])),
    ]
    expect(results.map((r) => r['ok']).sort()).toEqual([false, true])
    expect(results.find((r) => r['ok'] === false)).toEqual({ ok: false, error: 'invalid_refresh_token' })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
    // Outside the window an old token is just rejected.
    const late = user(await install(h, 'bob'))
    await refresh(h, String(late['refresh_token']))
    h.clock.advance(2000)
    expect(await refresh(h, String(late['refresh_token']))).toEqual({
      ok: false,
      error: 'invalid_refresh_token',
    })
  })

  it('slack.app-approval-gate (connectors.md §2 "Install blocked … Redirect ?error=access_denied&state=… without description")', async () => {
    const h = setup({ approvalRequired: true })
    const blocked = await authorize(h, 'ada', { state: 's7' })
    expect(blocked.status).toBe(302)
    const location = new URL(blocked.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', state: 's7' })
    // A teammate's own Deny is told apart by its description.
    const open = setup()
    open.mock.control.setConsentAnswer('ada', {
      kind: 'deny_redirect',
      error: 'access_denied',
      description: 'The user has denied access to your application',
    })
    const denied = new URL((await authorize(open, 'ada')).headers.get('location') ?? '')
    expect(denied.searchParams.get('error_description')).toContain('denied')
    h.mock.control.approve(APP_APPROVAL_KEY)
    expect(user(await install(h, 'ada'))['access_token']).toEqual(expect.any(String))
  })
})

describe('slack mock, beyond the quirks', () => {
  it('has a test for every quirk id', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8')
    for (const quirk of slackQuirks) expect(source).toContain(`it('${quirk.id} (`)
  })

  it('the factory maps instance, options and approval, and refuses bad options by name', async () => {
    const input = { clock: new ManualClock(), ids: createSequentialIds(), issuer: ISSUER }
    const mock = createSlackMockFromInput({
      ...input,
      instance: 'initech',
      options: { tokenRotation: true },
      approvalRequired: true,
    })
    expect(mock.team.name).toBe('initech')
    expect(mock.tokenRotation).toBe(true)
    expect(mock.control.createClient({ redirectUris: [REDIRECT_URI] }).policy).toMatchObject({
      accessTokenTtlMs: 12 * HOUR_MS,
      rotation: true,
      refreshIdleTtlMs: null,
    })
    expect(createSlackMockFromInput(input).tokenRotation).toBe(false)
    expect(() => createSlackMockFromInput({ ...input, options: { rotation: true } })).toThrow(
      /unknown pack option "rotation"/,
    )
    expect(() => createSlackMockFromInput({ ...input, options: { tokenRotation: 'yes' } })).toThrow(
      /tokenRotation must be true or false/,
    )
    expect(() =>
      createSlackMockFromInput({ ...input, options: { tokenRotation: true, oldRefreshToken: 'grace' } }),
    ).toThrow(/oldRefreshToken must be one of "rejected", "revokes-family"/)
    expect(() => createSlackMockFromInput({ ...input, options: { concurrentRefresh: 'divergent' } })).toThrow(
      /need tokenRotation: true/,
    )
    expect(() => createSlackMockFromInput({ ...input, policy: { accessTokenTtlMs: HOUR_MS } })).toThrow(
      /policy\.accessTokenTtlMs cannot be set/,
    )
    expect(() => createSlackMockFromInput({ ...input, instance: 'Big Team' })).toThrow(/workspace "Big Team"/)
  })

  it('bad input to every endpoint answers in Slack shape, never a 500', async () => {
    const h = rotating()
    const post = (path: string, body: string, type = 'application/x-www-form-urlencoded') =>
      h.mock.fetch(`${ISSUER}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
    const responses = [
      await post(SLACK_PATHS.token, ''),
      await post(SLACK_PATHS.token, 'grant_type=refresh_token&grant_type=refresh_token'),
      await post(SLACK_PATHS.token, '%%%'),
      await post(SLACK_PATHS.token, 'x'.repeat(70_000)),
      await post(SLACK_PATHS.token, 'a=b', 'text/plain'),
      await post(SLACK_PATHS.authTest, '{"token":3}', 'application/json'),
      await post(SLACK_PATHS.authTest, 'token='),
      await post(SLACK_PATHS.authRevoke, 'token=xoxp-at_1'),
      await h.mock.fetch(`${ISSUER}${SLACK_PATHS.authTest}`, { headers: { authorization: 'Bearer' } }),
    ]
    for (const res of responses) {
      expect(res.status).toBe(200)
      const body = (await res.json()) as Json
      expect(body['ok']).toBe(false)
      expect(body['error']).toEqual(expect.any(String))
    }
    const unknown = await h.mock.fetch(`${ISSUER}/api/chat.nope`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ ok: false, error: 'unknown_method' })
    for (const url of [
      authorizeUrl(h, 'ada', { client_id: 'nobody' }),
      authorizeUrl(h, 'ada', { redirect_uri: 'https://evil.example/cb' }),
      `${ISSUER}${SLACK_PATHS.authorize}`,
    ]) {
      const res = await h.mock.fetch(url, { redirect: 'manual' })
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toContain('text/html')
    }
    expect(h.mock.requests().every((r) => r.status < 500)).toBe(true)
  })

  it('no secret value appears in requests() or ledger()', async () => {
    const h = rotating()
    const body = await install(h, 'ada', { scope: 'chat:write' })
    const u = user(body)
    const next = await refresh(h, String(u['refresh_token']))
    await authTest(h, String(next['access_token']), 'POST')
    await h.mock.fetch(`${ISSUER}${SLACK_PATHS.authRevoke}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: String(next['access_token']), test: '1' }).toString(),
    })
    await refresh(h, 'xoxe-1-rt_999', 'secret_wrong')
    const secrets = [
      h.client.clientSecret,
      body['access_token'],
      body['refresh_token'],
      u['access_token'],
      u['refresh_token'],
      next['access_token'],
      next['refresh_token'],
    ].map(String)
    const recorded = JSON.stringify([h.mock.requests(), h.mock.control.ledger()])
    for (const secret of secrets) expect(recorded).not.toContain(secret)
    expect(redactSecrets(recorded)).toBe(recorded)
  })
})

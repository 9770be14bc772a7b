import { jwtVerify } from 'jose'
/**
 * The Zendesk mock, quirk by quirk: each test is named after a quirk id in mocks/zendesk/quirks.ts and
 * cites its connectors.md row. Everything goes through the mock's fetch with real Requests.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS, ManualClock } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { redactSecrets } from '../../src/redact.ts'
import { PolicyError } from '../policy.ts'
import { s256Challenge } from '../spec/pkce.ts'
import type { ClientRecordView } from '../types.ts'
import {
  DOORKEEPER_DESCRIPTIONS,
  ZENDESK_EXPIRED_OR_REVOKED_DESCRIPTION,
  ZENDESK_INVALID_TOKEN_DESCRIPTION,
  type ZendeskMock,
  type ZendeskMockOptions,
  createZendeskMock,
  createZendeskMockFromInput,
} from './index.ts'
import { zendeskQuirks } from './quirks.ts'

const REDIRECT = 'https://app.example.test/oauth/callback'

interface H {
  mock: ZendeskMock
  clock: ManualClock
  client: ClientRecordView
}

function setup(options: Partial<Omit<ZendeskMockOptions, 'clock' | 'ids'>> = {}): H {
  const clock = new ManualClock()
  const mock = createZendeskMock({ clock, ids: createSequentialIds(), ...options })
  const client = mock.control.createClient({ redirectUris: [REDIRECT] })
  return { mock, clock, client }
}

const verifierOf = (login: string): string => `verifier-${login}-${'v'.repeat(48)}`.slice(0, 64)

async function obtainCode(h: H, login: string, scope = 'read write'): Promise<string> {
  const url = new URL(`${h.mock.issuer}/oauth/authorizations/new`)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: h.client.clientId,
    redirect_uri: REDIRECT,
    scope,
    state: 'st',
    code_challenge: s256Challenge(verifierOf(login)),
    code_challenge_method: 'S256',
    login_hint: login,
  }).toString()
  const res = await h.mock.fetch(url, { redirect: 'manual' })
  expect(res.status).toBe(302)
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code')
  if (code === null) throw new Error('no code')
  return code
}

type Json = Record<string, unknown>

async function tokenRequest(
  h: H,
  params: Record<string, string>,
  options: { secret?: string; body?: 'form' | 'json' } = {},
): Promise<Response> {
  const all = {
    ...params,
    client_id: h.client.clientId,
    client_secret: options.secret ?? h.client.clientSecret,
  }
  const json = options.body === 'json'
  return h.mock.fetch(`${h.mock.issuer}/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(all) : new URLSearchParams(all).toString(),
  })
}

async function exchange(h: H, login: string, extra: Record<string, string> = {}): Promise<Response> {
  const code = await obtainCode(h, login)
  return tokenRequest(h, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifierOf(login),
    ...extra,
  })
}

async function connect(h: H, login: string, extra: Record<string, string> = {}): Promise<Json> {
  const res = await exchange(h, login, extra)
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}

async function refresh(h: H, refreshToken: unknown, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest(h, { grant_type: 'refresh_token', refresh_token: String(refreshToken), ...extra })
}

async function me(h: H, accessToken: unknown): Promise<Response> {
  return h.mock.fetch(`${h.mock.issuer}/api/v2/users/me.json`, {
    headers: { authorization: `Bearer ${String(accessToken)}` },
  })
}

async function apiStatus(h: H, accessToken: unknown): Promise<number> {
  const res = await me(h, accessToken)
  await res.body?.cancel()
  return res.status
}

describe('zendesk quirks', () => {
  it('zendesk.subdomain-endpoints (connectors.md §5 "Authorize | https://{subdomain}.zendesk.com/oauth/authorizations/new", "Instance discovery | None")', async () => {
    const h = setup({ subdomain: 'globex' })
    expect(h.mock.issuer).toBe('http://globex.zendesk.mock')
    const body = await connect(h, 'alice')
    const res = await me(h, body['access_token'])
    expect(res.status).toBe(200)
    const user = ((await res.json()) as { user: Json }).user
    expect(user).toMatchObject({ name: 'alice' })
    expect(String(user['url'])).toMatch(/^https:\/\/globex\.zendesk\.com\/api\/v2\/users\/\d+\.json$/)
    // No discovery document where RFC 8414 would put one, and the baseline paths are not served.
    for (const path of ['/.well-known/oauth-authorization-server', '/authorize', '/token', '/api/me']) {
      const miss = await h.mock.fetch(`${h.mock.issuer}${path}`)
      expect(miss.status, path).toBe(404)
      expect(await miss.json()).toEqual({ error: 'InvalidEndpoint', description: 'Not found' })
    }
    // The lab keeps a metadata document for tooling, under its own prefix.
    const lab = await h.mock.fetch(`${h.mock.issuer}/_lab/oauth-authorization-server`)
    expect(await lab.json()).toMatchObject({ token_endpoint: 'http://globex.zendesk.mock/oauth/tokens' })
    // The harness's pack instance is the subdomain.
    const fromInput = createZendeskMockFromInput({
      clock: new ManualClock(),
      ids: createSequentialIds(),
      issuer: 'http://pack-1.zendesk.mock',
      instance: 'initech',
    })
    expect(fromInput.subdomain).toBe('initech')
    expect(fromInput.issuer).toBe('http://pack-1.zendesk.mock')
    expect(() => setup({ subdomain: 'Not A Subdomain' })).toThrow(/subdomain/)
  })

  it('zendesk.token-type-lowercase (connectors.md Addendum "token_type lowercase bearer")', async () => {
    for (const tokens of ['expiring', 'legacy'] as const) {
      const h = setup({ tokens })
      const body = await connect(h, 'alice')
      expect(body['token_type'], tokens).toBe('bearer')
    }
  })

  it('zendesk.legacy-tokens (connectors.md §5 "Legacy | … cannot be refreshed; they keep working"; Addendum "the legacy body is exactly {access_token, scope, token_type}")', async () => {
    const h = setup({ tokens: 'legacy' })
    const body = await connect(h, 'alice')
    expect(Object.keys(body).sort()).toEqual(['access_token', 'scope', 'token_type'])
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'read write' })
    h.clock.advance(400 * DAY_MS)
    expect(await apiStatus(h, body['access_token'])).toBe(200)
    expect(h.mock.control.grantTruth('alice', h.client.clientId)).toMatchObject({ status: 'alive' })
    // There is nothing to refresh with: the access token is not a refresh token.
    const res = await refresh(h, body['access_token'])
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
    expect(await apiStatus(h, body['access_token'])).toBe(200)
  })

  it('zendesk.legacy-opt-in-with-expires-in (connectors.md §5 "older clients keep non-expiring tokens unless expires_in is sent (then an RT is also issued)")', async () => {
    const h = setup({ tokens: 'legacy' })
    const body = await connect(h, 'alice', { expires_in: '1800' })
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 1800 })
    expect(typeof body['refresh_token']).toBe('string')
    h.clock.advance(30 * MINUTE_MS)
    expect(await apiStatus(h, body['access_token'])).toBe(401)
    const res = await refresh(h, body['refresh_token'], { expires_in: '1800' })
    expect(res.status).toBe(200)
    const next = (await res.json()) as Json
    expect(next).toMatchObject({ expires_in: 1800 })
    expect(await apiStatus(h, next['access_token'])).toBe(200)
    // Another teammate who does not opt in still gets a legacy token from the same client.
    const bob = await connect(h, 'bob')
    expect(Object.keys(bob).sort()).toEqual(['access_token', 'scope', 'token_type'])
  })

  it('zendesk.at-jwt-access-tokens (connectors.md §5 "Which clients are enforced | … Access-token JWTs typ: at+jwt")', async () => {
    // A real signed JWT now (it was header.payload.<minted id>): jose verifies it with the mock's key.
    const h = setup()
    const expiring = await connect(h, 'alice')
    const [header] = String(expiring['access_token']).split('.')
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({ typ: 'at+jwt' })
    const { payload } = await jwtVerify(String(expiring['access_token']), h.mock.signer.verificationKey(), {
      typ: 'at+jwt',
      currentDate: new Date(h.mock.clock.now()),
    })
    expect(payload).toMatchObject({ iss: 'https://acme.zendesk.com', sub: 'alice' })
    expect(payload.jti).toMatch(/^at_\d+$/)
    expect(redactSecrets(`token ${String(expiring['access_token'])}`)).toMatch(/^token (\[redacted\])+$/)
    const legacy = await connect(setup({ tokens: 'legacy' }), 'alice')
    expect(String(legacy['access_token'])).toMatch(/^at_\d+$/)
  })

  it('zendesk.expires-in-only-when-requested (connectors.md §5 "Token response | … expires_in is echoed only if it was sent in the request"; root cause 4)', async () => {
    const h = setup({ tokens: 'expiring' })
    const silent = await connect(h, 'alice')
    expect(silent).not.toHaveProperty('expires_in')
    expect(typeof silent['refresh_token']).toBe('string')
    // The token expires all the same: the client only learns of it from a 401.
    h.clock.advance(30 * MINUTE_MS - 1)
    expect(await apiStatus(h, silent['access_token'])).toBe(200)
    h.clock.advance(1)
    expect(await apiStatus(h, silent['access_token'])).toBe(401)
    const refreshedSilently = (await (await refresh(h, silent['refresh_token'])).json()) as Json
    expect(refreshedSilently).not.toHaveProperty('expires_in')

    const asked = await connect(h, 'bob', { expires_in: '1800' })
    expect(asked['expires_in']).toBe(1800)
    const refreshedAsked = (await (
      await refresh(h, asked['refresh_token'], { expires_in: '3600' })
    ).json()) as Json
    expect(refreshedAsked['expires_in']).toBe(3600)
  })

  it('zendesk.refresh-token-expires-in (connectors.md §5 "Token response | … refresh_token, refresh_token_expires_in")', async () => {
    const always = setup()
    const a = await connect(always, 'alice')
    expect(a).not.toHaveProperty('expires_in')
    expect(a['refresh_token_expires_in']).toBe(30 * 24 * 3600)

    const whenRequested = setup({ refreshTokenExpiresIn: 'when_requested' })
    const b = await connect(whenRequested, 'alice')
    expect(b).not.toHaveProperty('refresh_token_expires_in')
    const c = await connect(whenRequested, 'bob', { expires_in: '600' })
    expect(c).toMatchObject({ expires_in: 600, refresh_token_expires_in: 30 * 24 * 3600 })

    // Legacy tokens never carry it.
    const legacy = await connect(setup({ tokens: 'legacy' }), 'alice')
    expect(legacy).not.toHaveProperty('refresh_token_expires_in')
  })

  it('zendesk.default-lifetimes (connectors.md §5 "Default TTLs (enforced clients) | AT 30 min …; RT 30 days")', async () => {
    const h = setup()
    let body = await connect(h, 'alice', { expires_in: '1800' })
    expect(body['expires_in']).toBe(1800)
    const first = body['access_token']
    h.clock.advance(29 * MINUTE_MS)
    expect(await apiStatus(h, first)).toBe(200)
    // Each refresh starts a fresh 30-day refresh token: 29 days at a time, for a year.
    for (let i = 0; i < 12; i++) {
      h.clock.advance(29 * DAY_MS)
      const res = await refresh(h, body['refresh_token'])
      expect(res.status, `refresh ${i}`).toBe(200)
      body = (await res.json()) as Json
    }
    expect(h.mock.control.grantTruth('alice', h.client.clientId)).toMatchObject({ status: 'alive' })
    // Unused for 30 days, the refresh token is gone.
    h.clock.advance(30 * DAY_MS)
    expect(h.mock.control.grantTruth('alice', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'refresh_idle_expired',
    })
    const late = await refresh(h, body['refresh_token'])
    expect(late.status).toBe(400)
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('zendesk.requested-lifetimes-clamped (connectors.md §5 "Request-side TTL params | expires_in (300–172800 s) and refresh_token_expires_in … if sent they are enforced")', async () => {
    const h = setup()
    expect((await connect(h, 'alice', { expires_in: '60' }))['expires_in']).toBe(300)
    expect((await connect(h, 'bob', { expires_in: '999999' }))['expires_in']).toBe(172_800)
    expect(await connect(h, 'carol', { expires_in: 'soon' })).not.toHaveProperty('expires_in')

    // The refresh-token lifetime is clamped to 7..90 days and enforced.
    const short = await connect(h, 'dave', { expires_in: '1800', refresh_token_expires_in: '3600' })
    expect(short['refresh_token_expires_in']).toBe(7 * 24 * 3600)
    const long = await connect(h, 'erin', { expires_in: '1800', refresh_token_expires_in: '99999999' })
    expect(long['refresh_token_expires_in']).toBe(90 * 24 * 3600)
    h.clock.advance(7 * DAY_MS)
    expect(h.mock.control.grantTruth('dave', h.client.clientId)).toMatchObject({ status: 'ended' })
    expect(h.mock.control.grantTruth('erin', h.client.clientId)).toMatchObject({ status: 'alive' })
    const res = await refresh(h, long['refresh_token'], { refresh_token_expires_in: '864000' })
    expect(((await res.json()) as Json)['refresh_token_expires_in']).toBe(10 * 24 * 3600)
    h.clock.advance(10 * DAY_MS)
    expect(h.mock.control.grantTruth('erin', h.client.clientId)).toMatchObject({ status: 'ended' })

    // The code grant enforces the requested access-token lifetime too.
    const tiny = setup()
    const t = await connect(tiny, 'alice', { expires_in: '300' })
    tiny.clock.advance(5 * MINUTE_MS)
    expect(await apiStatus(tiny, t['access_token'])).toBe(401)
  })

  it('zendesk.refresh-deletes-previous-tokens (connectors.md §5 "Rotation | A successful refresh returns a new RT and deletes the previous AT and RT")', async () => {
    const h = setup()
    const body = await connect(h, 'alice', { expires_in: '1800' })
    h.clock.advance(MINUTE_MS)
    const res = await refresh(h, body['refresh_token'])
    const next = (await res.json()) as Json
    expect(next['refresh_token']).not.toBe(body['refresh_token'])
    expect(next['access_token']).not.toBe(body['access_token'])
    // The old access token died with the refresh, minutes before its 30 minutes were up.
    expect(await apiStatus(h, body['access_token'])).toBe(401)
    expect(await apiStatus(h, next['access_token'])).toBe(200)
    const reuse = await refresh(h, body['refresh_token'])
    expect(reuse.status).toBe(400)
  })

  it('zendesk.old-refresh-token-reuse (connectors.md §5 "Old-RT reuse | Fails (deleted); grace/family semantics … UNCONFIRMED")', async () => {
    for (const [option, after] of [
      ['reject', { status: 'alive' }],
      ['revoke_family', { status: 'ended', cause: 'reuse_detected' }],
    ] as const) {
      const h = setup({ oldRefreshTokenReuse: option })
      const body = await connect(h, 'alice')
      const next = (await (await refresh(h, body['refresh_token'])).json()) as Json
      const reuse = await refresh(h, body['refresh_token'])
      expect(reuse.status, option).toBe(400)
      expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' })
      expect(h.mock.control.grantTruth('alice', h.client.clientId), option).toMatchObject(after)
      expect((await refresh(h, next['refresh_token'])).status, option).toBe(option === 'reject' ? 200 : 400)
    }
  })

  it('zendesk.refresh-failure-invalid-grant (connectors.md §5 "Refresh with bad/expired RT | 400 | invalid_grant (description wording UNCONFIRMED …)")', async () => {
    const doorkeeper = setup()
    const res = await refresh(doorkeeper, 'rt_999')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: DOORKEEPER_DESCRIPTIONS.invalid_grant,
    })
    const nango = setup({ refreshFailureDescription: 'expired_or_revoked' })
    const body = await connect(nango, 'alice')
    nango.mock.control.revokeGrant('alice', nango.client.clientId, 'user')
    const dead = await refresh(nango, body['refresh_token'])
    expect(dead.status).toBe(400)
    expect(await dead.json()).toEqual({
      error: 'invalid_grant',
      error_description: ZENDESK_EXPIRED_OR_REVOKED_DESCRIPTION,
    })
  })

  it('zendesk.invalid-client (connectors.md §5 "Wrong client secret | ? | UNCONFIRMED"; Addendum "invalid_client with the long default description")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    const wrong = await tokenRequest(
      h,
      { grant_type: 'refresh_token', refresh_token: String(body['refresh_token']) },
      { secret: 'secret_wrong_1' },
    )
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({
      error: 'invalid_client',
      error_description:
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    })
    // The grant survives a wrong secret.
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)

    const h400 = setup({ invalidClientStatus: 400 })
    const code = await obtainCode(h400, 'alice')
    const res = await tokenRequest(
      h400,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifierOf('alice') },
      { secret: 'secret_wrong_2' },
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('zendesk.api-invalid-token (connectors.md §5 "API call with expired/revoked AT | 401 | {"error":"invalid_token",…}")', async () => {
    const h = setup()
    const body = await connect(h, 'alice', { expires_in: '1800' })
    h.clock.advance(31 * MINUTE_MS)
    const expired = await me(h, body['access_token'])
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({
      error: 'invalid_token',
      error_description: ZENDESK_INVALID_TOKEN_DESCRIPTION,
    })
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/)
    const unknown = await me(h, 'at_424242')
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' })
    const anonymous = await h.mock.fetch(`${h.mock.issuer}/api/v2/users/me.json`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({ error: "Couldn't authenticate you" })
  })

  it('zendesk.revoke-by-token-id (connectors.md §5 "Revoke | DELETE /api/v2/oauth/tokens/{id}.json → 204")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    const auth = { authorization: `Bearer ${String(body['access_token'])}` }
    const current = await h.mock.fetch(`${h.mock.issuer}/api/v2/oauth/tokens/current.json`, { headers: auth })
    expect(current.status).toBe(200)
    const record = ((await current.json()) as { token: Json }).token
    expect(record['id']).toEqual(expect.any(Number))
    expect(JSON.stringify(record)).not.toContain(String(body['access_token']))
    const list = await h.mock.fetch(`${h.mock.issuer}/api/v2/oauth/tokens.json`, { headers: auth })
    expect(await list.json()).toMatchObject({ count: 1, tokens: [{ id: record['id'] }] })

    const missing = await h.mock.fetch(`${h.mock.issuer}/api/v2/oauth/tokens/123.json`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'RecordNotFound', description: 'Not found' })

    const res = await h.mock.fetch(`${h.mock.issuer}/api/v2/oauth/tokens/${String(record['id'])}.json`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(await apiStatus(h, body['access_token'])).toBe(401)
    expect((await refresh(h, body['refresh_token'])).status).toBe(400)
    expect(h.mock.control.grantTruth('alice', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'revoked_by_client',
    })
    expect(h.mock.requests().filter((r) => r.method === 'DELETE')).toMatchObject([
      { endpoint: 'revoke', status: 404 },
      { endpoint: 'revoke', status: 204 },
    ])
  })

  it('zendesk.revoke-current-no-op (connectors.md §5 "DELETE /api/v2/oauth/tokens/current.json documented but reported to return 204 without revoking")', async () => {
    for (const [option, after] of [
      ['no_op', 200],
      ['revokes', 401],
    ] as const) {
      const h = setup({ revokeCurrent: option })
      const body = await connect(h, 'alice')
      const res = await h.mock.fetch(`${h.mock.issuer}/api/v2/oauth/tokens/current.json`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${String(body['access_token'])}` },
      })
      expect(res.status, option).toBe(204)
      expect(await apiStatus(h, body['access_token']), option).toBe(after)
    }
  })

  it('zendesk.new-authorization-keeps-old-tokens (connectors.md §5 "Multiple tokens per user | A new authorization does not revoke earlier tokens")', async () => {
    const h = setup()
    const first = await connect(h, 'alice', { expires_in: '3600' })
    const second = await connect(h, 'alice', { expires_in: '3600' })
    expect(await apiStatus(h, first['access_token'])).toBe(200)
    expect(await apiStatus(h, second['access_token'])).toBe(200)
    expect((await refresh(h, first['refresh_token'])).status).toBe(200)
  })
})

describe('zendesk mock hygiene', () => {
  it('every quirk has a test named after it in this file', () => {
    const text = readFileSync(new URL(import.meta.url), 'utf8')
    for (const quirk of zendeskQuirks) expect(text, quirk.id).toContain(`it('${quirk.id} (connectors.md`)
  })

  it('answers bad input in its own error shape, never a 500', async () => {
    const h = setup()
    const token = `${h.mock.issuer}/oauth/tokens`
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const cases: Array<[string, RequestInit, number, string]> = [
      ['no body', { method: 'POST', headers: form }, 400, 'invalid_request'],
      [
        'text body',
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
        400,
        'invalid_request',
      ],
      [
        'broken JSON',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' },
        400,
        'invalid_request',
      ],
      [
        'JSON array',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' },
        400,
        'invalid_request',
      ],
      [
        'unknown grant',
        { method: 'POST', headers: form, body: 'grant_type=password' },
        400,
        'unsupported_grant_type',
      ],
      [
        'duplicate',
        { method: 'POST', headers: form, body: 'grant_type=a&grant_type=b' },
        400,
        'invalid_request',
      ],
      [
        'no client',
        { method: 'POST', headers: form, body: 'grant_type=refresh_token&refresh_token=rt_1' },
        401,
        'invalid_client',
      ],
      ['GET token', { method: 'GET' }, 405, 'invalid_request'],
    ]
    for (const [what, init, status, error] of cases) {
      const res = await h.mock.fetch(token, init)
      expect(res.status, what).toBe(status)
      const body = (await res.json()) as Json
      expect(body['error'], what).toBe(error)
      expect(typeof body['error_description'], what).toBe('string')
    }
    const missing = await tokenRequest(h, { grant_type: 'authorization_code' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({
      error: 'invalid_request',
      error_description: DOORKEEPER_DESCRIPTIONS.invalid_request,
    })
    const badCode = await tokenRequest(h, {
      grant_type: 'authorization_code',
      code: 'code_404',
      code_verifier: verifierOf('x'),
    })
    expect(await badCode.json()).toEqual({
      error: 'invalid_grant',
      error_description: DOORKEEPER_DESCRIPTIONS.invalid_grant,
    })
    // A JSON body works like a form (Zendesk's own examples send JSON).
    const code = await obtainCode(h, 'alice')
    const json = await tokenRequest(
      h,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifierOf('alice'),
        expires_in: '900',
      },
      { body: 'json' },
    )
    expect(json.status).toBe(200)
    expect(await json.json()).toMatchObject({ expires_in: 900 })
    for (const path of ['/api/v2/oauth/tokens/abc.json', '/api/v2/oauth/tokens/1.xml', '/nowhere']) {
      const res = await h.mock.fetch(`${h.mock.issuer}${path}`, { method: 'DELETE' })
      expect(res.status, path).toBe(404)
    }
    const noAuth = await h.mock.fetch(`${h.mock.issuer}/api/v2/oauth/tokens/current.json`, {
      method: 'DELETE',
    })
    expect(noAuth.status).toBe(401)
    const authorize = await h.mock.fetch(`${h.mock.issuer}/oauth/authorizations/new?client_id=nobody`)
    expect(authorize.status).toBe(400)
    expect(await authorize.json()).toMatchObject({ error: 'invalid_client' })
    expect(h.mock.requests().every((r) => r.status < 500)).toBe(true)
  })

  it('records no secret: requests() and ledger() never hold a token, code or client secret', async () => {
    const h = setup()
    const secrets: string[] = [h.client.clientSecret]
    const code = await obtainCode(h, 'alice')
    secrets.push(code)
    const res = await tokenRequest(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifierOf('alice'),
      expires_in: '1800',
    })
    const body = (await res.json()) as Json
    secrets.push(String(body['access_token']), String(body['refresh_token']), verifierOf('alice'))
    const next = (await (await refresh(h, body['refresh_token'])).json()) as Json
    secrets.push(String(next['access_token']), String(next['refresh_token']))
    await me(h, next['access_token'])
    await refresh(h, body['refresh_token'])
    await tokenRequest(
      h,
      { grant_type: 'refresh_token', refresh_token: String(next['refresh_token']) },
      { body: 'json' },
    )
    const recorded = JSON.stringify({ requests: h.mock.requests(), ledger: h.mock.control.ledger() })
    for (const secret of secrets) expect(recorded).not.toContain(secret)
    expect(recorded).toContain('[redacted]')
  })

  it('refuses unknown options, bad values, approval gates and policies Zendesk cannot have, naming them', () => {
    const input = { clock: new ManualClock(), ids: createSequentialIds(), issuer: 'http://z.zendesk.mock' }
    expect(() => createZendeskMockFromInput({ ...input, options: { token: 'legacy' } })).toThrow(
      /unknown pack option "token"/,
    )
    expect(() => createZendeskMockFromInput({ ...input, options: { tokens: 'forever' } })).toThrow(
      /options\.tokens must be one of "expiring", "legacy"/,
    )
    expect(() => createZendeskMockFromInput({ ...input, options: { invalidClientStatus: 403 } })).toThrow(
      /invalidClientStatus/,
    )
    expect(() => createZendeskMockFromInput({ ...input, approvalRequired: true })).toThrow(/approvalRequired/)
    expect(() => createZendeskMockFromInput({ ...input, policy: { refreshAbsoluteTtlMs: DAY_MS } })).toThrow(
      PolicyError,
    )
    const ok = createZendeskMockFromInput({
      ...input,
      options: { tokens: 'legacy', invalidClientStatus: '400' },
    })
    expect(ok.tokens).toBe('legacy')
    expect(() =>
      ok.control.createClient({ redirectUris: [REDIRECT], policy: { accessTokenTtlMs: 49 * HOUR_MS } }),
    ).toThrow(/accessTokenTtlMs must be between 5 minutes and 48 hours/)
    expect(() =>
      ok.control.createClient({ redirectUris: [REDIRECT], policy: { refreshIdleTtlMs: DAY_MS } }),
    ).toThrow(/refreshIdleTtlMs/)
    expect(() => ok.control.createClient({ redirectUris: [REDIRECT], policy: { rotation: false } })).toThrow(
      /rotation/,
    )
    const custom = ok.control.createClient({
      redirectUris: [REDIRECT],
      policy: { refreshIdleTtlMs: 90 * DAY_MS },
    })
    expect(custom.policy.refreshIdleTtlMs).toBe(90 * DAY_MS)
  })
})

describe('zendesk reset', () => {
  it('numbers users afresh, as a new mock does', async () => {
    const h = setup()
    const userId = async (login: string): Promise<unknown> => {
      const res = await me(h, (await connect(h, login))['access_token'])
      return ((await res.json()) as { user: { id: unknown } }).user.id
    }
    await userId('ada')
    const first = await userId('bob')
    h.mock.reset()
    h.client = h.mock.control.createClient({ redirectUris: [REDIRECT] })
    expect(await userId('bob')).toBe(1_000_001)
    expect(first).toBe(1_000_002)
  })
})

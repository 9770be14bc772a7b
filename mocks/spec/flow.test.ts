import { describe, expect, test } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/clock.ts'
import {
  ISSUER,
  REDIRECT_URI,
  authorizeUrl,
  callApi,
  connect,
  exchange,
  obtainCode,
  refresh,
  setupBaseline,
  tokenRequest,
  verifierFor,
} from './test-client.ts'

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>
}

describe('metadata', () => {
  test('RFC 8414 document names every endpoint under the issuer', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}/.well-known/oauth-authorization-server`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      revocation_endpoint: `${ISSUER}/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    })
  })
})

describe('authorization code + PKCE', () => {
  test.each(['basic', 'post'] as const)('full flow with client_secret_%s', async (auth) => {
    const h = setupBaseline()
    const verifier = verifierFor('ada')
    const res = await h.mock.fetch(authorizeUrl(h, { login: 'ada', verifier, state: 'xyz' }), {
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(location.searchParams.get('state')).toBe('xyz')
    const code = location.searchParams.get('code') ?? ''

    const token = await exchange(h, code, verifier, auth)
    expect(token.status).toBe(200)
    expect(token.headers.get('cache-control')).toBe('no-store')
    expect(token.headers.get('pragma')).toBe('no-cache')
    const body = await json(token)
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.any(String),
      scope: 'read',
    })
    const api = await callApi(h, String(body['access_token']))
    expect(api.status).toBe(200)
    expect(await api.json()).toEqual({ login: 'ada', client_id: h.client.clientId, scope: 'read' })
    const truth = h.mock.control.grantTruth('ada', h.client.clientId)
    expect(truth).toMatchObject({
      status: 'alive',
      grantedAtMs: h.clock.now(),
      lastRefreshAtMs: h.clock.now(),
    })
  })

  test('an unknown teammate named by login_hint is created on the fly', async () => {
    const h = setupBaseline()
    await connect(h, 'newcomer')
    expect(h.mock.store.getUser('newcomer')).toBeDefined()
  })

  test('a wrong code_verifier is invalid_grant and the code stays usable', async () => {
    const h = setupBaseline()
    const code = await obtainCode(h, 'ada', verifierFor('ada'))
    const wrong = await exchange(h, code, verifierFor('eve'))
    expect(wrong.status).toBe(400)
    expect(await json(wrong)).toMatchObject({ error: 'invalid_grant' })
    expect((await exchange(h, code, verifierFor('ada'))).status).toBe(200)
  })

  test('a redirect_uri that differs at the token endpoint is invalid_grant', async () => {
    const h = setupBaseline()
    const verifier = verifierFor('ada')
    const code = await obtainCode(h, 'ada', verifier)
    const res = await tokenRequest(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://app.example.test/other',
      code_verifier: verifier,
    })
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: 'invalid_grant' })
  })

  test('an expired code is invalid_grant', async () => {
    const h = setupBaseline()
    const verifier = verifierFor('ada')
    const code = await obtainCode(h, 'ada', verifier)
    h.clock.advance(10 * MINUTE_MS)
    const res = await exchange(h, code, verifier)
    expect(await json(res)).toMatchObject({ error: 'invalid_grant' })
  })

  test('a reused code is invalid_grant and ends the family it minted (code_reused)', async () => {
    const h = setupBaseline()
    const verifier = verifierFor('ada')
    const code = await obtainCode(h, 'ada', verifier)
    const first = await json(await exchange(h, code, verifier))
    const again = await exchange(h, code, verifier)
    expect(again.status).toBe(400)
    expect(await json(again)).toMatchObject({ error: 'invalid_grant' })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'code_reused',
    })
    expect((await callApi(h, String(first['access_token']))).status).toBe(401)
    expect((await refresh(h, String(first['refresh_token']))).status).toBe(400)
    const ended = h.mock.control.ledger().filter((e) => e.type === 'family_ended')
    expect(ended).toHaveLength(1)
  })
})

describe('authorize errors', () => {
  test('unknown client or unregistered redirect_uri: 400 page, no redirect', async () => {
    const h = setupBaseline()
    const badClient = new URL(authorizeUrl(h, { login: 'ada' }))
    badClient.searchParams.set('client_id', 'nobody')
    const badRedirect = new URL(authorizeUrl(h, { login: 'ada' }))
    badRedirect.searchParams.set('redirect_uri', 'https://evil.example/cb')
    for (const url of [badClient, badRedirect]) {
      const res = await h.mock.fetch(url, { redirect: 'manual' })
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(await json(res)).toMatchObject({
        error: expect.any(String),
        error_description: expect.any(String),
      })
    }
    expect(h.mock.control.ledger()).toEqual([])
  })

  test.each([
    ['response_type missing', { response_type: '' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no code_challenge', { code_challenge: '' }, 'invalid_request'],
    ['plain method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['malformed challenge', { code_challenge: 'short' }, 'invalid_request'],
  ])('%s redirects back with error and state', async (_name, override, error) => {
    const h = setupBaseline()
    const url = new URL(authorizeUrl(h, { login: 'ada', state: 's1' }))
    for (const [key, value] of Object.entries(override)) url.searchParams.set(key, value)
    const res = await h.mock.fetch(url, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe(error)
    expect(location.searchParams.get('state')).toBe('s1')
    expect(location.searchParams.get('code')).toBeNull()
  })

  test('a duplicated parameter is invalid_request', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${authorizeUrl(h, { login: 'ada' })}&scope=write`, { redirect: 'manual' })
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request')
  })
})

describe('consent', () => {
  test('deny_redirect via setConsentAnswer, then allow clears it', async () => {
    const h = setupBaseline()
    h.mock.control.setConsentAnswer('ada', {
      kind: 'deny_redirect',
      error: 'access_denied',
      description: 'no',
    })
    const res = await h.mock.fetch(authorizeUrl(h, { login: 'ada', state: 's9' }), { redirect: 'manual' })
    const location = new URL(res.headers.get('location') ?? '')
    expect(res.status).toBe(302)
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'no',
      state: 's9',
    })
    // Other teammates are not affected.
    await connect(h, 'bob')
    h.mock.control.setConsentAnswer('ada', { kind: 'allow' })
    await connect(h, 'ada')
  })

  test('error_page answers that status with the message and no Location', async () => {
    const h = setupBaseline()
    h.mock.control.setConsentAnswer('ada', {
      kind: 'error_page',
      status: 403,
      message: 'site admin must authorize',
    })
    const res = await h.mock.fetch(authorizeUrl(h, { login: 'ada' }), { redirect: 'manual' })
    expect(res.status).toBe(403)
    expect(res.headers.get('location')).toBeNull()
    expect(JSON.stringify(await res.json())).toContain('site admin must authorize')
  })

  test('a consent gate sees approvals set through control', async () => {
    const h = setupBaseline({
      consentGate: (ctx) =>
        ctx.approvals.has('site-1')
          ? undefined
          : { kind: 'error_page', status: 403, message: 'needs approval' },
    })
    const blocked = await h.mock.fetch(authorizeUrl(h, { login: 'ada' }), { redirect: 'manual' })
    expect(blocked.status).toBe(403)
    h.mock.control.approve('site-1')
    await connect(h, 'ada')
    h.mock.control.unapprove('site-1')
    expect((await h.mock.fetch(authorizeUrl(h, { login: 'bob' }), { redirect: 'manual' })).status).toBe(403)
  })
})

describe('refresh', () => {
  test('rotation: a new pair each time, the old refresh token retired', async () => {
    const h = setupBaseline()
    const first = await connect(h, 'ada')
    h.clock.advance(HOUR_MS)
    const res = await refresh(h, first.refresh_token ?? '')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const second = await json(res)
    expect(second['refresh_token']).toEqual(expect.any(String))
    expect(second['refresh_token']).not.toBe(first.refresh_token)
    expect(second['access_token']).not.toBe(first.access_token)
    expect(second['expires_in']).toBe(3600)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'alive',
      lastRefreshAtMs: h.clock.now(),
    })
  })

  test('reuse within the leeway is honoured with a new pair that becomes current', async () => {
    const h = setupBaseline({ policy: { reuseLeewayMs: 10 * MINUTE_MS } })
    const first = await connect(h, 'ada')
    const second = await json(await refresh(h, first.refresh_token ?? ''))
    h.clock.advance(5 * MINUTE_MS)
    const again = await refresh(h, first.refresh_token ?? '')
    expect(again.status).toBe(200)
    const third = await json(again)
    expect(third['refresh_token']).not.toBe(second['refresh_token'])
    // The pair from the within-leeway reuse is now the live one; the middle one is retired.
    expect((await refresh(h, String(third['refresh_token']))).status).toBe(200)
    const kinds = h.mock.control.ledger().flatMap((e) => (e.type === 'refresh' ? [e.presented] : []))
    expect(kinds).toEqual(['current', 'retired_within_leeway', 'current'])
  })

  test('reuse after the leeway revokes the family (reuse_detected)', async () => {
    const h = setupBaseline({ policy: { reuseLeewayMs: 10 * MINUTE_MS } })
    const first = await connect(h, 'ada')
    const second = await json(await refresh(h, first.refresh_token ?? ''))
    h.clock.advance(10 * MINUTE_MS)
    const stale = await refresh(h, first.refresh_token ?? '')
    expect(stale.status).toBe(400)
    expect(await json(stale)).toMatchObject({ error: 'invalid_grant' })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'reuse_detected',
      atMs: h.clock.now(),
    })
    expect((await refresh(h, String(second['refresh_token']))).status).toBe(400)
    expect((await callApi(h, String(second['access_token']))).status).toBe(401)
  })

  test("reuseAfterLeeway 'reject' fails the stale token and keeps the family", async () => {
    const h = setupBaseline({ policy: { reuseAfterLeeway: 'reject' } })
    const first = await connect(h, 'ada')
    const second = await json(await refresh(h, first.refresh_token ?? ''))
    expect((await refresh(h, first.refresh_token ?? '')).status).toBe(400)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
    expect((await refresh(h, String(second['refresh_token']))).status).toBe(200)
  })

  test('idle expiry is reset by each refresh and noticed lazily', async () => {
    const h = setupBaseline({ policy: { refreshIdleTtlMs: 7 * DAY_MS } })
    let rt = (await connect(h, 'ada')).refresh_token ?? ''
    const granted = h.clock.now()
    for (let i = 0; i < 4; i++) {
      h.clock.advance(6 * DAY_MS)
      const res = await refresh(h, rt)
      expect(res.status).toBe(200)
      rt = String((await json(res))['refresh_token'])
    }
    const lastRefresh = h.clock.now()
    h.clock.advance(8 * DAY_MS)
    const truth = h.mock.control.grantTruth('ada', h.client.clientId)
    expect(truth).toEqual({
      status: 'ended',
      familyId: expect.any(String),
      cause: 'refresh_idle_expired',
      atMs: lastRefresh + 7 * DAY_MS,
    })
    expect(granted).toBeLessThan(lastRefresh)
    // Truth is pure: nothing was recorded until a request noticed it.
    expect(h.mock.control.ledger().some((e) => e.type === 'family_ended')).toBe(false)
    expect(await json(await refresh(h, rt))).toMatchObject({ error: 'invalid_grant' })
    expect(h.mock.control.ledger().filter((e) => e.type === 'family_ended')).toEqual([
      expect.objectContaining({
        cause: 'refresh_idle_expired',
        atMs: h.clock.now(),
        endedAtMs: lastRefresh + 7 * DAY_MS,
      }),
    ])
    await refresh(h, rt)
    expect(h.mock.control.ledger().filter((e) => e.type === 'family_ended')).toHaveLength(1)
  })

  test('absolute expiry is not extended by refreshing, and access tokens are capped at it', async () => {
    const h = setupBaseline({ policy: { refreshAbsoluteTtlMs: 2 * DAY_MS, accessTokenTtlMs: 12 * HOUR_MS } })
    let rt = (await connect(h, 'ada')).refresh_token ?? ''
    const granted = h.clock.now()
    h.clock.advance(2 * DAY_MS - 2 * HOUR_MS)
    const last = await json(await refresh(h, rt))
    rt = String(last['refresh_token'])
    expect(last['expires_in']).toBe(2 * 3600)
    h.clock.advance(2 * HOUR_MS - 1)
    expect((await callApi(h, String(last['access_token']))).status).toBe(200)
    h.clock.advance(1)
    expect((await callApi(h, String(last['access_token']))).status).toBe(401)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'refresh_absolute_expired',
      atMs: granted + 2 * DAY_MS,
    })
    expect((await refresh(h, rt)).status).toBe(400)
  })

  test('rotation off: the response omits refresh_token and the same token keeps working', async () => {
    const h = setupBaseline({ clientPolicy: { rotation: false } })
    const first = await connect(h, 'ada')
    for (let i = 0; i < 3; i++) {
      const res = await refresh(h, first.refresh_token ?? '')
      expect(res.status).toBe(200)
      expect(await json(res)).not.toHaveProperty('refresh_token')
    }
  })

  test('no refresh tokens and non-expiring access tokens: no expires_in, token lives on', async () => {
    const h = setupBaseline({ policy: { issueRefreshTokens: false, accessTokenTtlMs: null } })
    const tokens = await connect(h, 'ada')
    expect(tokens).not.toHaveProperty('refresh_token')
    expect(tokens).not.toHaveProperty('expires_in')
    h.clock.advance(400 * DAY_MS)
    expect((await callApi(h, tokens.access_token)).status).toBe(200)
  })

  test('a narrower scope is allowed, a wider one is invalid_scope', async () => {
    const h = setupBaseline()
    const url = authorizeUrl(h, { login: 'ada', scope: 'read write', verifier: verifierFor('ada') })
    const code =
      new URL((await h.mock.fetch(url)).headers.get('location') ?? '').searchParams.get('code') ?? ''
    const tokens = await json(await exchange(h, code, verifierFor('ada')))
    expect(tokens['scope']).toBe('read write')
    const narrow = await refresh(h, String(tokens['refresh_token']), { scope: 'read' })
    const narrowBody = await json(narrow)
    expect(narrowBody['scope']).toBe('read')
    const wide = await refresh(h, String(narrowBody['refresh_token']), { scope: 'read admin' })
    expect(await json(wide)).toMatchObject({ error: 'invalid_scope' })
  })

  test('an unknown refresh token is invalid_grant and recorded as such', async () => {
    const h = setupBaseline()
    const res = await refresh(h, 'rt_made_up')
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: 'invalid_grant' })
    expect(h.mock.control.ledger()).toEqual([
      { type: 'refresh_unknown_token', atMs: h.clock.now(), clientId: h.client.clientId },
    ])
  })

  test("another client's refresh token is unknown to this client", async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const other = h.mock.control.createClient({ redirectUris: [REDIRECT_URI] })
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      client_id: other.clientId,
      client_secret: other.clientSecret,
    })
    const cross = await h.mock.fetch(`${ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
    expect(await json(cross)).toMatchObject({ error: 'invalid_grant' })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
  })
})

describe('revocation', () => {
  test('revoking a refresh token ends its family (revoked_by_client); unknown tokens get 200', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const revoke = (token: string) =>
      h.mock.fetch(`${ISSUER}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(h) },
        body: new URLSearchParams({ token, token_type_hint: 'refresh_token' }),
      })
    const unknown = await revoke('nonsense')
    expect(unknown.status).toBe(200)
    expect(await unknown.text()).toBe('')
    expect(unknown.headers.get('cache-control')).toBe('no-store')
    expect((await revoke(tokens.refresh_token ?? '')).status).toBe(200)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'revoked_by_client',
    })
    expect((await callApi(h, tokens.access_token)).status).toBe(401)
    expect((await revoke(tokens.refresh_token ?? '')).status).toBe(200)
    expect(h.mock.control.ledger().filter((e) => e.type === 'family_ended')).toHaveLength(1)
  })

  test('revoking an access token kills only that token', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const res = await h.mock.fetch(`${ISSUER}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.access_token,
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
      }),
    })
    expect(res.status).toBe(200)
    expect(h.mock.control.accessTokenIsLive(tokens.access_token)).toBe(false)
    expect((await refresh(h, tokens.refresh_token ?? '')).status).toBe(200)
  })

  test('revocation needs client authentication', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=abc',
    })
    expect(res.status).toBe(401)
    expect(await json(res)).toMatchObject({ error: 'invalid_client' })
  })

  test.each(['user', 'admin'] as const)('revokeGrant by %s ends every family with its cause', async (by) => {
    const h = setupBaseline()
    const older = await connect(h, 'ada')
    const newer = await connect(h, 'ada')
    const bob = await connect(h, 'bob')
    h.mock.control.revokeGrant('ada', h.client.clientId, by)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: by === 'user' ? 'revoked_by_user' : 'revoked_by_admin',
    })
    for (const t of [older, newer]) expect((await callApi(h, t.access_token)).status).toBe(401)
    expect((await callApi(h, bob.access_token)).status).toBe(200)
    // Connect restores.
    await connect(h, 'ada')
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
  })
})

describe('client secret rotation', () => {
  test('the old secret fails at once with 401 invalid_client; grants survive by default', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const oldSecret = h.client.clientSecret
    const newSecret = h.mock.control.rotateClientSecret(h.client.clientId)
    expect(newSecret).not.toBe(oldSecret)
    const res = await refresh(h, tokens.refresh_token ?? '')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await json(res)).toMatchObject({ error: 'invalid_client' })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
    const ok = await tokenRequest(
      h,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' },
      'basic',
      newSecret,
    )
    expect(ok.status).toBe(200)
    const types = h.mock.control.ledger().map((e) => e.type)
    expect(types).toContain('secret_rotated')
    expect(types).toContain('client_auth_failed')
  })

  test('with secretRotationEndsGrants every family of the client ends (secret_rotated)', async () => {
    const h = setupBaseline({ clientPolicy: { secretRotationEndsGrants: true } })
    await connect(h, 'ada')
    await connect(h, 'bob')
    h.mock.control.rotateClientSecret(h.client.clientId)
    for (const login of ['ada', 'bob']) {
      expect(h.mock.control.grantTruth(login, h.client.clientId)).toMatchObject({
        status: 'ended',
        cause: 'secret_rotated',
      })
    }
  })
})

describe('protected resource', () => {
  test('missing token: 401 with a Bearer realm challenge', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}/api/me`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="baseline"')
  })

  test('expired token: 401 invalid_token with error_description', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.clock.advance(HOUR_MS)
    const res = await callApi(h, tokens.access_token)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description=".+"$/,
    )
    expect(await json(res)).toMatchObject({ error: 'invalid_token' })
    expect(h.mock.control.accessTokenIsLive(tokens.access_token)).toBe(false)
  })

  test('with apiRequiredScope, a token without that scope is 403 insufficient_scope', async () => {
    const h = setupBaseline({ spec: { apiRequiredScope: 'admin' } })
    const tokens = await connect(h, 'ada')
    const res = await callApi(h, tokens.access_token)
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="admin"')
    expect(await json(res)).toMatchObject({ error: 'insufficient_scope' })
  })

  test('garbage bearer tokens are invalid_token, never 500', async () => {
    const h = setupBaseline()
    for (const header of ['Bearer', 'Bearer a b', 'Bearer \u00e9\u00e9', 'Bearer nope']) {
      const res = await h.mock.fetch(`${ISSUER}/api/me`, { headers: { authorization: header } })
      expect(res.status).toBe(401)
    }
  })
})

function basic(h: ReturnType<typeof setupBaseline>): string {
  return `Basic ${Buffer.from(`${h.client.clientId}:${h.client.clientSecret}`).toString('base64')}`
}

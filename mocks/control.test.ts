import { describe, expect, test } from 'vitest'
import { HOUR_MS } from '../src/clock.ts'
import { ControlError } from './control.ts'
import {
  ISSUER,
  REDIRECT_URI,
  callApi,
  connect,
  refresh,
  setupBaseline,
  verifierFor,
} from './spec/test-client.ts'

type Harness = ReturnType<typeof setupBaseline>

function lab(h: Harness, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  return h.mock.fetch(`${ISSUER}/_lab${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
}

describe('control, in process', () => {
  test('advanceClock moves only this mock: its access tokens expire, the world clock stays', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const worldNow = h.clock.now()
    h.mock.control.advanceClock(HOUR_MS)
    expect(h.clock.now()).toBe(worldNow)
    expect(h.mock.control.accessTokenIsLive(tokens.access_token)).toBe(false)
    expect((await callApi(h, tokens.access_token)).status).toBe(401)
  })

  test('setPolicy without a client changes the default, with one only that client', async () => {
    const h = setupBaseline({ clientPolicy: { accessTokenTtlMs: 2 * HOUR_MS } })
    const other = h.mock.control.createClient({ redirectUris: [REDIRECT_URI] })
    h.mock.control.setPolicy({ accessTokenTtlMs: 5 * HOUR_MS, rotation: false })
    expect(h.mock.store.policyFor(h.client.clientId)).toMatchObject({
      accessTokenTtlMs: 2 * HOUR_MS,
      rotation: false,
    })
    expect(h.mock.store.policyFor(other.clientId)).toMatchObject({
      accessTokenTtlMs: 5 * HOUR_MS,
      rotation: false,
    })
    h.mock.control.setPolicy({ rotation: true }, other.clientId)
    expect(h.mock.store.policyFor(other.clientId).rotation).toBe(true)
    expect(h.mock.store.policyFor(h.client.clientId).rotation).toBe(false)
    const tokens = await connect(h, 'ada')
    expect(tokens.expires_in).toBe(7200)
  })

  test('input is validated with ControlError', () => {
    const h = setupBaseline()
    expect(() => h.mock.control.createClient({ redirectUris: [] })).toThrow(ControlError)
    expect(() => h.mock.control.createClient({ redirectUris: ['not a url'] })).toThrow(/absolute URL/)
    expect(() => h.mock.control.createClient({ redirectUris: ['https://a.test/#x'] })).toThrow(/fragment/)
    expect(() =>
      h.mock.control.createClient({ clientId: h.client.clientId, redirectUris: [REDIRECT_URI] }),
    ).toThrow(/already exists/)
    expect(() => h.mock.control.setPolicy({ accessTokenTtlMs: -1 })).toThrow(ControlError)
    expect(() => h.mock.control.setPolicy({ rotation: 'yes' } as never)).toThrow(/boolean/)
    expect(() => h.mock.control.setPolicy({ rotate: true } as never)).toThrow(/unknown policy field/)
    expect(() => h.mock.control.rotateClientSecret('nobody')).toThrow(/unknown client/)
    expect(() => h.mock.control.advanceClock(Number.NaN)).toThrow(ControlError)
    expect(() => h.mock.control.createUser({ login: '' })).toThrow(ControlError)
  })

  test('createClient returns the effective policy and honours given id and secret', () => {
    const h = setupBaseline()
    const client = h.mock.control.createClient({
      clientId: 'custom-app',
      clientSecret: 'shh',
      redirectUris: [REDIRECT_URI],
      policy: { reuseLeewayMs: 600_000 },
    })
    expect(client).toMatchObject({
      clientId: 'custom-app',
      clientSecret: 'shh',
      redirectUris: [REDIRECT_URI],
    })
    expect(client.policy).toMatchObject({ reuseLeewayMs: 600_000, rotation: true, accessTokenTtlMs: HOUR_MS })
  })

  test('reset forgets everything, including faults and the mock clock offset', async () => {
    const h = setupBaseline()
    await connect(h, 'ada')
    h.mock.control.advanceClock(HOUR_MS)
    h.mock.control.injectFault({ endpoint: 'api', fault: { kind: 'http_error', status: 500 }, times: 5 })
    h.mock.quirks.fire('baseline.some-quirk')
    expect(h.mock.secrets.size()).toBeGreaterThan(0)
    h.mock.reset()
    expect(h.mock.requests()).toEqual([])
    expect(h.mock.control.ledger()).toEqual([])
    // What the mock keeps beside the store goes too: its quirk counts and the secrets it learnt.
    expect(h.mock.quirks.counts()).toEqual({})
    expect(h.mock.secrets.size()).toBe(0)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toEqual({ status: 'none' })
    expect(h.mock.clock.now()).toBe(h.clock.now())
    const client = h.mock.control.createClient({ redirectUris: [REDIRECT_URI] })
    expect(h.mock.store.getClient(client.clientId)).toBeDefined()
    const res = await h.mock.fetch(`${ISSUER}/api/me`)
    expect(res.status).toBe(401)
  })

  test('grantTruth is none before any exchange, even after a code was issued', async () => {
    const h = setupBaseline()
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toEqual({ status: 'none' })
    await h.mock.fetch(
      `${ISSUER}/authorize?response_type=code&client_id=${h.client.clientId}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&login_hint=ada`,
    )
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toEqual({ status: 'none' })
  })
})

describe('/_lab over HTTP', () => {
  test('mirrors the control surface', async () => {
    const h = setupBaseline()
    const created = await lab(h, '/clients', { redirectUris: [REDIRECT_URI], policy: { rotation: false } })
    expect(created.status).toBe(201)
    const client = (await created.json()) as {
      clientId: string
      clientSecret: string
      policy: { rotation: boolean }
    }
    expect(client.policy.rotation).toBe(false)
    expect((await lab(h, '/users', { login: 'ada' })).status).toBe(201)
    expect(h.mock.store.getUser('ada')).toBeDefined()

    const tokens = await connect(h, 'ada')
    const truth = await lab(h, `/truth?login=ada&client_id=${h.client.clientId}`)
    expect(await truth.json()).toMatchObject({ status: 'alive' })
    const live = await lab(h, '/access-tokens/live', { token: tokens.access_token })
    expect(await live.json()).toEqual({ live: true })

    expect((await lab(h, '/policy', { policy: { accessTokenTtlMs: 60_000 } })).status).toBe(200)
    expect(h.mock.store.defaultPolicy().accessTokenTtlMs).toBe(60_000)
    expect(
      (await lab(h, '/policy', { clientId: client.clientId, policy: { reuseLeewayMs: 5 } })).status,
    ).toBe(200)
    expect(h.mock.store.policyFor(client.clientId).reuseLeewayMs).toBe(5)

    expect((await lab(h, '/approvals', { key: 'site-1' })).status).toBe(200)
    expect(h.mock.store.approvals().has('site-1')).toBe(true)
    expect((await lab(h, '/approvals/remove', { key: 'site-1' })).status).toBe(200)
    expect(h.mock.store.approvals().has('site-1')).toBe(false)

    await lab(h, '/consent-answers', {
      login: 'bob',
      decision: { kind: 'deny_redirect', error: 'access_denied' },
    })
    expect(h.mock.store.consentAnswer('bob')).toEqual({ kind: 'deny_redirect', error: 'access_denied' })

    await lab(h, '/faults', { endpoint: 'api', fault: { kind: 'http_error', status: 503 }, times: 1 })
    expect((await callApi(h, tokens.access_token)).status).toBe(503)
    await lab(h, '/faults/script', { endpoint: 'api', responses: [{ status: 500 }] })
    expect((await lab(h, '/faults', undefined, 'DELETE')).status).toBe(200)
    expect((await callApi(h, tokens.access_token)).status).toBe(200)

    await lab(h, '/clock/advance', { ms: HOUR_MS })
    expect((await callApi(h, tokens.access_token)).status).toBe(401)

    const rotated = await lab(h, `/clients/${h.client.clientId}/rotate-secret`, {})
    const { clientSecret } = (await rotated.json()) as { clientSecret: string }
    expect(h.mock.store.getClient(h.client.clientId)?.clientSecret).toBe(clientSecret)

    await lab(h, '/grants/revoke', { login: 'ada', clientId: h.client.clientId, by: 'admin' })
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'revoked_by_admin',
    })

    const ledger = (await (await lab(h, '/ledger')).json()) as Array<{ type: string }>
    expect(ledger.map((e) => e.type)).toContain('secret_rotated')
    const requests = (await (await lab(h, '/requests')).json()) as Array<{ endpoint: string }>
    expect(requests.some((r) => r.endpoint === 'lab')).toBe(true)

    expect((await lab(h, '/reset', {})).status).toBe(200)
    expect(h.mock.requests()).toHaveLength(1)
    expect(h.mock.requests()[0]).toMatchObject({ endpoint: 'lab', path: '/_lab/reset' })
  })

  test('bad input is 400/404/409 JSON, never 500', async () => {
    const h = setupBaseline()
    const cases: Array<[string, unknown, number]> = [
      ['/clients', { redirectUris: 'x' }, 400],
      ['/clients', { redirectUris: [REDIRECT_URI], clientId: h.client.clientId }, 409],
      ['/clients', { redirectUris: [REDIRECT_URI], policy: { rotation: 1 } }, 400],
      ['/users', {}, 400],
      ['/clients/nobody/rotate-secret', {}, 404],
      ['/grants/revoke', { login: 'a', clientId: 'b', by: 'robot' }, 400],
      ['/policy', { policy: { nope: 1 } }, 400],
      ['/consent-answers', { login: 'a', decision: { kind: 'maybe' } }, 400],
      ['/faults', { endpoint: 'api', fault: { kind: 'explode' } }, 400],
      ['/faults/script', { endpoint: 'nowhere', responses: [{ status: 500 }] }, 400],
      ['/clock/advance', { ms: 'soon' }, 400],
      ['/access-tokens/live', {}, 400],
    ]
    for (const [path, body, status] of cases) {
      const res = await lab(h, path, body)
      expect([path, res.status]).toEqual([path, status])
      expect(await res.json()).toMatchObject({ error: expect.any(String) })
    }
    const notJson = await h.mock.fetch(`${ISSUER}/_lab/users`, { method: 'POST', body: '{nope' })
    expect(notJson.status).toBe(400)
    const array = await h.mock.fetch(`${ISSUER}/_lab/users`, { method: 'POST', body: '[]' })
    expect(array.status).toBe(400)
    const truth = await lab(h, '/truth')
    expect(truth.status).toBe(400)
  })
})

describe('no secret leaks', () => {
  test('requests() and ledger() never contain a token, code, verifier or client secret', async () => {
    const h = setupBaseline({ policy: { reuseLeewayMs: 1000 } })
    const secrets: string[] = [h.client.clientSecret]
    secrets.push(verifierFor('ada'))
    const tokens = await connect(h, 'ada', 'post')
    secrets.push(tokens.access_token, tokens.refresh_token ?? '')
    const next = (await (await refresh(h, tokens.refresh_token ?? '')).json()) as {
      access_token: string
      refresh_token: string
    }
    secrets.push(next.access_token, next.refresh_token)
    await refresh(h, tokens.refresh_token ?? '')
    await callApi(h, next.access_token)
    await h.mock.fetch(`${ISSUER}/api/me?access_token=${next.access_token}`)
    await h.mock.fetch(`${ISSUER}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: next.refresh_token,
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
      }),
    })
    await lab(h, '/access-tokens/live', { token: next.access_token })
    const rotated = h.mock.control.rotateClientSecret(h.client.clientId)
    secrets.push(rotated)
    await lab(h, '/clients', { redirectUris: [REDIRECT_URI], clientSecret: 'lab-made-secret' })
    secrets.push('lab-made-secret')
    const codes = h.mock.store.db.code.getAll().map((c) => c.value)
    expect(codes.length).toBeGreaterThan(0)
    secrets.push(...codes)

    const recorded = JSON.stringify(h.mock.requests())
    const ledger = JSON.stringify(h.mock.control.ledger())
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(3)
      expect(recorded).not.toContain(secret)
      expect(ledger).not.toContain(secret)
    }
    expect(recorded).toContain('[redacted]')
  })
})

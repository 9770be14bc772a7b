/** The Salesforce mock, one test per quirk (named after its id), plus bad input and secret hygiene. */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS, ManualClock } from '../../src/clock.ts'
import { createSequentialIds, type IdSource } from '../../src/ids.ts'
import { redactSecrets } from '../../src/redact.ts'
import { APP_APPROVAL_KEY } from '../../src/world/mock-registry.ts'
import { s256Challenge } from '../spec/pkce.ts'
import type { ClientRecordView } from '../types.ts'
import {
  SALESFORCE_APPROVAL_KEY,
  SALESFORCE_PATHS,
  type SalesforceMock,
  type SalesforceMockOptions,
  createSalesforceMock,
  createSalesforceMockFromInput,
  salesforceOrgId,
} from './index.ts'
import { salesforceQuirks } from './quirks.ts'

const REDIRECT = 'https://app.example.test/oauth/callback/salesforce'
const ISSUER = 'http://acme.salesforce.mock'
const FORM = 'application/x-www-form-urlencoded'

type Json = Record<string, unknown>

interface H {
  mock: SalesforceMock
  clock: ManualClock
  client: ClientRecordView
  ids: IdSource
}

function setup(
  options: Partial<SalesforceMockOptions> = {},
  clock = new ManualClock(),
  ids = createSequentialIds(),
): H {
  const mock = createSalesforceMock({ clock, ids, issuer: ISSUER, ...options })
  const client = mock.control.createClient({ redirectUris: [REDIRECT] })
  return { mock, clock, client, ids }
}

const verifier = (login: string) => `verifier-${login}-${'x'.repeat(43)}`

function authorizeUrl(h: H, login: string, scope = 'api refresh_token', client = h.client): string {
  const url = new URL(`${ISSUER}${SALESFORCE_PATHS.authorize}`)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', client.clientId)
  url.searchParams.set('redirect_uri', client.redirectUris[0] ?? REDIRECT)
  url.searchParams.set('scope', scope)
  url.searchParams.set('state', 'st')
  url.searchParams.set('code_challenge', s256Challenge(verifier(login)))
  url.searchParams.set('code_challenge_method', 'S256')
  url.searchParams.set('login_hint', login)
  return url.toString()
}

async function authorize(h: H, login: string, scope?: string, client = h.client): Promise<URL> {
  const res = await h.mock.fetch(authorizeUrl(h, login, scope, client), { redirect: 'manual' })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location') ?? '')
}

async function token(h: H, params: Record<string, string>, client = h.client, secret = client.clientSecret) {
  return h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({ client_id: client.clientId, client_secret: secret, ...params }).toString(),
  })
}

async function connect(h: H, login: string, scope?: string, client = h.client): Promise<Json> {
  const code = (await authorize(h, login, scope, client)).searchParams.get('code') ?? ''
  const res = await token(
    h,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUris[0] ?? REDIRECT,
      code_verifier: verifier(login),
    },
    client,
  )
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}

async function refresh(h: H, rt: unknown, client = h.client): Promise<Response> {
  return token(h, { grant_type: 'refresh_token', refresh_token: String(rt) }, client)
}

async function api(h: H, at: unknown): Promise<Response> {
  return h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.api}`, {
    headers: { authorization: `Bearer ${String(at)}` },
  })
}

async function expectDeadRefresh(res: Response): Promise<void> {
  expect(res.status).toBe(400)
  expect(await res.json()).toEqual({
    error: 'invalid_grant',
    error_description: 'expired access/refresh token',
  })
}

describe('salesforce quirks', () => {
  it('salesforce.pkce-per-app (connectors.md addendum: "Optional, unless the connected app sets Require Proof Key for Code Exchange")', async () => {
    const withoutPkce = (h: H, clientId: string) =>
      h.mock.fetch(
        `${ISSUER}${SALESFORCE_PATHS.authorize}?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=api`,
        { redirect: 'manual' },
      )
    const h = setup()
    const code = new URL(
      (await withoutPkce(h, h.client.clientId)).headers.get('location') ?? '',
    ).searchParams.get('code')
    expect(code).toBeTruthy()
    const ok = await token(h, { grant_type: 'authorization_code', code: code ?? '', redirect_uri: REDIRECT })
    expect(ok.status).toBe(200)
    // The same org, an app that requires PKCE.
    const strictApp = h.mock.control.createClient({ redirectUris: [REDIRECT], pkce: 'required' })
    const refused = new URL((await withoutPkce(h, strictApp.clientId)).headers.get('location') ?? '')
    expect(refused.searchParams.get('error')).toBe('invalid_request')
    // The pack option makes it the org's default.
    const strict = setup({ pkce: 'required' })
    expect(
      new URL(
        (await withoutPkce(strict, strict.client.clientId)).headers.get('location') ?? '',
      ).searchParams.get('error'),
    ).toBe('invalid_request')
  })

  it('every quirk id is tested in this file', async () => {
    const { readFileSync } = await import('node:fs')
    const text = readFileSync(new URL(import.meta.url), 'utf8')
    for (const q of salesforceQuirks) expect(text, q.id).toContain(`it('${q.id} `)
  })

  it('salesforce.no-expires-in (connectors.md §3 "Code-exchange response": no expires_in)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    expect(body).not.toHaveProperty('expires_in')
    const refreshed = (await (await refresh(h, body['refresh_token'])).json()) as Json
    expect(refreshed).not.toHaveProperty('expires_in')
    // The token still dies: with the session (2 h of inactivity by default).
    h.clock.advance(2 * HOUR_MS)
    expect((await api(h, body['access_token'])).status).toBe(401)
  })

  it('salesforce.issued-at-ms-string (connectors.md Addendum: issued_at is a 13-digit ms string)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    expect(body['issued_at']).toBe(String(h.clock.now()))
    expect(body['issued_at']).toMatch(/^\d{13}$/)
  })

  it('salesforce.signature (connectors.md Addendum: base64(HMAC-SHA256(client_secret, id + issued_at)))', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    const expected = createHmac('sha256', h.client.clientSecret)
      .update(`${String(body['id'])}${String(body['issued_at'])}`)
      .digest('base64')
    expect(body['signature']).toBe(expected)
    h.clock.advance(MINUTE_MS)
    const refreshed = (await (await refresh(h, body['refresh_token'])).json()) as Json
    expect(refreshed['signature']).toBe(
      createHmac('sha256', h.client.clientSecret)
        .update(`${String(refreshed['id'])}${String(refreshed['issued_at'])}`)
        .digest('base64'),
    )
  })

  it('salesforce.instance-url-and-id (connectors.md §3 "Instance discovery"; checklist: instance_url honoured by API calls)', async () => {
    const h = setup({ instance: 'acme' })
    const body = await connect(h, 'ada')
    expect(body['instance_url']).toBe(ISSUER)
    const orgId = salesforceOrgId('acme')
    expect(h.mock.orgId).toBe(orgId)
    expect(body['id']).toMatch(new RegExp(`^${ISSUER}/id/${orgId}/005[A-Za-z0-9]{12}$`))
    const res = await h.mock.fetch(`${String(body['instance_url'])}${SALESFORCE_PATHS.api}`, {
      headers: { authorization: `Bearer ${String(body['access_token'])}` },
    })
    expect(res.status).toBe(200)
    const me = (await res.json()) as Json
    expect(me['organization_id']).toBe(orgId)
    expect(me['sub']).toBe(body['id'])
    // Another org's instance does not know this session.
    const other = setup({ instance: 'other' })
    expect((await api(other, body['access_token'])).status).toBe(401)
  })

  it('salesforce.refresh-token-needs-scope (connectors.md §3 "Code-exchange response": refresh_token only with the refresh_token/offline_access scope)', async () => {
    const h = setup()
    expect(await connect(h, 'ada', 'api')).not.toHaveProperty('refresh_token')
    expect(await connect(h, 'bob', 'api refresh_token')).toHaveProperty('refresh_token')
    expect(await connect(h, 'cy', 'api offline_access')).toHaveProperty('refresh_token')
  })

  it('salesforce.refresh-omits-refresh-token (connectors.md §3 "Refresh response": same shape minus refresh_token)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    const first = await refresh(h, body['refresh_token'])
    expect(first.status).toBe(200)
    const refreshed = (await first.json()) as Json
    expect(Object.keys(refreshed).sort()).toEqual(
      ['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type'].sort(),
    )
    expect(refreshed['access_token']).not.toBe(body['access_token'])
    // The same refresh token keeps working.
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)
  })

  it('salesforce.refresh-token-rotation (connectors.md §3 "Refresh Token Rotation (RTR)": new RT, old one invalid at once)', async () => {
    const h = setup({ rtr: true })
    const body = await connect(h, 'ada')
    const refreshed = (await (await refresh(h, body['refresh_token'])).json()) as Json
    expect(refreshed['refresh_token']).toEqual(expect.any(String))
    expect(refreshed['refresh_token']).not.toBe(body['refresh_token'])
    expect((await refresh(h, refreshed['refresh_token'])).status).toBe(200)
    // Without RTR the same sequence never rotates.
    const plain = setup({ rtr: false })
    const b = await connect(plain, 'ada')
    expect(await (await refresh(plain, b['refresh_token'])).json()).not.toHaveProperty('refresh_token')
  })

  it('salesforce.rtr-reuse-revokes-family (connectors.md §3 RTR: reuse revokes the current RT and its ATs; 400 invalid_grant)', async () => {
    const h = setup({ rtr: true })
    const body = await connect(h, 'ada')
    const next = (await (await refresh(h, body['refresh_token'])).json()) as Json
    expect((await api(h, next['access_token'])).status).toBe(200)
    // Reuse of the invalidated token (no grace period, even at the same instant).
    await expectDeadRefresh(await refresh(h, body['refresh_token']))
    // ...and the family is gone: the current RT and its AT too.
    await expectDeadRefresh(await refresh(h, next['refresh_token']))
    expect((await api(h, next['access_token'])).status).toBe(401)
    const truth = h.mock.control.grantTruth('ada', h.client.clientId)
    expect(truth).toMatchObject({ status: 'ended', cause: 'reuse_detected' })
  })

  it('salesforce.refresh-token-policy (connectors.md §3 "RT policy options": until revoked, immediately, if not used for N, after N)', async () => {
    // Valid until revoked (default): a year of silence changes nothing.
    const infinite = setup()
    const a = await connect(infinite, 'ada')
    infinite.clock.advance(400 * DAY_MS)
    expect((await refresh(infinite, a['refresh_token'])).status).toBe(200)

    // Immediately expire: the grant lasts one session.
    const immediately = setup({ refreshPolicy: 'immediately' })
    const b = await connect(immediately, 'ada')
    immediately.clock.advance(HOUR_MS)
    expect((await api(immediately, b['access_token'])).status).toBe(200)
    immediately.clock.advance(HOUR_MS)
    await expectDeadRefresh(await refresh(immediately, b['refresh_token']))
    expect(immediately.mock.control.grantTruth('ada', immediately.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'refresh_absolute_expired',
    })

    // Expire if not used for 7 days: use resets the clock.
    const idle = setup({ refreshPolicy: 'specific_inactivity:7:DAYS' })
    const c = await connect(idle, 'ada')
    idle.clock.advance(6 * DAY_MS)
    expect((await refresh(idle, c['refresh_token'])).status).toBe(200)
    idle.clock.advance(6 * DAY_MS)
    expect((await refresh(idle, c['refresh_token'])).status).toBe(200)
    idle.clock.advance(7 * DAY_MS)
    await expectDeadRefresh(await refresh(idle, c['refresh_token']))

    // Expire after 30 days: use does not extend it.
    const lifetime = setup({ refreshPolicy: 'specific_lifetime:30:DAYS' })
    const d = await connect(lifetime, 'ada')
    for (let i = 0; i < 4; i++) {
      lifetime.clock.advance(7 * DAY_MS)
      expect((await refresh(lifetime, d['refresh_token'])).status).toBe(200)
    }
    lifetime.clock.advance(2 * DAY_MS)
    await expectDeadRefresh(await refresh(lifetime, d['refresh_token']))

    // Hours and months are units too; nonsense is refused, naming the option.
    const hours = setup({ refreshPolicy: 'specific_lifetime:12:HOURS' })
    expect(hours.mock.control.grantTruth('x', hours.client.clientId)).toEqual({ status: 'none' })
    expect(() => setup({ refreshPolicy: 'specific_lifetime:0:DAYS' })).toThrow(/refreshPolicy/)
    expect(() => setup({ refreshPolicy: 'forever' })).toThrow(/refreshPolicy/)
    expect(() => setup({ refreshPolicy: 'specific_inactivity:3:WEEKS' })).toThrow(/refreshPolicy/)
  })

  it('salesforce.idle-ttl-cap-30-days (connectors.md §3 "Idle-TTL cap": converts valid-until-revoked and caps longer policies)', async () => {
    for (const refreshPolicy of ['infinite', 'specific_inactivity:90:DAYS', 'specific_lifetime:365:DAYS']) {
      const h = setup({ refreshPolicy, idleTtlCap: true })
      const body = await connect(h, 'ada')
      h.clock.advance(29 * DAY_MS)
      expect((await refresh(h, body['refresh_token'])).status, refreshPolicy).toBe(200)
      h.clock.advance(30 * DAY_MS)
      await expectDeadRefresh(await refresh(h, body['refresh_token']))
      expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
        status: 'ended',
        cause: 'refresh_idle_expired',
      })
    }
    // A shorter idle policy stays as it is under the cap.
    const short = setup({ refreshPolicy: 'specific_inactivity:7:DAYS', idleTtlCap: true })
    const body = await connect(short, 'ada')
    short.clock.advance(8 * DAY_MS)
    await expectDeadRefresh(await refresh(short, body['refresh_token']))
  })

  it('salesforce.five-approvals-per-user (connectors.md §3 "Approvals cap": the 6th silently revokes the oldest)', async () => {
    const h = setup()
    const grants: Json[] = []
    for (let i = 0; i < 6; i++) {
      grants.push(await connect(h, 'ada'))
      h.clock.advance(MINUTE_MS)
    }
    const bob = await connect(h, 'bob')
    await expectDeadRefresh(await refresh(h, grants[0]?.['refresh_token']))
    for (const g of grants.slice(1)) expect((await refresh(h, g['refresh_token'])).status).toBe(200)
    expect((await refresh(h, bob['refresh_token'])).status).toBe(200)
    const evicted = h.mock.control.ledger().filter((e) => e.type === 'family_ended' && e.cause === 'evicted')
    expect(evicted).toHaveLength(1)
    // The newest approval is what the user's grant is now.
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
  })

  it('salesforce.invalid-session-id (connectors.md §3 "Expired AT on API": 401 [{message, errorCode: INVALID_SESSION_ID}])', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    h.clock.advance(3 * HOUR_MS)
    for (const res of [
      await api(h, body['access_token']),
      await api(h, 'not-a-token'),
      await h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.api}`),
    ]) {
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBeNull()
      expect(await res.json()).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ])
    }
  })

  it('salesforce.access-token-lifetime-is-session-timeout (connectors.md §3 "AT lifetime": session timeout of inactivity, not returned)', async () => {
    const h = setup({ sessionTimeoutMinutes: 15 })
    const body = await connect(h, 'ada')
    // Each accepted call restarts the 15 minutes.
    for (let i = 0; i < 4; i++) {
      h.clock.advance(14 * MINUTE_MS)
      expect((await api(h, body['access_token'])).status).toBe(200)
    }
    h.clock.advance(15 * MINUTE_MS)
    expect((await api(h, body['access_token'])).status).toBe(401)
    // Default 2 hours.
    const d = setup()
    const b = await connect(d, 'ada')
    d.clock.advance(119 * MINUTE_MS)
    expect((await api(d, b['access_token'])).status).toBe(200)
    d.clock.advance(121 * MINUTE_MS)
    expect((await api(d, b['access_token'])).status).toBe(401)
    // Never past the grant's end, however busy the session.
    const imm = setup({ refreshPolicy: 'immediately', sessionTimeoutMinutes: 60 })
    const c = await connect(imm, 'ada')
    imm.clock.advance(50 * MINUTE_MS)
    expect((await api(imm, c['access_token'])).status).toBe(200)
    imm.clock.advance(20 * MINUTE_MS)
    expect((await api(imm, c['access_token'])).status).toBe(401)
    expect(() => setup({ sessionTimeoutMinutes: 7 })).toThrow(/sessionTimeoutMinutes/)
  })

  it('salesforce.token-errors-are-400 (connectors.md Addendum: every token-endpoint error is HTTP 400)', async () => {
    const h = setup()
    const badGrant = await token(h, { grant_type: 'password' })
    expect(badGrant.status).toBe(400)
    expect(await badGrant.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    })
    // HTTP Basic with a wrong secret: still 400, no challenge.
    const basic = await h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.token}`, {
      method: 'POST',
      headers: {
        'content-type': FORM,
        authorization: `Basic ${Buffer.from(`${h.client.clientId}:nope`).toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    expect(basic.status).toBe(400)
    expect(basic.headers.get('www-authenticate')).toBeNull()
    const noAuth = await h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    expect(noAuth.status).toBe(400)
    const get = await h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.token}`)
    expect(get.status).toBe(400)
  })

  it('salesforce.wrong-secret-invalid-client-credentials (connectors.md §3 Error responses: 400 invalid_client "invalid client credentials")', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    const res = await token(
      h,
      { grant_type: 'refresh_token', refresh_token: String(body['refresh_token']) },
      h.client,
      'wrong',
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    })
    // A rotated secret answers the same, and the approval survives the rotation.
    const secret = h.mock.control.rotateClientSecret(h.client.clientId)
    expect((await refresh(h, body['refresh_token'])).status).toBe(400)
    expect(
      (
        await token(
          h,
          { grant_type: 'refresh_token', refresh_token: String(body['refresh_token']) },
          h.client,
          secret,
        )
      ).status,
    ).toBe(200)
  })

  it('salesforce.unknown-client-invalid-client-id (connectors.md §3 Error responses: 400 invalid_client_id "client identifier invalid")', async () => {
    const h = setup()
    const res = await token(
      h,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { ...h.client, clientId: 'nobody' },
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_client_id',
      error_description: 'client identifier invalid',
    })
  })

  it('salesforce.dead-refresh-token-message (connectors.md §3 Error responses: 400 invalid_grant "expired access/refresh token")', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    await expectDeadRefresh(await refresh(h, 'rt_999'))
    h.mock.control.revokeGrant('ada', h.client.clientId, 'user')
    await expectDeadRefresh(await refresh(h, body['refresh_token']))
  })

  it('salesforce.code-errors (connectors.md Addendum: reused code "expired authorization code"; §3: "authorization code expired")', async () => {
    const h = setup()
    const code = (await authorize(h, 'ada')).searchParams.get('code') ?? ''
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier('ada'),
    }
    expect((await token(h, params)).status).toBe(200)
    const reused = await token(h, params)
    expect(reused.status).toBe(400)
    expect(await reused.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'expired authorization code',
    })
    const unknown = await token(h, { ...params, code: 'code_404' })
    expect(await unknown.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'authorization code expired',
    })
    const code2 = (await authorize(h, 'bob')).searchParams.get('code') ?? ''
    h.clock.advance(16 * MINUTE_MS)
    const late = await token(h, { ...params, code: code2, code_verifier: verifier('bob') })
    expect(late.status).toBe(400)
    expect(await late.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'authorization code expired',
    })
  })

  it('salesforce.app-install-gate (connectors.md §3: uninstalled app → error=invalid_client&error_description=app must be installed into org)', async () => {
    const h = setup({ appInstalled: false, privilegedUsers: ['indexing-service'] })
    const blocked = await authorize(h, 'ada')
    expect(blocked.searchParams.get('error')).toBe('invalid_client')
    expect(blocked.searchParams.get('error_description')).toBe('app must be installed into org')
    expect(blocked.searchParams.get('state')).toBe('st')
    expect(blocked.searchParams.has('code')).toBe(false)
    // A user with "Approve Uninstalled Connected Apps" passes.
    expect((await authorize(h, 'indexing-service')).searchParams.has('code')).toBe(true)
    h.mock.control.approve(SALESFORCE_APPROVAL_KEY)
    expect((await authorize(h, 'ada')).searchParams.has('code')).toBe(true)
    expect(SALESFORCE_APPROVAL_KEY).toBe(APP_APPROVAL_KEY)
    // The pack factory closes this gate for approvalRequired.
    const fromPack = createSalesforceMockFromInput({
      clock: new ManualClock(),
      ids: createSequentialIds(),
      issuer: ISSUER,
      approvalRequired: true,
    })
    const client = fromPack.control.createClient({ redirectUris: [REDIRECT] })
    const res = await fromPack.fetch(authorizeUrl({ ...h, mock: fromPack, client }, 'ada'), {
      redirect: 'manual',
    })
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_client')
  })

  it('salesforce.admin-approved-users-gate (connectors.md §3: error=OAUTH_APP_ACCESS_DENIED until the user is pre-authorised)', async () => {
    const h = setup({ permittedUsers: 'admin_approved' })
    const blocked = await authorize(h, 'ada')
    expect(blocked.searchParams.get('error')).toBe('OAUTH_APP_ACCESS_DENIED')
    expect(blocked.searchParams.get('error_description')).toBe(
      'user is not admin approved to access this app',
    )
    h.mock.salesforce.preauthorize('ada')
    expect((await authorize(h, 'ada')).searchParams.has('code')).toBe(true)
    expect((await authorize(h, 'bob')).searchParams.get('error')).toBe('OAUTH_APP_ACCESS_DENIED')
    h.mock.control.approve(SALESFORCE_APPROVAL_KEY)
    expect((await authorize(h, 'bob')).searchParams.has('code')).toBe(true)
    const fromPack = createSalesforceMockFromInput({
      clock: new ManualClock(),
      ids: createSequentialIds(),
      issuer: ISSUER,
      approvalRequired: true,
      options: { approvalGate: 'admin_approved_users' },
    })
    const client = fromPack.control.createClient({ redirectUris: [REDIRECT] })
    const res = await fromPack.fetch(authorizeUrl({ ...h, mock: fromPack, client }, 'ada'), {
      redirect: 'manual',
    })
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'OAUTH_APP_ACCESS_DENIED',
    )
  })

  it('salesforce.revoke-endpoint (connectors.md §3 "Revoke (programmatic)": token=…, AT revokes itself, RT its grant; 200 / 400 invalid_token)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    const post = (t: unknown) =>
      h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.revoke}`, {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: new URLSearchParams({ token: String(t) }).toString(),
      })
    // No client authentication needed; an access token revokes only itself.
    expect((await post(body['access_token'])).status).toBe(200)
    expect((await api(h, body['access_token'])).status).toBe(401)
    const again = (await (await refresh(h, body['refresh_token'])).json()) as Json
    expect((await api(h, again['access_token'])).status).toBe(200)
    // A refresh token revokes the grant and its access tokens (GET works as well).
    const get = await h.mock.fetch(
      `${ISSUER}${SALESFORCE_PATHS.revoke}?token=${encodeURIComponent(String(body['refresh_token']))}`,
    )
    expect(get.status).toBe(200)
    expect((await api(h, again['access_token'])).status).toBe(401)
    await expectDeadRefresh(await refresh(h, body['refresh_token']))
    for (const res of [await post(body['refresh_token']), await post('rt_404')]) {
      expect(res.status).toBe(400)
      expect(((await res.json()) as Json)['error']).toBe('invalid_token')
    }
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ cause: 'revoked_by_client' })
  })

  it('salesforce.user-and-admin-revocation (connectors.md §3 "Revoke (user)" / "Revoke (admin)": every approval of that user for that app)', async () => {
    const h = setup()
    const a1 = await connect(h, 'ada')
    const a2 = await connect(h, 'ada')
    const bob = await connect(h, 'bob')
    h.mock.control.revokeGrant('ada', h.client.clientId, 'user')
    await expectDeadRefresh(await refresh(h, a1['refresh_token']))
    await expectDeadRefresh(await refresh(h, a2['refresh_token']))
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ cause: 'revoked_by_user' })
    expect((await refresh(h, bob['refresh_token'])).status).toBe(200)
    h.mock.control.revokeGrant('bob', h.client.clientId, 'admin')
    expect(h.mock.control.grantTruth('bob', h.client.clientId)).toMatchObject({ cause: 'revoked_by_admin' })
    // Revoke All (admin, OAuth Usage) ends everyone's.
    const cy = await connect(h, 'cy')
    h.mock.salesforce.revokeAll(h.client.clientId)
    await expectDeadRefresh(await refresh(h, cy['refresh_token']))
  })

  it('salesforce.connected-apps-are-independent (connectors.md §3 "Per-user vs org" and "Approvals cap": per user per app)', async () => {
    const h = setup()
    const indexing = h.mock.control.createClient({ redirectUris: ['https://app.example.test/indexing'] })
    const actions = await connect(h, 'ada')
    const index = await connect(h, 'ada', undefined, indexing)
    h.mock.control.revokeGrant('ada', indexing.clientId, 'admin')
    expect((await refresh(h, actions['refresh_token'])).status).toBe(200)
    await expectDeadRefresh(await refresh(h, index['refresh_token'], indexing))
    // The five-approval cap counts per app: five more on the indexing app evict nothing on the actions app.
    for (let i = 0; i < 5; i++) await connect(h, 'ada', undefined, indexing)
    expect((await refresh(h, actions['refresh_token'])).status).toBe(200)
    // And a token of one app is not a token of the other.
    await expectDeadRefresh(await refresh(h, actions['refresh_token'], indexing))
  })
})

describe('salesforce factory input', () => {
  const base = () => ({ clock: new ManualClock(), ids: createSequentialIds(), issuer: ISSUER })

  it('maps pack options onto the connected app and refuses what Salesforce cannot be set to', () => {
    const mock = createSalesforceMockFromInput({
      ...base(),
      instance: 'globex',
      options: {
        refreshPolicy: 'specific_lifetime:90:DAYS',
        rtr: true,
        sessionTimeoutMinutes: 60,
        indexingConnector: true,
      },
    })
    const client = mock.control.createClient({ redirectUris: [REDIRECT] })
    expect(client.policy).toMatchObject({
      accessTokenTtlMs: HOUR_MS,
      refreshAbsoluteTtlMs: 90 * DAY_MS,
      refreshIdleTtlMs: null,
      rotation: true,
    })
    expect(mock.orgId).toBe(salesforceOrgId('globex'))
    expect(() => createSalesforceMockFromInput({ ...base(), options: { refreshTokenPolicy: 'x' } })).toThrow(
      /unknown pack option "refreshTokenPolicy"/,
    )
    expect(() => createSalesforceMockFromInput({ ...base(), options: { rtr: 'yes' } })).toThrow(/rtr/)
    expect(() => createSalesforceMockFromInput({ ...base(), options: { approvalGate: 'install' } })).toThrow(
      /approvalGate/,
    )
    expect(() =>
      createSalesforceMockFromInput({ ...base(), options: { sessionTimeoutMinutes: 90 } }),
    ).toThrow(/sessionTimeoutMinutes/)
    expect(() => createSalesforceMockFromInput({ ...base(), policy: { accessTokenTtlMs: null } })).toThrow(
      /accessTokenTtlMs/,
    )
    expect(() => createSalesforceMockFromInput({ ...base(), policy: { reuseLeewayMs: 60_000 } })).toThrow(
      /reuseLeewayMs/,
    )
    expect(() =>
      mock.control.createClient({ redirectUris: [REDIRECT], policy: { refreshIdleTtlMs: 1000 } }),
    ).toThrow(/refreshIdleTtlMs/)
  })
})

describe('salesforce bad input', () => {
  it('never answers 500, and answers in Salesforce shape', async () => {
    const h = setup()
    const cases: Array<[string, RequestInit]> = [
      [
        SALESFORCE_PATHS.token,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      ],
      [SALESFORCE_PATHS.token, { method: 'POST', headers: { 'content-type': FORM }, body: '%%%' }],
      [
        SALESFORCE_PATHS.token,
        { method: 'POST', headers: { 'content-type': FORM }, body: 'grant_type=refresh_token&grant_type=x' },
      ],
      [
        SALESFORCE_PATHS.token,
        {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: `client_id=${h.client.clientId}&client_secret=${h.client.clientSecret}&grant_type=authorization_code`,
        },
      ],
      [SALESFORCE_PATHS.revoke, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'token' }],
      [SALESFORCE_PATHS.revoke, { method: 'POST', headers: { 'content-type': FORM }, body: '' }],
      [`${SALESFORCE_PATHS.authorize}?client_id=nobody`, { method: 'GET' }],
      [`${SALESFORCE_PATHS.authorize}`, { method: 'GET' }],
      [SALESFORCE_PATHS.api, { method: 'GET', headers: { authorization: 'Basic abc' } }],
      ['/services/data/v62.0/nothing', { method: 'GET' }],
    ]
    for (const [path, init] of cases) {
      const res = await h.mock.fetch(`${ISSUER}${path}`, init)
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(res.status, path).toBeLessThan(500)
      if (path === SALESFORCE_PATHS.token) {
        expect(res.status, path).toBe(400)
        expect(((await res.json()) as Json)['error'], path).toEqual(expect.any(String))
      }
    }
  })

  it('keeps every secret out of requests() and ledger()', async () => {
    const h = setup({ rtr: true })
    const body = await connect(h, 'ada')
    await refresh(h, body['refresh_token'])
    await refresh(h, body['refresh_token'])
    await h.mock.fetch(`${ISSUER}${SALESFORCE_PATHS.revoke}?token=${String(body['access_token'])}`)
    const recorded = JSON.stringify([h.mock.requests(), h.mock.control.ledger()])
    for (const secret of [body['access_token'], body['refresh_token'], h.client.clientSecret]) {
      expect(recorded).not.toContain(String(secret))
    }
    expect(recorded).not.toMatch(/code_\d/)
    expect(redactSecrets(recorded)).toBe(recorded)
    // The token values themselves are recognisable secrets.
    expect(redactSecrets(String(body['access_token']))).not.toContain('at_')
    expect(redactSecrets(String(body['refresh_token']))).not.toContain('rt_')
  })
})

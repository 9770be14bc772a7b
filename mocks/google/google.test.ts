/** The Google mock, one test per quirk (named after its id), plus bad input and secret hygiene. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS, ManualClock } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { redactSecrets } from '../../src/redact.ts'
import { APP_APPROVAL_KEY } from '../../src/world/mock-registry.ts'
import { s256Challenge } from '../spec/pkce.ts'
import type { ClientRecordView } from '../types.ts'
import {
  GMAIL_READONLY_SCOPE,
  GOOGLE_APPROVAL_KEY,
  GOOGLE_PATHS,
  type GoogleMock,
  type GoogleMockOptions,
  createGoogleMock,
  createGoogleMockFromInput,
} from './index.ts'
import { googleQuirks } from './quirks.ts'

const REDIRECT = 'https://app.example.test/oauth/callback/google'
const ISSUER = 'http://google.mock'
const FORM = 'application/x-www-form-urlencoded'
const CALENDAR = 'https://www.googleapis.com/auth/calendar.readonly'
const SCOPES = `openid email profile ${GMAIL_READONLY_SCOPE} ${CALENDAR}`

type Json = Record<string, unknown>

interface H {
  mock: GoogleMock
  clock: ManualClock
  client: ClientRecordView
}

function setup(options: Partial<GoogleMockOptions> = {}): H {
  const clock = new ManualClock()
  const mock = createGoogleMock({ clock, ids: createSequentialIds(), issuer: ISSUER, ...options })
  const client = mock.control.createClient({ redirectUris: [REDIRECT] })
  return { mock, clock, client }
}

const verifier = (login: string) => `verifier-${login}-${'x'.repeat(43)}`

interface AuthInput {
  scope?: string
  /** Query parameters; `access_type=offline` and `prompt=consent` unless overridden (null removes). */
  extra?: Record<string, string | null>
  client?: ClientRecordView
}

function authorizeUrl(h: H, login: string, input: AuthInput = {}): string {
  const client = input.client ?? h.client
  const url = new URL(`${ISSUER}${GOOGLE_PATHS.authorize}`)
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0] ?? REDIRECT,
    scope: input.scope ?? SCOPES,
    state: 'st',
    code_challenge: s256Challenge(verifier(login)),
    code_challenge_method: 'S256',
    login_hint: login,
    access_type: 'offline',
    prompt: 'consent',
    ...input.extra,
  }
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value)
  return url.toString()
}

async function token(h: H, params: Record<string, string>, client = h.client, secret = client.clientSecret) {
  return h.mock.fetch(`${ISSUER}${GOOGLE_PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({ client_id: client.clientId, client_secret: secret, ...params }).toString(),
  })
}

async function code(h: H, login: string, input: AuthInput = {}): Promise<string> {
  const res = await h.mock.fetch(authorizeUrl(h, login, input), { redirect: 'manual' })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? ''
}

async function connect(h: H, login: string, input: AuthInput = {}): Promise<Json> {
  const client = input.client ?? h.client
  const res = await token(
    h,
    {
      grant_type: 'authorization_code',
      code: await code(h, login, input),
      redirect_uri: client.redirectUris[0] ?? REDIRECT,
      code_verifier: verifier(login),
    },
    client,
  )
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}

const refresh = (h: H, rt: unknown, client = h.client) =>
  token(h, { grant_type: 'refresh_token', refresh_token: String(rt) }, client)

const api = (h: H, at: unknown, path: string = GOOGLE_PATHS.api) =>
  h.mock.fetch(`${ISSUER}${path}`, { headers: { authorization: `Bearer ${String(at)}` } })

async function expectDead(res: Response): Promise<void> {
  expect(res.status).toBe(400)
  expect(await res.json()).toEqual({
    error: 'invalid_grant',
    error_description: 'Token has been expired or revoked.',
  })
}

describe('google quirks', () => {
  it('every quirk id is tested in this file', () => {
    const text = readFileSync(new URL(import.meta.url), 'utf8')
    for (const q of googleQuirks) expect(text, q.id).toContain(`it('${q.id} `)
  })

  it('google.refresh-token-never-rotates (connectors.md §4 "Refresh response": RT is not rotated)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    for (let i = 0; i < 3; i++) {
      h.clock.advance(HOUR_MS)
      const res = await refresh(h, body['refresh_token'])
      expect(res.status).toBe(200)
      const refreshed = (await res.json()) as Json
      expect(refreshed).not.toHaveProperty('refresh_token')
      expect((await api(h, refreshed['access_token'])).status).toBe(200)
    }
  })

  it('google.refresh-token-on-first-consent-only (connectors.md §4: refresh_token only on first consent, or with prompt=consent)', async () => {
    const h = setup()
    const noPrompt = { extra: { prompt: null } }
    const first = await connect(h, 'ada', noPrompt)
    expect(first).toHaveProperty('refresh_token')
    const second = await connect(h, 'ada', noPrompt)
    expect(second).not.toHaveProperty('refresh_token')
    expect((await api(h, second['access_token'])).status).toBe(200)
    // The first refresh token is untouched by the re-consent, and it is still what the user's grant is.
    expect((await refresh(h, first['refresh_token'])).status).toBe(200)
    const truth = h.mock.control.grantTruth('ada', h.client.clientId)
    expect(truth.status).toBe('alive')
    h.clock.advance(183 * DAY_MS)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'refresh_idle_expired',
      ...(truth.status === 'alive' ? { familyId: truth.familyId } : {}),
    })
    const forced = await connect(h, 'ada', { extra: { prompt: 'select_account consent' } })
    expect(forced).toHaveProperty('refresh_token')
    // Another user's first consent is theirs.
    expect(await connect(h, 'bob', noPrompt)).toHaveProperty('refresh_token')
    // After the user removes the app, the next consent is a first consent again.
    h.mock.control.revokeGrant('ada', h.client.clientId, 'user')
    expect(await connect(h, 'ada', noPrompt)).toHaveProperty('refresh_token')
  })

  it('google.offline-access-required (connectors.md §4 "Authorize": access_type=offline needed for RT)', async () => {
    const h = setup()
    const online = await connect(h, 'ada', { extra: { access_type: null } })
    expect(online).not.toHaveProperty('refresh_token')
    expect(online['expires_in']).toBe(3599)
    expect(await connect(h, 'ada', { extra: { access_type: 'online' } })).not.toHaveProperty('refresh_token')
    expect(await connect(h, 'ada')).toHaveProperty('refresh_token')
  })

  it('google.access-token-shape (connectors.md Addendum: ya29., 1//0, expires_in 3599 number)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    expect(body['access_token']).toMatch(/^ya29\.at_\d+$/)
    expect(body['refresh_token']).toMatch(/^1\/\/0rt_\d+$/)
    expect(body['expires_in']).toBe(3599)
    expect(body['token_type']).toBe('Bearer')
    expect(body['scope']).toBe(SCOPES)
    expect(String(body['id_token'])).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(await connect(h, 'bob', { scope: GMAIL_READONLY_SCOPE })).not.toHaveProperty('id_token')
    // The access token lives one hour (less the second Google shaves off).
    h.clock.advance(3598 * 1000)
    expect((await api(h, body['access_token'])).status).toBe(200)
    h.clock.advance(2000)
    expect((await api(h, body['access_token'])).status).toBe(401)
    for (const value of [body['access_token'], body['refresh_token'], body['id_token']]) {
      const redacted = redactSecrets(String(value))
      expect(redacted).toContain('[redacted]')
      expect(redacted).not.toMatch(/(at|rt)_\d|eyJ/)
    }
  })

  it('google.unused-six-months (connectors.md §4 "RT stops working when": unused for 6 months)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    h.clock.advance(182 * DAY_MS)
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)
    h.clock.advance(183 * DAY_MS)
    await expectDead(await refresh(h, body['refresh_token']))
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      cause: 'refresh_idle_expired',
    })
    const off = setup({ unusedExpiry: false })
    const b = await connect(off, 'ada')
    off.clock.advance(400 * DAY_MS)
    expect((await refresh(off, b['refresh_token'])).status).toBe(200)
  })

  it('google.testing-mode-7-days (connectors.md §4 "Testing-mode expiry": External + Testing → 7 days)', async () => {
    const h = setup({ publishingStatus: 'testing' })
    const body = await connect(h, 'ada')
    for (let i = 0; i < 6; i++) {
      h.clock.advance(DAY_MS)
      expect((await refresh(h, body['refresh_token'])).status).toBe(200)
    }
    h.clock.advance(DAY_MS)
    await expectDead(await refresh(h, body['refresh_token']))
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      cause: 'refresh_absolute_expired',
    })
    // A new consent mints a fresh 7 days.
    expect((await refresh(h, (await connect(h, 'ada'))['refresh_token'])).status).toBe(200)
    for (const options of [
      { publishingStatus: 'production' as const },
      { publishingStatus: 'testing' as const, userType: 'internal' as const },
    ]) {
      const o = setup(options)
      const b = await connect(o, 'ada')
      o.clock.advance(8 * DAY_MS)
      expect((await refresh(o, b['refresh_token'])).status).toBe(200)
    }
  })

  it('google.testing-mode-spares-sign-in-scopes (connectors.md §4: unless scopes ⊆ {openid, email, profile})', async () => {
    const h = setup({ publishingStatus: 'testing' })
    const signIn = await connect(h, 'ada', { scope: 'openid email profile' })
    const gmail = await connect(h, 'bob', { scope: `openid ${GMAIL_READONLY_SCOPE}` })
    h.clock.advance(8 * DAY_MS)
    expect((await refresh(h, signIn['refresh_token'])).status).toBe(200)
    await expectDead(await refresh(h, gmail['refresh_token']))
  })

  it('google.live-token-limit-100 (connectors.md §4 "Live-RT limit": the 101st silently invalidates the oldest)', async () => {
    const h = setup()
    const tokens: unknown[] = []
    for (let i = 0; i < 101; i++) tokens.push((await connect(h, 'ada'))['refresh_token'])
    await expectDead(await refresh(h, tokens[0]))
    expect((await refresh(h, tokens[1])).status).toBe(200)
    expect((await refresh(h, tokens[100])).status).toBe(200)
    expect(
      h.mock.control.ledger().filter((e) => e.type === 'family_ended' && e.cause === 'evicted'),
    ).toHaveLength(1)
    const off = setup({ liveTokenLimit: false })
    const first = (await connect(off, 'ada'))['refresh_token']
    for (let i = 0; i < 100; i++) await connect(off, 'ada')
    expect((await refresh(off, first)).status).toBe(200)
  })

  it('google.password-change-revokes-gmail (connectors.md §4: password change and RT contains Gmail scopes)', async () => {
    const h = setup()
    const calendarApp = h.mock.control.createClient({ redirectUris: ['https://calendar.example.test/cb'] })
    const gmail = await connect(h, 'ada')
    const calendar = await connect(h, 'ada', { scope: `openid ${CALENDAR}`, client: calendarApp })
    const bob = await connect(h, 'bob')
    h.mock.google.changePassword('ada')
    await expectDead(await refresh(h, gmail['refresh_token']))
    expect((await refresh(h, calendar['refresh_token'], calendarApp)).status).toBe(200)
    expect((await refresh(h, bob['refresh_token'])).status).toBe(200)
  })

  it('google.invalid-rapt (connectors.md §4 "Workspace session control": invalid_grant with error_subtype invalid_rapt)', async () => {
    const h = setup({ reauthPolicyHours: 16 })
    const body = await connect(h, 'ada')
    h.clock.advance(15 * HOUR_MS)
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)
    h.clock.advance(HOUR_MS)
    const res = await refresh(h, body['refresh_token'])
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'reauth related error (invalid_rapt)',
      error_subtype: 'invalid_rapt',
    })
    // Reauthenticating (a new consent) works again.
    expect((await refresh(h, (await connect(h, 'ada'))['refresh_token'])).status).toBe(200)
    expect(() => setup({ reauthPolicyHours: 25 })).toThrow(/reauthPolicyHours/)
  })

  it('google.granular-consent (connectors.md §4 "Granular consent": scope is the granted subset)', async () => {
    const h = setup()
    h.mock.google.setUncheckedScopes('ada', [CALENDAR, GMAIL_READONLY_SCOPE])
    const body = await connect(h, 'ada')
    expect(body['scope']).toBe('openid email profile')
    const refreshed = (await (await refresh(h, body['refresh_token'])).json()) as Json
    expect(refreshed['scope']).toBe('openid email profile')
    const denied = await api(h, body['access_token'], GOOGLE_PATHS.gmail)
    expect(denied.status).toBe(403)
    // Sign-in scopes cannot be unticked; other users grant everything.
    expect(() => h.mock.google.setUncheckedScopes('ada', ['email'])).toThrow(/sign-in/)
    const bob = await connect(h, 'bob')
    expect(bob['scope']).toBe(SCOPES)
    expect((await api(h, bob['access_token'], GOOGLE_PATHS.gmail)).status).toBe(200)
    const all = setup({ uncheckedScopes: [CALENDAR] })
    expect((await connect(all, 'cy'))['scope']).toBe(`openid email profile ${GMAIL_READONLY_SCOPE}`)
  })

  it('google.wrong-secret-401-unauthorized (connectors.md §4 Error responses: 401 invalid_client "Unauthorized")', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    const res = await token(
      h,
      { grant_type: 'refresh_token', refresh_token: String(body['refresh_token']) },
      h.client,
      'nope',
    )
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' })
    h.mock.control.rotateClientSecret(h.client.clientId)
    expect((await refresh(h, body['refresh_token'])).status).toBe(401)
  })

  it('google.unknown-client-not-found (connectors.md Addendum: invalid_client "The OAuth client was not found.")', async () => {
    const h = setup()
    const res = await token(
      h,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { ...h.client, clientId: 'nobody' },
    )
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'The OAuth client was not found.',
    })
  })

  it('google.deleted-client (connectors.md §4 Error responses: 401 deleted_client "The OAuth client was deleted.")', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    h.mock.google.deleteClient(h.client.clientId)
    const res = await refresh(h, body['refresh_token'])
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: 'deleted_client',
      error_description: 'The OAuth client was deleted.',
    })
    const page = await h.mock.fetch(authorizeUrl(h, 'ada'), { redirect: 'manual' })
    expect(page.status).toBe(401)
    expect(page.headers.get('location')).toBeNull()
    expect(await page.text()).toContain('Error 401: deleted_client')
    h.mock.google.restoreClient(h.client.clientId)
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)
  })

  it('google.dead-refresh-token-message (connectors.md §4 Error responses: 400 invalid_grant "Token has been expired or revoked.")', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    await expectDead(await refresh(h, 'rt_999'))
    h.mock.control.revokeGrant('ada', h.client.clientId, 'user')
    await expectDead(await refresh(h, body['refresh_token']))
  })

  it('google.code-errors (connectors.md Addendum: "Malformed auth code." / "Bad Request")', async () => {
    const h = setup()
    const c = await code(h, 'ada')
    const params = {
      grant_type: 'authorization_code',
      code: c,
      redirect_uri: REDIRECT,
      code_verifier: verifier('ada'),
    }
    expect((await token(h, params)).status).toBe(200)
    const reused = await token(h, params)
    expect(reused.status).toBe(400)
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' })
    const unknown = await token(h, { ...params, code: 'code_404' })
    expect(await unknown.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Malformed auth code.',
    })
  })

  it('google.revoke-endpoint (connectors.md §4 "Revoke": AT or RT; an AT takes its paired RT; 400 invalid_token otherwise)', async () => {
    const h = setup()
    const body = await connect(h, 'ada')
    const revoke = (t: unknown) =>
      h.mock.fetch(`${ISSUER}${GOOGLE_PATHS.revoke}?token=${encodeURIComponent(String(t))}`, {
        method: 'POST',
      })
    expect((await revoke(body['access_token'])).status).toBe(200)
    await expectDead(await refresh(h, body['refresh_token']))
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ cause: 'revoked_by_client' })
    const again = await revoke(body['refresh_token'])
    expect(again.status).toBe(400)
    expect(((await again.json()) as Json)['error']).toBe('invalid_token')
    // The token in a form body works too, and a refresh token ends its grant.
    const bob = await connect(h, 'bob')
    const form = await h.mock.fetch(`${ISSUER}${GOOGLE_PATHS.revoke}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: new URLSearchParams({ token: String(bob['refresh_token']) }).toString(),
    })
    expect(form.status).toBe(200)
    expect((await api(h, bob['access_token'])).status).toBe(401)
    // An access token without a refresh token revokes only itself.
    const online = await connect(h, 'cy', { extra: { access_type: null } })
    expect((await revoke(online['access_token'])).status).toBe(200)
    expect((await api(h, online['access_token'])).status).toBe(401)
  })

  it('google.api-error-shapes (connectors.md §4 Error responses: 403 PERMISSION_DENIED; 401 status UNCONFIRMED → option)', async () => {
    const h = setup()
    const res = await api(h, 'ya29.bogus')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
    const body = (await res.json()) as { error: Json }
    expect(body.error['code']).toBe(401)
    expect(body.error['status']).toBe('UNAUTHENTICATED')
    expect(String(body.error['message'])).toMatch(/^Request had invalid authentication credentials/)
    const calendarOnly = await connect(h, 'ada', { scope: `openid ${CALENDAR}` })
    const forbidden = await api(h, calendarOnly['access_token'], GOOGLE_PATHS.gmail)
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect(await forbidden.json()).toEqual({
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        status: 'PERMISSION_DENIED',
      },
    })
    const omit = setup({ invalidTokenStatus: 'omit' })
    expect(((await (await api(omit, 'x')).json()) as { error: Json }).error).not.toHaveProperty('status')
  })

  it('google.admin-policy-enforced (connectors.md §4 Error responses: error page "Error 400: admin_policy_enforced")', async () => {
    const h = setup({ adminPolicyEnforced: true })
    const page = await h.mock.fetch(authorizeUrl(h, 'ada'), { redirect: 'manual' })
    expect(page.status).toBe(400)
    expect(page.headers.get('location')).toBeNull()
    expect(await page.text()).toContain('Error 400: admin_policy_enforced')
    h.mock.google.trustApp()
    const body = await connect(h, 'ada')
    // Restricting the app again ends existing grants and closes consent.
    h.mock.google.restrictApp()
    await expectDead(await refresh(h, body['refresh_token']))
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ cause: 'revoked_by_admin' })
    expect((await h.mock.fetch(authorizeUrl(h, 'ada'), { redirect: 'manual' })).status).toBe(400)
    expect(GOOGLE_APPROVAL_KEY).toBe(APP_APPROVAL_KEY)
    const fromPack = createGoogleMockFromInput({
      clock: new ManualClock(),
      ids: createSequentialIds(),
      issuer: ISSUER,
      approvalRequired: true,
    })
    const client = fromPack.control.createClient({ redirectUris: [REDIRECT] })
    expect(
      (await fromPack.fetch(authorizeUrl({ ...h, mock: fromPack, client }, 'ada'), { redirect: 'manual' }))
        .status,
    ).toBe(400)
    fromPack.control.approve(APP_APPROVAL_KEY)
    expect(
      (await fromPack.fetch(authorizeUrl({ ...h, mock: fromPack, client }, 'ada'), { redirect: 'manual' }))
        .status,
    ).toBe(302)
  })

  it('google.reconsent-revokes-previous (connectors.md §4 "Observed but contested" — UNCONFIRMED, option, default off)', async () => {
    const h = setup()
    const first = await connect(h, 'ada')
    await connect(h, 'ada')
    expect((await refresh(h, first['refresh_token'])).status).toBe(200)
    const on = setup({ reconsentRevokesPrevious: true })
    const a = await connect(on, 'ada')
    const b = await connect(on, 'ada')
    await expectDead(await refresh(on, a['refresh_token']))
    expect((await refresh(on, b['refresh_token'])).status).toBe(200)
    // A re-consent that mints no refresh token leaves the old one alone even then.
    await connect(on, 'ada', { extra: { prompt: null } })
    expect((await refresh(on, b['refresh_token'])).status).toBe(200)
  })

  it('google.time-based-access (connectors.md §4 "Time-based access" — UNCONFIRMED, option, default off)', async () => {
    const h = setup({ timeBasedAccessDays: 30 })
    const body = await connect(h, 'ada')
    expect(body['refresh_token_expires_in']).toBe(30 * 86400)
    h.clock.advance(29 * DAY_MS)
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)
    h.clock.advance(DAY_MS)
    await expectDead(await refresh(h, body['refresh_token']))
    expect(await connect(setup(), 'ada')).not.toHaveProperty('refresh_token_expires_in')
  })

  it('google.no-domain-wide-delegation (troubleshooting page, Google: no Domain-wide Delegation)', () => {
    const input = { clock: new ManualClock(), ids: createSequentialIds(), issuer: ISSUER }
    expect(() => createGoogleMockFromInput({ ...input, options: { domainWideDelegation: true } })).toThrow(
      /domain-wide delegation/,
    )
    expect(() =>
      createGoogleMockFromInput({ ...input, options: { domainWideDelegation: false } }),
    ).not.toThrow()
  })
})

describe('google factory input', () => {
  const base = () => ({ clock: new ManualClock(), ids: createSequentialIds(), issuer: ISSUER })

  it('accepts its pack options and refuses unknown ones, a policy and an instance', async () => {
    const mock = createGoogleMockFromInput({
      ...base(),
      options: { publishingStatus: 'testing', reauthPolicyHours: 8, uncheckedScopes: CALENDAR },
    })
    const client = mock.control.createClient({ redirectUris: [REDIRECT] })
    expect(client.policy.rotation).toBe(false)
    expect(() => createGoogleMockFromInput({ ...base(), options: { publishing: 'testing' } })).toThrow(
      /unknown pack option "publishing"/,
    )
    expect(() => createGoogleMockFromInput({ ...base(), options: { publishingStatus: 'beta' } })).toThrow(
      /publishingStatus/,
    )
    expect(() => createGoogleMockFromInput({ ...base(), options: { reauthPolicyHours: 48 } })).toThrow(
      /reauthPolicyHours/,
    )
    expect(() => createGoogleMockFromInput({ ...base(), options: { uncheckedScopes: 'openid' } })).toThrow(
      /uncheckedScopes/,
    )
    expect(() => createGoogleMockFromInput({ ...base(), policy: { refreshIdleTtlMs: DAY_MS } })).toThrow(
      /no refresh-token policy/,
    )
    expect(() => createGoogleMockFromInput({ ...base(), instance: 'x' })).toThrow(/no instance/)
    expect(() => mock.control.createClient({ redirectUris: [REDIRECT], policy: { rotation: true } })).toThrow(
      /no refresh-token policy/,
    )
  })
})

describe('google bad input', () => {
  it('never answers 500, and answers in Google shape', async () => {
    const h = setup()
    const cases: Array<[string, RequestInit, number]> = [
      [
        GOOGLE_PATHS.token,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
        400,
      ],
      [
        GOOGLE_PATHS.token,
        { method: 'POST', headers: { 'content-type': FORM }, body: 'grant_type=refresh_token' },
        400,
      ],
      [GOOGLE_PATHS.token, { method: 'POST', headers: { 'content-type': FORM }, body: 'a=1&a=2' }, 400],
      [GOOGLE_PATHS.token, { method: 'GET' }, 405],
      [GOOGLE_PATHS.revoke, { method: 'POST' }, 400],
      [GOOGLE_PATHS.revoke, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }, 400],
      [`${GOOGLE_PATHS.revoke}?token=`, { method: 'POST' }, 400],
      [`${GOOGLE_PATHS.authorize}?client_id=nobody`, { method: 'GET' }, 400],
      [GOOGLE_PATHS.api, { method: 'GET' }, 401],
      [GOOGLE_PATHS.gmail, { method: 'GET', headers: { authorization: 'Bearer' } }, 401],
      ['/nothing/here', { method: 'GET' }, 404],
    ]
    for (const [path, init, status] of cases) {
      const res = await h.mock.fetch(`${ISSUER}${path}`, { redirect: 'manual', ...init })
      expect(res.status, path).toBe(status)
    }
    const missing = await h.mock.fetch(`${ISSUER}${GOOGLE_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    expect(await missing.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Could not determine client ID from request.',
    })
  })

  it('keeps every secret out of requests() and ledger()', async () => {
    const h = setup({ publishingStatus: 'testing' })
    const body = await connect(h, 'ada')
    h.clock.advance(MINUTE_MS)
    await refresh(h, body['refresh_token'])
    await h.mock.fetch(`${ISSUER}${GOOGLE_PATHS.revoke}?token=${String(body['access_token'])}`, {
      method: 'POST',
    })
    const recorded = JSON.stringify([h.mock.requests(), h.mock.control.ledger()])
    for (const secret of [
      body['access_token'],
      body['refresh_token'],
      body['id_token'],
      h.client.clientSecret,
    ])
      expect(recorded).not.toContain(String(secret))
    expect(redactSecrets(recorded)).toBe(recorded)
  })
})

describe('google reset', () => {
  it('forgets deleted clients, unticked scopes and a restriction made after the mock was built', async () => {
    const h = setup()
    const fixed = { clientId: 'fixed-client', redirectUris: [REDIRECT] }
    const client = h.mock.control.createClient(fixed)
    h.mock.google.deleteClient(client.clientId)
    h.mock.google.setUncheckedScopes('ada', [CALENDAR])
    h.mock.google.restrictApp()
    h.mock.reset()
    // A new client under the same id, on a mock as its factory left it: consent is open and full.
    const again = h.mock.control.createClient(fixed)
    const body = await connect({ ...h, client: again }, 'ada')
    expect(String(body['scope']).split(' ')).toContain(CALENDAR)
  })

  it('keeps a restriction its options made', async () => {
    const h = setup({ adminPolicyEnforced: true })
    h.mock.reset()
    const client = h.mock.control.createClient({ redirectUris: [REDIRECT] })
    expect((await h.mock.fetch(authorizeUrl({ ...h, client }, 'ada'), { redirect: 'manual' })).status).toBe(
      400,
    )
  })
})

import { jwtVerify } from 'jose'
/**
 * The Jira (Atlassian 3LO) mock, one test per quirk in mocks/jira/quirks.ts, each named after its id
 * and citing its connectors.md row. Everything goes through the mock's fetch with real Requests.
 */
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS, ManualClock } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { redactSecrets } from '../../src/redact.ts'
import { APP_APPROVAL_KEY } from '../../src/world/mock-registry.ts'
import { s256Challenge } from '../spec/pkce.ts'
import type { ClientRecordView } from '../types.ts'
import {
  JIRA_PATHS,
  type JiraMock,
  type JiraMockOptions,
  cloudIdFor,
  createJiraMock,
  createJiraMockFromInput,
} from './index.ts'
import { jiraQuirks } from './quirks.ts'

const ISSUER = 'http://jira.mock'
const REDIRECT_URI = 'https://app.example.test/oauth/callback/jira'
const SCOPES = 'read:jira-work read:jira-user offline_access'

interface Harness {
  mock: JiraMock
  clock: ManualClock
  client: ClientRecordView
}

function setup(options: Partial<JiraMockOptions> = {}): Harness {
  const clock = new ManualClock()
  const mock = createJiraMock({ clock, ids: createSequentialIds(), issuer: ISSUER, ...options })
  const client = mock.control.createClient({ redirectUris: [REDIRECT_URI] })
  return { mock, clock, client }
}

const verifierFor = (login: string) => `verifier-${login}-${'x'.repeat(43)}`.slice(0, 64)

function authorizeUrl(h: Harness, login: string, extra: Record<string, string> = {}): string {
  const url = new URL(`${ISSUER}${JIRA_PATHS.authorize}`)
  const params: Record<string, string> = {
    audience: 'api.atlassian.com',
    client_id: h.client.clientId,
    scope: SCOPES,
    redirect_uri: REDIRECT_URI,
    state: 'state-1',
    response_type: 'code',
    prompt: 'consent',
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
  const location = res.headers.get('location')
  if (res.status !== 302 || location === null) throw new Error(`authorize answered ${res.status}`)
  const code = new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`no code in ${location}`)
  return code
}

async function tokenJson(h: Harness, body: Record<string, string>, secret = h.client.clientSecret) {
  return h.mock.fetch(`${ISSUER}${JIRA_PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: h.client.clientId, client_secret: secret, ...body }),
  })
}

async function exchange(h: Harness, code: string, login: string, secret?: string) {
  return tokenJson(
    h,
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifierFor(login) },
    secret,
  )
}

interface TokenBody {
  access_token: string
  refresh_token?: string
  expires_in?: number
  token_type?: string
  scope?: string
}

async function connect(h: Harness, login: string, extra: Record<string, string> = {}): Promise<TokenBody> {
  const res = await exchange(h, await obtainCode(h, login, extra), login)
  if (res.status !== 200) throw new Error(`exchange answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as TokenBody
}

async function refresh(h: Harness, refreshToken: string, secret?: string) {
  return tokenJson(h, { grant_type: 'refresh_token', refresh_token: refreshToken }, secret)
}

async function refreshOk(h: Harness, refreshToken: string): Promise<TokenBody> {
  const res = await refresh(h, refreshToken)
  if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as TokenBody
}

async function resources(h: Harness, accessToken: string): Promise<Response> {
  return h.mock.fetch(`${ISSUER}${JIRA_PATHS.accessibleResources}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  })
}

async function myself(h: Harness, accessToken: string, cloudId = cloudIdFor('acme')): Promise<Response> {
  return h.mock.fetch(`${ISSUER}/ex/jira/${cloudId}/rest/api/3/myself`, {
    headers: { authorization: `Bearer ${accessToken}` },
  })
}

const DEAD_RT_OBSERVED = { error: 'unauthorized_client', error_description: 'refresh_token is invalid' }

describe('jira mock quirks', () => {
  it('jira.json-token-body (connectors.md §1 "Token | POST …/oauth/token, JSON body"; addendum: accept form too)', async () => {
    // Default changed to json-or-form: the addendum says public clients post forms to the real endpoint.
    const h = setup({ tokenBody: 'json' })
    const code = await obtainCode(h, 'ada')
    const form = await h.mock.fetch(`${ISSUER}${JIRA_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifierFor('ada'),
      }).toString(),
    })
    expect(form.status).toBe(400)
    expect(await form.json()).toMatchObject({ error: 'invalid_request' })
    // The same request as JSON works, and the code was not consumed by the refusal.
    expect((await exchange(h, code, 'ada')).status).toBe(200)

    const lenient = setup({ tokenBody: 'json-or-form' })
    const code2 = await obtainCode(lenient, 'ada')
    const viaForm = await lenient.mock.fetch(`${ISSUER}${JIRA_PATHS.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: lenient.client.clientId,
        client_secret: lenient.client.clientSecret,
        code: code2,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifierFor('ada'),
      }).toString(),
    })
    expect(viaForm.status).toBe(200)
  })

  it('jira.authorize-audience (connectors.md §1 "Authorize | …?audience=api.atlassian.com…")', async () => {
    const h = setup()
    for (const audience of ['', 'api.example.com']) {
      const res = await authorize(h, 'ada', { audience })
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toContain('text/html')
      expect(await res.text()).toContain('audience')
    }
    expect((await authorize(h, 'ada')).status).toBe(302)
  })

  it('jira.offline-access-for-refresh-token (connectors.md §1 "RT issued only if | offline_access is in the authorize scope")', async () => {
    const h = setup()
    const without = await connect(h, 'ada', { scope: 'read:jira-work read:jira-user' })
    expect(without.refresh_token).toBeUndefined()
    expect(without.access_token).toEqual(expect.any(String))
    const withOffline = await connect(h, 'bob')
    expect(withOffline.refresh_token).toEqual(expect.any(String))
    expect(withOffline.scope).toBe(SCOPES)
  })

  it('jira.rotating-refresh-tokens (connectors.md §1 "RT rotation | Always rotating")', async () => {
    const h = setup()
    const first = await connect(h, 'ada')
    const second = await refreshOk(h, first.refresh_token!)
    const third = await refreshOk(h, second.refresh_token!)
    expect(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size).toBe(3)
    expect(third.expires_in).toBe(3600)
    // A custom app cannot change Atlassian's lifetimes.
    expect(() =>
      createJiraMockFromInput({
        clock: new ManualClock(),
        ids: createSequentialIds(),
        issuer: ISSUER,
        policy: { rotation: false },
      }),
    ).toThrow(/policy\.rotation cannot be changed/)
    expect(() =>
      createJiraMockFromInput({
        clock: new ManualClock(),
        ids: createSequentialIds(),
        issuer: ISSUER,
        policy: { refreshIdleTtlMs: 7 * DAY_MS },
      }),
    ).toThrow(/policy\.refreshIdleTtlMs/)
  })

  it('jira.reuse-leeway-10-minutes (connectors.md §1 "Reuse leeway | 10 minutes")', async () => {
    const h = setup()
    const first = await connect(h, 'ada')
    const second = await refreshOk(h, first.refresh_token!)
    h.clock.advance(9 * MINUTE_MS)
    // The retired token still works inside the leeway and returns a new pair.
    const again = await refreshOk(h, first.refresh_token!)
    expect(again.refresh_token).not.toBe(second.refresh_token)
    expect(again.refresh_token).not.toBe(first.refresh_token)
    expect((await resources(h, again.access_token)).status).toBe(200)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
    // The newest pair carries on.
    expect((await refresh(h, again.refresh_token!)).status).toBe(200)
    const ledger = h.mock.control.ledger().filter((e) => e.type === 'refresh')
    expect(ledger.map((e) => e.type === 'refresh' && e.presented)).toEqual([
      'current',
      'retired_within_leeway',
      'current',
    ])
  })

  it('jira.reuse-after-leeway-revokes-family (connectors.md §1 "Reuse leeway | … outside it, all RTs of the family are invalidated")', async () => {
    const h = setup()
    const first = await connect(h, 'ada')
    const second = await refreshOk(h, first.refresh_token!)
    h.clock.advance(10 * MINUTE_MS)
    const reuse = await refresh(h, first.refresh_token!)
    expect(reuse.status).toBe(403)
    expect(await reuse.json()).toEqual(DEAD_RT_OBSERVED)
    // The whole family is gone: the current refresh token and its access token too.
    const current = await refresh(h, second.refresh_token!)
    expect(current.status).toBe(403)
    expect((await resources(h, second.access_token)).status).toBe(401)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'reuse_detected',
    })
  })

  it('jira.idle-expiry-90-days (connectors.md §1 "RT inactivity expiry | 90 days; reset on every successful refresh")', async () => {
    const h = setup()
    let tokens = await connect(h, 'ada')
    // Refreshing every 89 days keeps the family alive well past 90 days...
    for (let i = 0; i < 3; i++) {
      h.clock.advance(89 * DAY_MS)
      tokens = await refreshOk(h, tokens.refresh_token!)
    }
    // ...and 90 idle days end it.
    h.clock.advance(90 * DAY_MS)
    const res = await refresh(h, tokens.refresh_token!)
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual(DEAD_RT_OBSERVED)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'refresh_idle_expired',
    })
  })

  it('jira.absolute-expiry-365-days (connectors.md §1 "RT absolute expiry | 365 days from the first grant")', async () => {
    const h = setup()
    let tokens = await connect(h, 'ada')
    for (let day = 30; day < 365; day += 30) {
      h.clock.advance(30 * DAY_MS)
      tokens = await refreshOk(h, tokens.refresh_token!)
    }
    // Day 360: the last refresh. Its access token is cut at day 365, not at 361.
    expect(tokens.expires_in).toBe(3600)
    h.clock.advance(4 * DAY_MS + 23 * HOUR_MS + 30 * MINUTE_MS)
    const last = await refreshOk(h, tokens.refresh_token!)
    expect(last.expires_in).toBe(30 * 60)
    h.clock.advance(30 * MINUTE_MS)
    expect((await refresh(h, last.refresh_token!)).status).toBe(403)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'refresh_absolute_expired',
    })
  })

  it('jira.early-rollout-refresh-lifetime (connectors.md §1 "History quirk | Early rollout issued RTs with a 30-day life")', async () => {
    const h = setup({ refreshTokenEra: 'early-rollout' })
    let tokens = await connect(h, 'ada')
    for (let day = 1; day < 30; day++) {
      h.clock.advance(DAY_MS)
      tokens = await refreshOk(h, tokens.refresh_token!)
    }
    h.clock.advance(DAY_MS)
    expect((await refresh(h, tokens.refresh_token!)).status).toBe(403)
    // The 3-second leeway of that era.
    const fresh = await connect(h, 'bob')
    await refreshOk(h, fresh.refresh_token!)
    h.clock.advance(3000)
    expect((await refresh(h, fresh.refresh_token!)).status).toBe(403)
    expect(h.mock.control.grantTruth('bob', h.client.clientId)).toMatchObject({ cause: 'reuse_detected' })
  })

  it('jira.refresh-failure-unauthorized-client (connectors.md §1 Error responses, "Observed … 403 unauthorized_client" / "Documented … 403 invalid_grant")', async () => {
    const observed = setup()
    const unknown = await refresh(observed, 'rt_999')
    expect(unknown.status).toBe(403)
    expect(unknown.headers.get('cache-control')).toBe('no-store')
    expect(await unknown.json()).toEqual(DEAD_RT_OBSERVED)
    const tokens = await connect(observed, 'ada')
    observed.mock.control.revokeGrant('ada', observed.client.clientId, 'user')
    const revoked = await refresh(observed, tokens.refresh_token!)
    expect(revoked.status).toBe(403)
    expect(await revoked.json()).toEqual(DEAD_RT_OBSERVED)

    const documented = setup({ refreshFailureShape: 'documented' })
    const res = await refresh(documented, 'rt_999')
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
    })
  })

  it('jira.wrong-secret-access-denied (connectors.md §1 Error responses, "Wrong client secret | 401 | access_denied")', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada')
    const secret = h.mock.control.rotateClientSecret(h.client.clientId)
    const res = await refresh(h, tokens.refresh_token!)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(await res.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' })
    // The grant survived: with the new secret the same refresh token works.
    expect((await refresh(h, tokens.refresh_token!, secret)).status).toBe(200)

    const rfc = setup({ clientAuthFailureShape: 'invalid_client' })
    const rfcTokens = await connect(rfc, 'ada')
    const bad = await refresh(rfc, rfcTokens.refresh_token!, 'secret_wrong')
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('jira.bad-code-invalid-request (connectors.md Addendum, Atlassian "Bad or used code: 400 invalid_request")', async () => {
    const h = setup()
    const bogus = await exchange(h, 'code_999', 'ada')
    expect(bogus.status).toBe(400)
    expect(await bogus.json()).toEqual({
      error: 'invalid_request',
      error_description: 'authorization_code is invalid',
    })
    const code = await obtainCode(h, 'ada')
    expect((await exchange(h, code, 'ada')).status).toBe(200)
    const used = await exchange(h, code, 'ada')
    expect(used.status).toBe(400)
    expect(await used.json()).toMatchObject({ error: 'invalid_request' })

    const legacy = setup({ codeFailureShape: 'legacy' })
    const old = await exchange(legacy, 'code_999', 'ada')
    expect(old.status).toBe(403)
    expect(await old.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid authorization code',
    })
  })

  it('jira.token-type-observed (connectors.md §1 "Token response fields | … Obs: also token_type")', async () => {
    const observed = await connect(setup(), 'ada')
    expect(observed.token_type).toBe('Bearer')
    const documented = setup({ tokenType: 'omitted' })
    const tokens = await connect(documented, 'ada')
    expect(tokens).not.toHaveProperty('token_type')
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope'])
    expect(await refreshOk(documented, tokens.refresh_token!)).not.toHaveProperty('token_type')
  })

  it('jira.jwt-access-token (connectors.md Addendum, Atlassian "expires_in 3600, space-separated scopes, JWT access token")', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada')
    const segments = tokens.access_token.split('.')
    expect(segments).toHaveLength(3)
    expect(segments[0]!.startsWith('eyJ')).toBe(true)
    expect(JSON.parse(Buffer.from(segments[1]!, 'base64url').toString('utf8'))).toMatchObject({
      aud: 'api.atlassian.com',
    })
    expect(tokens.expires_in).toBe(3600)
    expect(tokens.scope).toBe('read:jira-work read:jira-user offline_access')
    expect(redactSecrets(tokens.access_token)).not.toContain(segments[2])
    // A real signature: jose verifies it with the mock's key, and the jti is the minted id.
    const { payload } = await jwtVerify(tokens.access_token, h.mock.signer.verificationKey(), {
      audience: 'api.atlassian.com',
      currentDate: new Date(h.mock.clock.now()),
    })
    expect(payload.sub).toBe('ada')
    expect(typeof payload.jti).toBe('string')
  })

  it('jira.omitted-refresh-token (connectors.md §1 "refresh_token occasionally missing from a refresh response")', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada')
    // Never on its own...
    expect((await refreshOk(h, tokens.refresh_token!)).refresh_token).toBeDefined()
    // ...only when scheduled.
    h.mock.control.injectFault({
      endpoint: 'token',
      grantType: 'refresh_token',
      fault: { kind: 'omit_refresh_token' },
      times: 1,
    })
    const latest = h.mock.store.getFamily(
      h.mock.control.grantTruth('ada', h.client.clientId).status === 'alive'
        ? (h.mock.control.grantTruth('ada', h.client.clientId) as { familyId: string }).familyId
        : '',
    )!.currentRefreshToken!
    const res = await refreshOk(h, latest)
    expect(res).not.toHaveProperty('refresh_token')
    expect(res.access_token).toEqual(expect.any(String))
    // The source still rotated: the token sent is retired, so it works only inside the leeway.
    const ledger = h.mock.control.ledger().filter((e) => e.type === 'refresh')
    expect(ledger.at(-1)).toMatchObject({ result: 'issued', fault: 'omit_refresh_token' })
    h.clock.advance(11 * MINUTE_MS)
    expect((await refresh(h, latest)).status).toBe(403)
  })

  it('jira.site-admin-approval-gate (connectors.md §1 "Non-admin user, app not approved for the site | Consent screen blocks")', async () => {
    const h = setup({ approvalRequired: true })
    const blocked = await authorize(h, 'ada')
    expect(blocked.status).toBe(403)
    expect(blocked.headers.get('location')).toBeNull()
    expect(await blocked.text()).toContain(
      'Your site admin must authorize this app for the site acme.atlassian.net before the app can access your account.',
    )
    expect(h.mock.control.ledger()).toEqual([])
    h.mock.control.approve(APP_APPROVAL_KEY)
    const tokens = await connect(h, 'ada')
    expect(tokens.access_token).toEqual(expect.any(String))
    // Without the option there is no gate at all.
    expect((await authorize(setup(), 'ada')).status).toBe(302)
  })

  it('jira.accessible-resources-lists-all-sites (connectors.md §1 "Site discovery | … accessible-resources")', async () => {
    const h = setup({ extraSites: ['beta'] })
    const tokens = await connect(h, 'ada')
    const one = await resources(h, tokens.access_token)
    expect(one.status).toBe(200)
    expect(await one.json()).toEqual([
      {
        id: cloudIdFor('acme'),
        name: 'acme',
        url: 'https://acme.atlassian.net',
        scopes: ['read:jira-work', 'read:jira-user', 'offline_access'],
        avatarUrl: expect.stringContaining('acme'),
      },
    ])
    h.mock.sites.consent('ada', h.client.clientId, 'beta')
    const two = (await (await resources(h, tokens.access_token)).json()) as Array<{
      name: string
      id: string
    }>
    expect(two.map((s) => s.name)).toEqual(['acme', 'beta'])
    expect(two[1]!.id).toBe(cloudIdFor('beta'))
    // Another teammate's grant lists only their own sites.
    const bob = await connect(h, 'bob')
    expect(((await (await resources(h, bob.access_token)).json()) as unknown[]).length).toBe(1)
    // A test can add sites to the organisation on the fly.
    h.mock.sites.add('gamma')
    expect(h.mock.sites.list().map((s) => s.name)).toEqual(['acme', 'beta', 'gamma'])
  })

  it('jira.one-grant-reaches-all-sites (connectors.md §1 "Grants per account | … existing tokens reach all consented sites")', async () => {
    const h = setup({ extraSites: ['beta'] })
    const tokens = await connect(h, 'ada')
    expect((await myself(h, tokens.access_token, cloudIdFor('beta'))).status).toBe(401)
    // The teammate consents to beta later: the token minted before reaches it now.
    h.mock.sites.consent('ada', h.client.clientId, 'beta')
    const res = await myself(h, tokens.access_token, cloudIdFor('beta'))
    expect(res.status).toBe(200)
    const scopes = (await (await resources(h, tokens.access_token)).json()) as Array<{ scopes: string[] }>
    expect(scopes.map((s) => s.scopes)).toEqual([
      ['read:jira-work', 'read:jira-user', 'offline_access'],
      ['read:jira-work', 'read:jira-user', 'offline_access'],
    ])
  })

  it('jira.access-type (connectors.md §1 "Access type (newer console) | Resource-level vs Account-level … UNCONFIRMED")', async () => {
    const resource = setup({ extraSites: ['beta', 'gamma'] })
    const r = await connect(resource, 'ada')
    expect(((await (await resources(resource, r.access_token)).json()) as unknown[]).length).toBe(1)
    const account = setup({ extraSites: ['beta', 'gamma'], accessType: 'account-level' })
    const a = await connect(account, 'ada')
    const sites = (await (await resources(account, a.access_token)).json()) as Array<{ name: string }>
    expect(sites.map((s) => s.name)).toEqual(['acme', 'beta', 'gamma'])
  })

  it('jira.api-via-cloud-id (connectors.md §1 "API base | …/ex/jira/{cloudId}/rest/…"; "Expired/invalid AT | 401")', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada')
    const ok = await myself(h, tokens.access_token)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ displayName: 'ada', active: true })
    expect((await myself(h, tokens.access_token, 'no-such-cloud')).status).toBe(404)
    h.clock.advance(HOUR_MS)
    const expired = await myself(h, tokens.access_token)
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({ code: 401, message: 'Unauthorized' })
    expect((await resources(h, tokens.access_token)).status).toBe(401)
    expect(h.mock.requests().filter((r) => r.endpoint === 'api')).toHaveLength(4)
  })

  it('jira.scope-mismatch-401 (connectors.md §1 "Token lacks scope for endpoint | 401 Unauthorized; scope does not match")', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada', { scope: 'read:jira-work offline_access' })
    const res = await myself(h, tokens.access_token)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' })
  })

  it('jira.no-revocation-endpoint (connectors.md §1 "Revoke endpoint | None documented for 3LO")', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada')
    for (const path of ['/revoke', '/oauth/revoke']) {
      const res = await h.mock.fetch(`${ISSUER}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: tokens.refresh_token }),
      })
      expect(res.status).toBe(404)
    }
    // Revocation happens in the source's UI (the control surface), by the user or an admin.
    h.mock.control.revokeGrant('ada', h.client.clientId, 'admin')
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ cause: 'revoked_by_admin' })
    expect((await resources(h, tokens.access_token)).status).toBe(401)
  })

  it('jira.cloud-only (troubleshooting page, Jira: "Jira Data Center (on-premises) isn\'t supported")', () => {
    const input = { clock: new ManualClock(), ids: createSequentialIds(), issuer: ISSUER }
    expect(() => createJiraMockFromInput({ ...input, options: { deployment: 'data_center' } })).toThrow(
      /deployment.*Data Center.*not supported/,
    )
    expect(() => createJiraMockFromInput({ ...input, options: { deployment: 'server' } })).toThrow(
      /deployment must be "cloud"/,
    )
    expect(createJiraMockFromInput({ ...input, options: { deployment: 'cloud' } }).provider).toBe('jira')
  })
})

describe('jira mock, beyond the quirks', () => {
  it('has a test for every quirk id', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync(new URL(import.meta.url), 'utf8'))
    for (const quirk of jiraQuirks) expect(source).toContain(`it('${quirk.id} (`)
  })

  it('the factory maps instance, options and approval, and refuses unknown or bad options by name', async () => {
    const input = { clock: new ManualClock(), ids: createSequentialIds(), issuer: ISSUER }
    const mock = createJiraMockFromInput({
      ...input,
      instance: 'initech',
      options: { extraSites: 'beta, gamma', refreshFailureShape: 'documented', accessType: 'account-level' },
      approvalRequired: true,
    })
    expect(mock.sites.primary.name).toBe('initech')
    expect(mock.sites.list().map((s) => s.name)).toEqual(['initech', 'beta', 'gamma'])
    expect(() => createJiraMockFromInput({ ...input, options: { rotation: false } })).toThrow(
      /unknown pack option "rotation"/,
    )
    expect(() => createJiraMockFromInput({ ...input, options: { refreshFailureShape: 'loud' } })).toThrow(
      /refreshFailureShape must be one of "observed", "documented"/,
    )
    expect(() => createJiraMockFromInput({ ...input, options: { tokenBody: true } })).toThrow(/tokenBody/)
    expect(() => createJiraMockFromInput({ ...input, instance: 'Acme Corp' })).toThrow(/site "Acme Corp"/)
    expect(() => createJiraMockFromInput({ ...input, options: { extraSites: 3 } })).toThrow(/extraSites/)
    // A policy that restates Atlassian's is fine.
    expect(() =>
      createJiraMockFromInput({ ...input, policy: { rotation: true, refreshAbsoluteTtlMs: 365 * DAY_MS } }),
    ).not.toThrow()
  })

  it('bad input to every endpoint answers in Atlassian shape, never a 500', async () => {
    const h = setup()
    const post = (body: string, type = 'application/json') =>
      h.mock.fetch(`${ISSUER}${JIRA_PATHS.token}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      })
    const cases: Array<[Response, number]> = [
      [await post('{not json'), 400],
      [await post('[1,2]'), 400],
      [await post('{"grant_type":3}'), 400],
      [await post('{}'), 400],
      [await post(JSON.stringify({ grant_type: 'password' })), 400],
      [await post(JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' })), 401],
      [await post('grant_type=refresh_token', 'text/plain'), 400],
      [
        await post(
          JSON.stringify({
            grant_type: 'refresh_token',
            client_id: h.client.clientId,
            client_secret: h.client.clientSecret,
          }),
        ),
        400,
      ],
      [await h.mock.fetch(`${ISSUER}${JIRA_PATHS.token}`), 405],
      [await h.mock.fetch(`${ISSUER}${JIRA_PATHS.accessibleResources}`), 401],
      [
        await h.mock.fetch(`${ISSUER}${JIRA_PATHS.accessibleResources}`, {
          headers: { authorization: 'Bearer' },
        }),
        401,
      ],
      [
        await h.mock.fetch(`${ISSUER}/ex/jira/x/rest/api/3/myself`, {
          headers: { authorization: 'Basic abc' },
        }),
        401,
      ],
      [await h.mock.fetch(`${ISSUER}/nowhere`), 404],
      [await h.mock.fetch(`${ISSUER}/.well-known/oauth-authorization-server`), 404],
    ]
    for (const [res, status] of cases) {
      expect(res.status).toBe(status)
      const text = await res.text()
      expect(() => JSON.parse(text)).not.toThrow()
    }
    const authorizeCases = [
      authorizeUrl(h, 'ada', { client_id: 'nobody' }),
      authorizeUrl(h, 'ada', { redirect_uri: 'https://evil.example/cb' }),
      `${ISSUER}${JIRA_PATHS.authorize}`,
    ]
    for (const url of authorizeCases) {
      const res = await h.mock.fetch(url, { redirect: 'manual' })
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toContain('text/html')
    }
    expect(h.mock.requests().every((r) => r.status < 500)).toBe(true)
  })

  it('no secret value appears in requests() or ledger()', async () => {
    const h = setup()
    const tokens = await connect(h, 'ada')
    const next = await refreshOk(h, tokens.refresh_token!)
    await resources(h, next.access_token)
    await myself(h, next.access_token)
    await refresh(h, tokens.refresh_token!, 'secret_wrong')
    const secrets = [h.client.clientSecret, tokens.access_token, tokens.refresh_token!, next.refresh_token!]
    const recorded = JSON.stringify([h.mock.requests(), h.mock.control.ledger()])
    for (const secret of secrets) expect(recorded).not.toContain(secret)
    expect(redactSecrets(recorded)).toBe(recorded)
  })
})

describe('jira reset', () => {
  it('forgets consents and sites added after the mock was built, keeps the ones it was built with', () => {
    const h = setup({ extraSites: ['beta'] })
    h.mock.sites.add('gamma')
    h.mock.sites.consent('ada', h.client.clientId, 'beta')
    h.mock.reset()
    expect(h.mock.sites.list().map((s) => s.name)).toEqual(['acme', 'beta'])
    expect(h.mock.sites.consented('ada', h.client.clientId)).toEqual([])
  })
})

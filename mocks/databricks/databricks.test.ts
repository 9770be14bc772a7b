import { jwtVerify } from 'jose'
/**
 * The Databricks mock, quirk by quirk: each test is named after a quirk id in
 * mocks/databricks/quirks.ts and cites its connectors.md row. Everything goes through the mock's fetch.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS, ManualClock } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { redactSecrets } from '../../src/redact.ts'
import { s256Challenge } from '../spec/pkce.ts'
import type { ClientRecordView, TokenPolicy } from '../types.ts'
import {
  DATABRICKS_PATHS,
  type DatabricksMock,
  type DatabricksMockOptions,
  createDatabricksMock,
  createDatabricksMockFromInput,
  databricksTokenAccessPolicy,
} from './index.ts'
import { databricksQuirks } from './quirks.ts'

const REDIRECT = 'https://app.example.test/oauth/callback'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

interface H {
  mock: DatabricksMock
  clock: ManualClock
  client: ClientRecordView
}

function setup(
  options: Partial<Omit<DatabricksMockOptions, 'clock' | 'ids'>> = {},
  clientPolicy?: Partial<TokenPolicy>,
): H {
  const clock = new ManualClock()
  const mock = createDatabricksMock({ clock, ids: createSequentialIds(), ...options })
  const client = mock.control.createClient({
    redirectUris: [REDIRECT],
    ...(clientPolicy ? { policy: clientPolicy } : {}),
  })
  return { mock, clock, client }
}

const verifierOf = (login: string): string => `verifier-${login}-${'v'.repeat(48)}`.slice(0, 64)
type Json = Record<string, unknown>

function basic(h: H, secret = h.client.clientSecret): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(h.client.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`
}

async function obtainCode(h: H, login: string, scope: string): Promise<string> {
  const url = new URL(`${h.mock.issuer}${DATABRICKS_PATHS.authorize}`)
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

async function tokenRequest(h: H, params: Record<string, string>, secret?: string): Promise<Response> {
  return h.mock.fetch(`${h.mock.issuer}${DATABRICKS_PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(h, secret) },
    body: new URLSearchParams(params).toString(),
  })
}

async function connect(h: H, login: string, scope = 'all-apis offline_access'): Promise<Json> {
  const code = await obtainCode(h, login, scope)
  const res = await tokenRequest(h, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifierOf(login),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as Json
}

async function refresh(h: H, refreshToken: unknown, secret?: string): Promise<Response> {
  return tokenRequest(h, { grant_type: 'refresh_token', refresh_token: String(refreshToken) }, secret)
}

async function me(h: H, accessToken: unknown): Promise<Response> {
  return h.mock.fetch(`${h.mock.issuer}${DATABRICKS_PATHS.api}`, {
    headers: { authorization: `Bearer ${String(accessToken)}` },
  })
}

async function apiStatus(h: H, accessToken: unknown): Promise<number> {
  const res = await me(h, accessToken)
  await res.body?.cancel()
  return res.status
}

const truth = (h: H, login = 'alice') => h.mock.control.grantTruth(login, h.client.clientId)

describe('databricks quirks', () => {
  it('databricks.workspace-oidc-endpoints (connectors.md §6 "Workspace endpoints | https://{workspace-host}/oidc/v1/authorize, /oidc/v1/token")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    const res = await me(h, body['access_token'])
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ userName: 'alice@example.com', active: true })
    for (const path of ['/authorize', '/token', '/api/me']) {
      const miss = await h.mock.fetch(`${h.mock.issuer}${path}`)
      expect(miss.status, path).toBe(404)
    }
  })

  it('databricks.oidc-discovery (connectors.md §6 "discovery /oidc/.well-known/openid-configuration (CLI reads /oidc/.well-known/oauth-authorization-server)")', async () => {
    const h = setup({ issuer: 'http://dbc-1234.databricks.mock' })
    for (const path of [DATABRICKS_PATHS.metadata, DATABRICKS_PATHS.openidConfiguration]) {
      const res = await h.mock.fetch(`${h.mock.issuer}${path}`)
      expect(res.status, path).toBe(200)
      const doc = (await res.json()) as Json
      expect(doc, path).toMatchObject({
        issuer: 'http://dbc-1234.databricks.mock/oidc',
        authorization_endpoint: 'http://dbc-1234.databricks.mock/oidc/v1/authorize',
        token_endpoint: 'http://dbc-1234.databricks.mock/oidc/v1/token',
        code_challenge_methods_supported: ['S256'],
      })
      expect(doc['scopes_supported']).toEqual(expect.arrayContaining(['all-apis', 'offline_access']))
      expect(doc).not.toHaveProperty('revocation_endpoint')
    }
    expect(h.mock.requests().map((r) => r.endpoint)).toEqual(['metadata', 'metadata'])
    // RFC 8414's own location for this issuer is not served.
    expect((await h.mock.fetch(`${h.mock.issuer}/.well-known/oauth-authorization-server`)).status).toBe(404)
  })

  it('databricks.ttl-policy-ranges (connectors.md §6 "access_token_ttl_in_minutes | API range 5–1440", "refresh_token_ttl_in_minutes | API range 5–129600 (90 d); must be ≥ AT TTL")', () => {
    const make = (p: Parameters<typeof databricksTokenAccessPolicy>[0]) => {
      const { policy, options } = databricksTokenAccessPolicy(p)
      return () => setup(options, policy)
    }
    expect(make({ accessTokenTtlInMinutes: 4 })).toThrow(
      /access_token_ttl_in_minutes\) must be between 5 and 1440/,
    )
    // Through the control surface the refusal is a ControlError (what /_lab answers 400 with), same message.
    expect(make({ accessTokenTtlInMinutes: 1441 })).toThrow(/access_token_ttl_in_minutes\) must be between/)
    expect(make({ refreshTokenTtlInMinutes: 4 })).toThrow(
      /refresh_token_ttl_in_minutes\) must be between 5 minutes and 90 days/,
    )
    expect(make({ refreshTokenTtlInMinutes: 129_601 })).toThrow(/refresh_token_ttl_in_minutes/)
    expect(make({ accessTokenTtlInMinutes: 120, refreshTokenTtlInMinutes: 60 })).toThrow(
      /must not be shorter than the access token TTL/,
    )
    expect(
      make({
        enableSingleUseRefreshTokens: true,
        accessTokenTtlInMinutes: 120,
        refreshTokenTtlInMinutes: 60,
      }),
    ).toThrow(/refreshIdleTtlMs \(refresh_token_ttl_in_minutes\)/)
    expect(() => databricksTokenAccessPolicy({ absoluteSessionLifetimeInMinutes: 60 })).toThrow(
      /only with enable_single_use_refresh_tokens/,
    )
    expect(() => setup({}, { rotation: true })).toThrow(/contradicts options.singleUseRefreshTokens false/)
    expect(() => setup({}, { refreshIdleTtlMs: DAY_MS })).toThrow(/refreshIdleTtlMs must be null/)
    expect(() => setup({}, { accessTokenTtlMs: 90_000 })).toThrow(/whole number of minutes/)
    // The edges are allowed.
    expect(make({ accessTokenTtlInMinutes: 5, refreshTokenTtlInMinutes: 5 })).not.toThrow()
    expect(make({ accessTokenTtlInMinutes: 1440, refreshTokenTtlInMinutes: 129_600 })).not.toThrow()
    // setPolicy is held to the same rules.
    const h = setup()
    expect(() => h.mock.control.setPolicy({ refreshAbsoluteTtlMs: 91 * DAY_MS }, h.client.clientId)).toThrow(
      /90 days/,
    )
  })

  it('databricks.default-lifetimes (connectors.md §6 "UI default 60", "UI default 10080 (7 d)")', async () => {
    const h = setup()
    expect(h.client.policy).toMatchObject({
      accessTokenTtlMs: HOUR_MS,
      refreshAbsoluteTtlMs: 7 * DAY_MS,
      refreshIdleTtlMs: null,
      rotation: false,
    })
    const body = await connect(h, 'alice')
    expect(body['expires_in']).toBe(3600)
    h.clock.advance(HOUR_MS - 1)
    expect(await apiStatus(h, body['access_token'])).toBe(200)
    h.clock.advance(1)
    expect(await apiStatus(h, body['access_token'])).toBe(403)
  })

  it('databricks.refresh-ttl-from-issuance (connectors.md §6 "refresh_token_ttl_in_minutes | … With single-use RTs it is the TTL of each individual RT"; single-use "off by default for custom apps")', async () => {
    const { policy } = databricksTokenAccessPolicy({ refreshTokenTtlInMinutes: 2 * 24 * 60 })
    const h = setup({}, policy)
    const body = await connect(h, 'alice')
    // Hourly refreshes neither rotate nor extend the refresh token.
    for (let hour = 1; hour < 48; hour++) {
      h.clock.advance(HOUR_MS)
      const res = await refresh(h, body['refresh_token'])
      expect(res.status, `hour ${hour}`).toBe(200)
      expect(await res.json()).not.toHaveProperty('refresh_token')
    }
    h.clock.advance(HOUR_MS)
    expect(truth(h)).toMatchObject({ status: 'ended', cause: 'refresh_absolute_expired' })
    expect((await refresh(h, body['refresh_token'])).status).toBe(400)
  })

  it('databricks.single-use-refresh-tokens (connectors.md §6 "enable_single_use_refresh_tokens (Beta) | Rotation: refresh returns a new RT and invalidates the old")', async () => {
    const h = setup({ singleUseRefreshTokens: true })
    let body = await connect(h, 'alice')
    const first = body['refresh_token']
    // Each rotated token lives 7 days from its own issuance: six days at a time, for two months.
    for (let i = 0; i < 10; i++) {
      h.clock.advance(6 * DAY_MS)
      const res = await refresh(h, body['refresh_token'])
      expect(res.status, `refresh ${i}`).toBe(200)
      const next = (await res.json()) as Json
      expect(next['refresh_token']).not.toBe(body['refresh_token'])
      body = next
    }
    expect((await refresh(h, first)).status).toBe(400)
    expect(truth(h)).toMatchObject({ status: 'alive' })
    h.clock.advance(7 * DAY_MS)
    expect(truth(h)).toMatchObject({ status: 'ended', cause: 'refresh_idle_expired' })
    // Off unless asked for.
    expect(setup().mock.singleUseRefreshTokens).toBe(false)
  })

  it('databricks.absolute-session-lifetime (connectors.md §6 "absolute_session_lifetime_in_minutes | Only with single-use RTs: absolute cap for the whole RT family")', async () => {
    const { policy, options } = databricksTokenAccessPolicy({
      enableSingleUseRefreshTokens: true,
      refreshTokenTtlInMinutes: 7 * 24 * 60,
      absoluteSessionLifetimeInMinutes: 30 * 24 * 60,
    })
    const h = setup(options, policy)
    let body = await connect(h, 'alice')
    for (let day = 1; day < 30; day++) {
      h.clock.advance(DAY_MS)
      const res = await refresh(h, body['refresh_token'])
      expect(res.status, `day ${day}`).toBe(200)
      body = (await res.json()) as Json
    }
    expect(body['expires_in']).toBe(3600)
    // Day 30: the session is over however recently the family rotated, and its access token with it.
    h.clock.advance(DAY_MS)
    expect(truth(h)).toMatchObject({ status: 'ended', cause: 'refresh_absolute_expired' })
    expect(await apiStatus(h, body['access_token'])).toBe(403)
    expect((await refresh(h, body['refresh_token'])).status).toBe(400)
  })

  it('databricks.rotated-refresh-token-reuse (connectors.md §6 "Reuse of rotated RT | Not documented (grace / family revocation UNCONFIRMED)")', async () => {
    for (const [option, after] of [
      ['reject', { status: 'alive' }],
      ['revoke_family', { status: 'ended', cause: 'reuse_detected' }],
    ] as const) {
      const h = setup({ singleUseRefreshTokens: true, rotatedRefreshTokenReuse: option })
      const body = await connect(h, 'alice')
      const next = (await (await refresh(h, body['refresh_token'])).json()) as Json
      const reuse = await refresh(h, body['refresh_token'])
      expect(reuse.status, option).toBe(400)
      expect(truth(h), option).toMatchObject(after)
      expect((await refresh(h, next['refresh_token'])).status, option).toBe(option === 'reject' ? 200 : 400)
    }
  })

  it('databricks.offline-access-for-refresh-token (connectors.md §6 "Missing offline_access | 200 | No RT in response")', async () => {
    const h = setup()
    const without = await connect(h, 'alice', 'all-apis')
    expect(without).not.toHaveProperty('refresh_token')
    expect(without).toMatchObject({ scope: 'all-apis', expires_in: 3600 })
    const withIt = await connect(h, 'bob', 'all-apis offline_access')
    expect(typeof withIt['refresh_token']).toBe('string')
  })

  it('databricks.token-response-shape (connectors.md §6 "Token response | access_token (JWT), token_type:"Bearer", expires_in, refresh_token (only with offline_access), scope, id_token")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ])
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'all-apis offline_access' })
    // A real signed JWT now (it was header.payload.<minted id>): HS256 in process, RS256 under serve.
    const [header] = String(body['access_token']).split('.')
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({
      alg: 'HS256',
      typ: 'JWT',
    })
    const { payload } = await jwtVerify(String(body['access_token']), h.mock.signer.verificationKey(), {
      issuer: `${h.mock.issuer}/oidc`,
      currentDate: new Date(h.mock.clock.now()),
    })
    expect(payload.jti).toMatch(/^at_\d+$/)
    expect(redactSecrets(`token ${String(body['access_token'])}`)).toMatch(/^token (\[redacted\])+$/)
    const oidc = await connect(h, 'bob', 'all-apis offline_access openid email profile')
    expect(typeof oidc['id_token']).toBe('string')
    // A signed id_token (it was an opaque idt_… value): iss is the discovery document's issuer.
    const idToken = await jwtVerify(String(oidc['id_token']), h.mock.signer.verificationKey(), {
      issuer: `${h.mock.issuer}/oidc`,
      audience: h.client.clientId,
      currentDate: new Date(h.mock.clock.now()),
    })
    expect(idToken.payload.sub).toBe('bob')
  })

  it('databricks.refresh-failure-invalid-request (connectors.md §6 "Expired / rotated / unknown RT | 400 | {"error":"invalid_request","error_description":"Refresh token is invalid"}")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    h.mock.control.revokeGrant('alice', h.client.clientId, 'user')
    for (const token of [body['refresh_token'], 'rt_999']) {
      const res = await refresh(h, token)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({
        error: 'invalid_request',
        error_description: 'Refresh token is invalid',
      })
    }
    const sdk = setup({ refreshFailureShape: 'invalid_grant' })
    const res = await refresh(sdk, 'rt_1')
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Refresh token is invalid',
    })
  })

  it('databricks.client-auth-failure-error-id (connectors.md Addendum "401 invalid_client "Client authentication failed" with an extra error_id UUID key")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    const res = await refresh(h, body['refresh_token'], 'secret_wrong_1')
    expect(res.status).toBe(401)
    const error = (await res.json()) as Json
    expect(Object.keys(error).sort()).toEqual(['error', 'error_description', 'error_id'])
    expect(error).toMatchObject({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    })
    expect(String(error['error_id'])).toMatch(UUID)
    const again = (await (await refresh(h, body['refresh_token'], 'secret_wrong_2')).json()) as Json
    expect(again['error_id']).not.toBe(error['error_id'])
    // The grant survives a wrong secret.
    expect((await refresh(h, body['refresh_token'])).status).toBe(200)
  })

  it('databricks.code-failure-shape (connectors.md Addendum "Bad or used code: UNCONFIRMED")', async () => {
    for (const shape of ['invalid_grant', 'invalid_request'] as const) {
      const h = setup({ codeFailureShape: shape })
      const code = await obtainCode(h, 'alice', 'all-apis offline_access')
      const params = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifierOf('alice'),
      }
      expect((await tokenRequest(h, params)).status).toBe(200)
      const reused = await tokenRequest(h, params)
      expect(reused.status, shape).toBe(400)
      expect(await reused.json(), shape).toMatchObject({ error: shape })
    }
  })

  it('databricks.api-invalid-token-403 (connectors.md §6 "API call with invalid/expired AT | 403 (seen) | {"error_code":403,"message":"Invalid access token. [ReqId: …]"}")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    h.clock.advance(2 * HOUR_MS)
    const res = await me(h, body['access_token'])
    expect(res.status).toBe(403)
    const error = (await res.json()) as Json
    expect(error['error_code']).toBe(403)
    expect(String(error['message'])).toMatch(
      /^Invalid access token\. \[ReqId: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\]$/,
    )
    expect(res.headers.get('www-authenticate')).toBeNull()
    const anonymous = await h.mock.fetch(`${h.mock.issuer}${DATABRICKS_PATHS.api}`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ error_code: 401 })
  })

  it('databricks.no-revocation-endpoint (connectors.md §6 "Revoke endpoint | UNCONFIRMED (none found)")', async () => {
    const h = setup()
    const body = await connect(h, 'alice')
    const res = await h.mock.fetch(`${h.mock.issuer}${DATABRICKS_PATHS.revoke}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(h) },
      body: new URLSearchParams({ token: String(body['refresh_token']) }).toString(),
    })
    expect(res.status).toBe(404)
    expect(truth(h)).toMatchObject({ status: 'alive' })

    const rfc = setup({ revocation: 'rfc7009' })
    const b = await connect(rfc, 'alice')
    const revoked = await rfc.mock.fetch(`${rfc.mock.issuer}${DATABRICKS_PATHS.revoke}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(rfc) },
      body: new URLSearchParams({ token: String(b['refresh_token']) }).toString(),
    })
    expect(revoked.status).toBe(200)
    expect(truth(rfc)).toMatchObject({ status: 'ended', cause: 'revoked_by_client' })
    const doc = (await (
      await rfc.mock.fetch(`${rfc.mock.issuer}${DATABRICKS_PATHS.metadata}`)
    ).json()) as Json
    expect(doc['revocation_endpoint']).toBe(`${rfc.mock.issuer}${DATABRICKS_PATHS.revoke}`)
  })
})

describe('databricks mock hygiene', () => {
  it('every quirk has a test named after it in this file', () => {
    const text = readFileSync(new URL(import.meta.url), 'utf8')
    for (const quirk of databricksQuirks) expect(text, quirk.id).toContain(`it('${quirk.id} (connectors.md`)
  })

  it('answers bad input in its own error shape, never a 500', async () => {
    const h = setup()
    const token = `${h.mock.issuer}${DATABRICKS_PATHS.token}`
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const cases: Array<[string, RequestInit, number, string]> = [
      ['no body', { method: 'POST', headers: form }, 400, 'invalid_request'],
      [
        'JSON body',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
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
        { method: 'POST', headers: form, body: 'grant_type=refresh_token&refresh_token=x' },
        401,
        'invalid_client',
      ],
      [
        'malformed basic',
        {
          method: 'POST',
          headers: { ...form, authorization: 'Basic !!!' },
          body: 'grant_type=refresh_token&refresh_token=x',
        },
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
      if (error === 'invalid_client') expect(String(body['error_id']), what).toMatch(UUID)
    }
    const missing = await tokenRequest(h, { grant_type: 'refresh_token' })
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' })
    const authorize = await h.mock.fetch(`${h.mock.issuer}${DATABRICKS_PATHS.authorize}?client_id=nobody`)
    expect(authorize.status).toBe(400)
    expect(h.mock.requests().every((r) => r.status < 500)).toBe(true)
  })

  it('records no secret: requests() and ledger() never hold a token, code or client secret', async () => {
    const h = setup({ singleUseRefreshTokens: true })
    const secrets: string[] = [h.client.clientSecret, verifierOf('alice')]
    const code = await obtainCode(h, 'alice', 'all-apis offline_access openid')
    secrets.push(code)
    const res = await tokenRequest(h, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifierOf('alice'),
    })
    const body = (await res.json()) as Json
    secrets.push(String(body['access_token']), String(body['refresh_token']), String(body['id_token']))
    const next = (await (await refresh(h, body['refresh_token'])).json()) as Json
    secrets.push(String(next['access_token']), String(next['refresh_token']))
    await me(h, next['access_token'])
    await refresh(h, body['refresh_token'])
    await refresh(h, next['refresh_token'], 'secret_wrong_9')
    const recorded = JSON.stringify({ requests: h.mock.requests(), ledger: h.mock.control.ledger() })
    for (const secret of secrets) expect(recorded).not.toContain(secret)
    expect(recorded).toContain('[redacted]')
  })

  it('refuses unknown options, bad values and approval gates, naming them; maps the pack input', () => {
    const input = { clock: new ManualClock(), ids: createSequentialIds(), issuer: 'http://d.databricks.mock' }
    expect(() => createDatabricksMockFromInput({ ...input, options: { singleUse: true } })).toThrow(
      /unknown pack option "singleUse"/,
    )
    expect(() =>
      createDatabricksMockFromInput({ ...input, options: { singleUseRefreshTokens: 'yes' } }),
    ).toThrow(/singleUseRefreshTokens must be true or false/)
    expect(() =>
      createDatabricksMockFromInput({ ...input, options: { refreshFailureShape: 'invalid_token' } }),
    ).toThrow(/refreshFailureShape/)
    expect(() => createDatabricksMockFromInput({ ...input, approvalRequired: true })).toThrow(
      /approvalRequired/,
    )
    expect(() =>
      createDatabricksMockFromInput({ ...input, policy: { accessTokenTtlMs: 2 * DAY_MS } }),
    ).toThrow(/access_token_ttl_in_minutes/)
    const mock = createDatabricksMockFromInput({
      ...input,
      instance: 'dbc-1234',
      options: { singleUseRefreshTokens: true },
    })
    expect(mock.singleUseRefreshTokens).toBe(true)
    const client = mock.control.createClient({
      redirectUris: [REDIRECT],
      policy: { refreshIdleTtlMs: 90 * DAY_MS },
    })
    expect(client.policy).toMatchObject({
      rotation: true,
      refreshIdleTtlMs: 90 * DAY_MS,
      refreshAbsoluteTtlMs: null,
    })
    expect(() =>
      mock.control.createClient({ redirectUris: [REDIRECT], policy: { refreshIdleTtlMs: MINUTE_MS } }),
    ).toThrow(/between 5 minutes and 90 days/)
  })
})

/** The decisions without HTTP: boundaries and purity that are awkward to reach through the wire. */
import { describe, expect, test } from 'vitest'
import { DAY_MS, HOUR_MS, ManualClock, MINUTE_MS } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { BASELINE_DEFAULT_POLICY, resolvePolicy } from '../policy.ts'
import { createProviderStore } from '../store.ts'
import type { TokenPolicy } from '../types.ts'
import { type AuthorizationCore, createAuthorizationCore } from './core.ts'
import { s256Challenge } from './pkce.ts'

const REDIRECT = 'https://app.test/cb'
const VERIFIER = `v-${'a'.repeat(50)}`

function setup(policy: Partial<TokenPolicy> = {}) {
  const clock = new ManualClock()
  const store = createProviderStore({ defaultPolicy: resolvePolicy(BASELINE_DEFAULT_POLICY, policy) })
  const core = createAuthorizationCore({ store, clock, ids: createSequentialIds() })
  const client = store.createClient({
    clientId: 'c1',
    clientSecret: 's1',
    redirectUris: [REDIRECT],
    policyOverrides: {},
    createdAtMs: clock.now(),
  })
  return { clock, store, core, client }
}

function connect(core: AuthorizationCore, client: ReturnType<typeof setup>['client'], login = 'ada') {
  const outcome = core.authorize({
    response_type: ['code'],
    client_id: [client.clientId],
    redirect_uri: [REDIRECT],
    code_challenge: [s256Challenge(VERIFIER)],
    code_challenge_method: ['S256'],
    login_hint: [login],
    scope: ['read'],
  })
  if (outcome.kind !== 'redirect') throw new Error('no redirect')
  const code = new URL(outcome.location).searchParams.get('code') ?? ''
  const result = core.exchangeCode(client, { code, redirectUri: REDIRECT, codeVerifier: VERIFIER })
  if (!result.ok) throw new Error(result.description)
  return result.issued
}

describe('authorization core', () => {
  test('the leeway is exclusive: a reuse exactly at the leeway is after it', () => {
    const { clock, core, client } = setup({ reuseLeewayMs: 10 * MINUTE_MS, reuseAfterLeeway: 'reject' })
    const issued = connect(core, client)
    const rt = issued.refreshToken ?? ''
    expect(core.refresh(client, { refreshToken: rt, scope: undefined }).ok).toBe(true)
    clock.advance(10 * MINUTE_MS - 1)
    expect(core.refresh(client, { refreshToken: rt, scope: undefined }).ok).toBe(true)
    clock.advance(1)
    expect(core.refresh(client, { refreshToken: rt, scope: undefined })).toMatchObject({
      ok: false,
      reason: 'refresh_token_retired',
    })
  })

  test('leeway 0: a same-instant second use of one refresh token is already a reuse', () => {
    const { core, client } = setup()
    const rt = connect(core, client).refreshToken ?? ''
    expect(core.refresh(client, { refreshToken: rt, scope: undefined }).ok).toBe(true)
    expect(core.refresh(client, { refreshToken: rt, scope: undefined })).toMatchObject({
      ok: false,
      endCause: 'reuse_detected',
    })
  })

  test('grantTruth and accessTokenIsLive never write; a request settles the expiry once', () => {
    const { clock, core, client, store } = setup({ refreshIdleTtlMs: DAY_MS })
    const issued = connect(core, client)
    clock.advance(2 * DAY_MS)
    const before = store.ledger().length
    for (let i = 0; i < 3; i++) {
      expect(core.grantTruth('ada', client.clientId)).toMatchObject({
        status: 'ended',
        atMs: issued.issuedAtMs + DAY_MS,
      })
      expect(core.accessTokenIsLive(issued.accessToken)).toBe(false)
    }
    expect(store.ledger()).toHaveLength(before)
    expect(core.validateAccessToken(issued.accessToken)).toMatchObject({ ok: false, reason: 'family_ended' })
    core.refresh(client, { refreshToken: issued.refreshToken ?? '', scope: undefined })
    core.revokeGrant('ada', client.clientId, 'user')
    const ended = store.ledger().filter((e) => e.type === 'family_ended')
    expect(ended).toEqual([
      expect.objectContaining({
        cause: 'refresh_idle_expired',
        atMs: clock.now(),
        endedAtMs: issued.issuedAtMs + DAY_MS,
      }),
    ])
    // The revocation came after the expiry: the cause stays the expiry.
    expect(core.grantTruth('ada', client.clientId)).toMatchObject({ cause: 'refresh_idle_expired' })
  })

  test('a family without refresh tokens cannot idle out; a non-expiring access token still dies with it', () => {
    const { clock, core, client } = setup({
      issueRefreshTokens: false,
      accessTokenTtlMs: null,
      refreshIdleTtlMs: DAY_MS,
      refreshAbsoluteTtlMs: 30 * DAY_MS,
    })
    const issued = connect(core, client)
    expect(issued.expiresInSec).toBeNull()
    clock.advance(29 * DAY_MS)
    expect(core.accessTokenIsLive(issued.accessToken)).toBe(true)
    clock.advance(DAY_MS)
    expect(core.accessTokenIsLive(issued.accessToken)).toBe(false)
    expect(core.grantTruth('ada', client.clientId)).toMatchObject({ cause: 'refresh_absolute_expired' })
  })

  test('expires_in is capped by the absolute end and rounded down', () => {
    const { clock, core, client } = setup({ refreshAbsoluteTtlMs: HOUR_MS + 1500 })
    const issued = connect(core, client)
    clock.advance(HOUR_MS)
    const refreshed = core.refresh(client, { refreshToken: issued.refreshToken ?? '', scope: undefined })
    expect(refreshed).toMatchObject({ ok: true, issued: { expiresInSec: 1 } })
  })

  test('the newest family decides the truth', () => {
    const { core, client } = setup()
    const first = connect(core, client)
    const second = connect(core, client)
    core.revoke(client, first.refreshToken ?? '')
    expect(core.grantTruth('ada', client.clientId)).toMatchObject({
      status: 'alive',
      familyId: second.familyId,
    })
    core.revoke(client, second.refreshToken ?? '')
    expect(core.grantTruth('ada', client.clientId)).toMatchObject({
      status: 'ended',
      familyId: second.familyId,
      cause: 'revoked_by_client',
    })
  })

  test('endFamily ends a live family once', () => {
    const { core, client } = setup()
    const issued = connect(core, client)
    expect(core.endFamily(issued.familyId, 'policy')).toBe(true)
    expect(core.endFamily(issued.familyId, 'evicted')).toBe(false)
    expect(core.endFamily('nope', 'evicted')).toBe(false)
    expect(core.grantTruth('ada', client.clientId)).toMatchObject({ cause: 'policy' })
  })

  test('a redirect_uri omitted at authorize (single registered) need not be repeated', () => {
    const { core, client } = setup()
    const outcome = core.authorize({
      response_type: ['code'],
      client_id: [client.clientId],
      code_challenge: [s256Challenge(VERIFIER)],
      code_challenge_method: ['S256'],
      login_hint: ['ada'],
    })
    expect(outcome).toMatchObject({ kind: 'redirect', codeIssued: true })
    const code = outcome.kind === 'redirect' ? (new URL(outcome.location).searchParams.get('code') ?? '') : ''
    expect(core.exchangeCode(client, { code, redirectUri: undefined, codeVerifier: VERIFIER }).ok).toBe(true)
  })
})

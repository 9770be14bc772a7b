import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS, ManualClock, yieldToEventLoop } from '../clock.ts'
import type { CredentialStore, Outcome, StoredCredential, TokenManager } from './contract.ts'
import { isOutcome } from './contract.ts'
import { outcomeForFailure } from './decisions.ts'
import { createMemoryCredentialStore } from './memory-store.ts'
import {
  createManager,
  createReferenceManager,
  credentialKey,
  LEASE_EXTRA,
  type ReferenceManagerOptions,
} from './reference-manager.ts'
import { LabError } from '../errors.ts'
import { createFakeSource, type FakeSource, type FakeSourceOptions } from './testing/fake-source.ts'

const KEY = credentialKey('pack-a', 'alice')

interface Setup {
  clock: ManualClock
  source: FakeSource
  store: CredentialStore
  manager: TokenManager
  newInstance(options?: ReferenceManagerOptions): TokenManager
}

function setup(sourceOptions: Partial<FakeSourceOptions> = {}, options: ReferenceManagerOptions = {}): Setup {
  const clock = new ManualClock()
  const source = createFakeSource({ clock, ...sourceOptions })
  const store = createMemoryCredentialStore()
  const newInstance = (opts: ReferenceManagerOptions = options) =>
    createReferenceManager({ fetch: source.fetch, clock, packs: [source.pack()], store }, opts)
  return { clock, source, store, manager: newInstance(), newInstance }
}

/** Stores a credential as if alice had connected at `clock.now()`. */
async function seed(s: Setup, overrides: Partial<StoredCredential> = {}): Promise<StoredCredential> {
  const grant = s.source.seedGrant()
  const credential: StoredCredential = {
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    accessTokenExpiresAt: s.clock.now() + HOUR_MS,
    scopes: ['read'],
    obtainedAt: s.clock.now(),
    ...overrides,
  }
  expect(await s.store.compareAndSet(KEY, 0, credential)).toBe(true)
  return credential
}

async function stored(s: Setup): Promise<StoredCredential | undefined> {
  return (await s.store.get(KEY))?.credential
}

function refreshes(source: FakeSource) {
  return source.tokenRequests().filter((r) => r.grantType === 'refresh_token')
}

async function connect(s: Setup, manager: TokenManager = s.manager): Promise<Outcome> {
  const { authorizationUrl } = await manager.beginConnect('alice', 'pack-a')
  return manager.completeConnect('alice', 'pack-a', s.source.authorize(authorizationUrl))
}

describe('reference manager: run', () => {
  it('asks to connect when nothing is stored', async () => {
    const s = setup()
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'not_connected',
    })
    expect(s.source.tokenRequests()).toHaveLength(0)
  })

  it('runs silently with a valid token and does not refresh', async () => {
    const s = setup()
    const seeded = await seed(s)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(s.source.apiTokens()).toEqual([seeded.accessToken])
    expect(s.source.tokenRequests()).toHaveLength(0)
  })

  it('refreshes proactively within the margin and persists the rotated refresh token before using the new access token', async () => {
    const s = setup()
    const seeded = await seed(s)
    s.clock.advance(HOUR_MS - 4 * MINUTE_MS) // inside the default 5-minute margin
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    const after = await stored(s)
    expect(refreshes(s.source)).toHaveLength(1)
    expect(refreshes(s.source)[0]?.refreshToken).toBe(seeded.refreshToken)
    expect(after?.refreshToken).not.toBe(seeded.refreshToken)
    expect(s.source.liveRefreshTokens()).toEqual([after?.refreshToken])
    expect(s.source.apiTokens()).toEqual([after?.accessToken])
    expect(after?.accessTokenExpiresAt).toBe(s.clock.now() + HOUR_MS)
  })

  it('does not refresh outside the margin', async () => {
    const s = setup()
    await seed(s)
    s.clock.advance(HOUR_MS - 6 * MINUTE_MS)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(refreshes(s.source)).toHaveLength(0)
  })

  it('on a 401 refreshes once and retries once (a source that never sends expires_in)', async () => {
    const s = setup({ sendExpiresIn: false, accessTokenTtlMs: HOUR_MS })
    const seeded = await seed(s, { accessTokenExpiresAt: undefined })
    s.clock.advance(2 * HOUR_MS) // the source expired the token; the manager cannot know
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    const after = await stored(s)
    expect(s.source.apiTokens()).toEqual([seeded.accessToken, after?.accessToken])
    expect(refreshes(s.source)).toHaveLength(1)
    expect(after?.accessTokenExpiresAt).toBeUndefined()
  })

  it('retries only once: a second 401 on a fresh token is support, and the credential is kept', async () => {
    const s = setup()
    await seed(s)
    const rejected = { status: 401, body: { error: 'invalid_token' } }
    s.source.scriptApi(rejected, rejected)
    const outcome = await s.manager.run('alice', 'pack-a', s.source.callApi)
    expect(outcome).toMatchObject({ kind: 'blocked', contact: 'support' })
    expect(s.source.apiTokens()).toHaveLength(2)
    expect(refreshes(s.source)).toHaveLength(1)
    expect(await stored(s)).toBeDefined()
  })

  it('keeps the stored refresh token when a refresh response omits it', async () => {
    const s = setup({ rotation: false })
    const seeded = await seed(s, { accessTokenExpiresAt: s.clock.now() })
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    const after = await stored(s)
    expect(after?.accessToken).not.toBe(seeded.accessToken)
    expect(after?.refreshToken).toBe(seeded.refreshToken)
    // And the kept token still works on the next refresh.
    s.clock.advance(HOUR_MS)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(refreshes(s.source).map((r) => r.refreshToken)).toEqual([seeded.refreshToken, seeded.refreshToken])
  })

  it('invalid_grant asks to reconnect and deletes the dead credential', async () => {
    const s = setup()
    await seed(s)
    s.source.revokeAll()
    s.clock.advance(HOUR_MS)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'grant_invalid',
    })
    expect(await stored(s)).toBeUndefined()
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'not_connected',
    })
    expect(await connect(s)).toEqual({ kind: 'ok' })
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
  })

  it('a revoked grant whose access token is still unexpired is found through the 401 path', async () => {
    const s = setup()
    await seed(s)
    s.source.revokeAll()
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'grant_invalid',
    })
  })

  it('invalid_client is the admin, keeps the credential, and recovers silently after updateClientSecret', async () => {
    const s = setup()
    const seeded = await seed(s)
    s.source.rotateSecret('secret_2')
    s.clock.advance(HOUR_MS)
    for (let i = 0; i < 2; i++) {
      const outcome = await s.manager.run('alice', 'pack-a', s.source.callApi)
      expect(outcome).toMatchObject({ kind: 'blocked', contact: 'admin' })
      expect(JSON.stringify(outcome)).not.toContain('secret_')
    }
    expect((await stored(s))?.refreshToken).toBe(seeded.refreshToken)
    await s.manager.updateClientSecret('pack-a', 'secret_2')
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(s.source.tokenRequests().at(-1)?.clientSecret).toBe('secret_2')
  })

  it('retries 429 honouring Retry-After on the manager clock, then succeeds', async () => {
    const s = setup()
    await seed(s)
    s.clock.advance(HOUR_MS)
    const throttled = { status: 429, body: { error: 'slow_down' }, headers: { 'retry-after': '7' } }
    s.source.scriptToken(throttled, throttled)
    const before = s.clock.now()
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(s.clock.now() - before).toBe(14_000)
    const times = refreshes(s.source).map((r) => r.atMs - before)
    expect(times).toEqual([0, 7_000, 14_000])
  })

  it('gives up on persistent 5xx after maxAttempts with bounded exponential backoff: retry_later, credential kept', async () => {
    const s = setup()
    const seeded = await seed(s)
    s.clock.advance(HOUR_MS)
    const failing = { status: 503, body: { error: 'server_error' } }
    s.source.scriptToken(failing, failing, failing, failing)
    const before = s.clock.now()
    const outcome = await s.manager.run('alice', 'pack-a', s.source.callApi)
    expect(outcome.kind).toBe('retry_later')
    expect(refreshes(s.source)).toHaveLength(3)
    expect(s.clock.now() - before).toBe(500 + 1_000)
    expect((await stored(s))?.refreshToken).toBe(seeded.refreshToken)
    // The source recovers: the next run is silent.
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
  })

  it('a Retry-After beyond maxDelayMs ends the retries at once and is passed on', async () => {
    const s = setup({}, { retry: { maxDelayMs: 10_000 } })
    await seed(s)
    s.clock.advance(HOUR_MS)
    s.source.scriptToken({ status: 429, headers: { 'retry-after': '60' } })
    const outcome = await s.manager.run('alice', 'pack-a', s.source.callApi)
    expect(outcome).toMatchObject({ kind: 'retry_later', retryAfterMs: 60_000 })
    expect(refreshes(s.source)).toHaveLength(1)
  })

  it('network errors are transient and never prompt', async () => {
    const s = setup()
    await seed(s)
    s.clock.advance(HOUR_MS)
    s.source.scriptToken({ networkError: true }, { networkError: true }, { networkError: true })
    expect((await s.manager.run('alice', 'pack-a', s.source.callApi)).kind).toBe('retry_later')
    expect(await stored(s)).toBeDefined()
  })

  it('a transient refresh failure inside the margin still runs on the valid token', async () => {
    const s = setup({}, { retry: { maxAttempts: 1 } })
    const seeded = await seed(s)
    s.clock.advance(HOUR_MS - MINUTE_MS)
    s.source.scriptToken({ status: 503 })
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(s.source.apiTokens()).toEqual([seeded.accessToken])
  })

  it('API transient answers are retry_later, insufficient_scope asks to reconnect for scope', async () => {
    const s = setup()
    await seed(s)
    s.source.scriptApi(
      { status: 503 },
      { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } },
    )
    expect((await s.manager.run('alice', 'pack-a', s.source.callApi)).kind).toBe('retry_later')
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'scope_missing',
    })
  })

  it('a callApi that rejects is retry_later, not a crash', async () => {
    const s = setup()
    await seed(s)
    const outcome = await s.manager.run('alice', 'pack-a', async () => {
      throw new TypeError('fetch failed')
    })
    expect(outcome.kind).toBe('retry_later')
  })

  it('an expired token with no refresh token is grant_expired', async () => {
    const s = setup()
    await seed(s, { refreshToken: undefined })
    s.clock.advance(HOUR_MS)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'grant_expired',
    })
    expect(s.source.tokenRequests()).toHaveLength(0)
  })
})

describe('reference manager: concurrency', () => {
  it('single-flight: two concurrent runs of one teammate cause one refresh', async () => {
    const s = setup()
    await seed(s)
    s.clock.advance(HOUR_MS)
    s.source.hold()
    const runs = [
      s.manager.run('alice', 'pack-a', s.source.callApi),
      s.manager.run('alice', 'pack-a', s.source.callApi),
    ]
    await s.source.waitForParked(1)
    for (let i = 0; i < 5; i++) await yieldToEventLoop()
    expect(s.source.parkedCount()).toBe(1)
    s.source.releaseNext()
    expect(await Promise.all(runs)).toEqual([{ kind: 'ok' }, { kind: 'ok' }])
    expect(refreshes(s.source)).toHaveLength(1)
  })

  it('concurrent 401s on a token of unknown expiry cause one refresh', async () => {
    const s = setup({ sendExpiresIn: false })
    await seed(s, { accessTokenExpiresAt: undefined })
    s.clock.advance(2 * HOUR_MS)
    const runs = [1, 2, 3].map(() => s.manager.run('alice', 'pack-a', s.source.callApi))
    expect(await Promise.all(runs)).toEqual([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' }])
    expect(refreshes(s.source)).toHaveLength(1)
  })

  it('two instances over one store: only the lease holder presents the refresh token; the other waits and adopts its result', async () => {
    // Changed with the lease design: before it, both instances presented the same refresh token and the
    // CAS loser adopted the winner; on a single-use source the second presentation is already the bug.
    const clock = new ManualClock(undefined, { autoAdvanceOnSleep: false })
    const source = createFakeSource({ clock })
    const store = createMemoryCredentialStore()
    const s: Setup = {
      clock,
      source,
      store,
      manager: createReferenceManager({ fetch: source.fetch, clock, packs: [source.pack()], store }),
      newInstance: () =>
        createReferenceManager({ fetch: source.fetch, clock, packs: [source.pack()], store }),
    }
    await seed(s)
    clock.advance(HOUR_MS)
    const writes: Array<{ ok: boolean; refreshToken: string | undefined; leased: boolean }> = []
    const spyStore: CredentialStore = {
      get: (key) => store.get(key),
      keys: () => store.keys(),
      async compareAndSet(key, version, next) {
        const ok = await store.compareAndSet(key, version, next)
        writes.push({
          ok,
          refreshToken: next?.refreshToken,
          leased: next?.extras?.[LEASE_EXTRA] !== undefined,
        })
        return ok
      },
    }
    const make = () =>
      createReferenceManager({ fetch: source.fetch, clock, packs: [source.pack()], store: spyStore })
    const a = make()
    const b = make()
    const seeded = await stored(s)
    source.hold()
    const runA = a.run('alice', 'pack-a', source.callApi)
    await source.waitForParked(1)
    const runB = b.run('alice', 'pack-a', source.callApi)
    // B finds A's lease and waits (a sleeper on the clock) instead of presenting the same token.
    for (let i = 0; i < 20 && clock.pendingSleepers() === 0; i++) await yieldToEventLoop()
    expect(clock.pendingSleepers()).toBe(1)
    source.releaseNext()
    expect(await runA).toEqual({ kind: 'ok' })
    const winner = await stored(s)
    clock.advance(100)
    expect(await runB).toEqual({ kind: 'ok' })

    expect(refreshes(source)).toHaveLength(1)
    expect(writes).toEqual([
      { ok: true, refreshToken: seeded?.refreshToken, leased: true },
      { ok: true, refreshToken: winner?.refreshToken, leased: false },
    ])
    expect(winner?.extras?.[LEASE_EXTRA]).toBeUndefined()
    expect(source.apiTokens()).toEqual([winner?.accessToken, winner?.accessToken])
  })

  it('a permanent failure after the row changed under the lease re-reads instead of deleting', async () => {
    // Changed with the lease design: another instance can no longer present the same token, but a
    // Connect (another process) can replace the row while our refresh of the old grant is in flight.
    const s = setup()
    await seed(s)
    s.clock.advance(HOUR_MS)
    s.source.revokeAll()
    s.source.hold()
    const run = s.manager.run('alice', 'pack-a', s.source.callApi)
    await s.source.waitForParked(1)
    expect(s.source.tokenRequests().map((r) => r.status)).toEqual([400])
    const current = await s.store.get(KEY)
    const fresh = s.source.seedGrant()
    const reconnected: StoredCredential = {
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken,
      accessTokenExpiresAt: s.clock.now() + HOUR_MS,
      scopes: ['read'],
      obtainedAt: s.clock.now(),
    }
    expect(await s.store.compareAndSet(KEY, current!.version, reconnected)).toBe(true)
    s.source.releaseNext()
    expect(await run).toEqual({ kind: 'ok' })
    expect(await stored(s)).toEqual(reconnected)
    expect(s.source.apiTokens()).toEqual([fresh.accessToken])
  })

  it('a restart (new instance over the same store) keeps the grant', async () => {
    const s = setup()
    expect(await connect(s)).toEqual({ kind: 'ok' })
    s.clock.advance(2 * HOUR_MS)
    const restarted = s.newInstance()
    expect(await restarted.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
  })
})

describe('reference manager: connect', () => {
  it('uses PKCE S256 with a CSPRNG verifier, and stores the new credential', async () => {
    const s = setup()
    const { authorizationUrl } = await s.manager.beginConnect('alice', 'pack-a')
    const params = new URL(authorizationUrl).searchParams
    expect(Object.fromEntries(params)).toMatchObject({
      response_type: 'code',
      client_id: 'client_1',
      redirect_uri: 'http://app.example/callback',
      scope: 'read',
      code_challenge_method: 'S256',
    })
    expect(params.get('state')?.length).toBeGreaterThanOrEqual(43)
    const callback = s.source.authorize(authorizationUrl)
    expect(await s.manager.completeConnect('alice', 'pack-a', callback)).toEqual({ kind: 'ok' })
    const exchange = s.source.tokenRequests()[0]
    expect(exchange?.grantType).toBe('authorization_code')
    const verifier = exchange?.codeVerifier ?? ''
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/)
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(params.get('code_challenge'))
    expect(await stored(s)).toMatchObject({ scopes: ['read'], accessTokenExpiresAt: s.clock.now() + HOUR_MS })
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
  })

  it('two Connects get different state and verifier', async () => {
    const s = setup()
    const one = new URL((await s.manager.beginConnect('alice', 'pack-a')).authorizationUrl).searchParams
    const two = new URL((await s.manager.beginConnect('alice', 'pack-a')).authorizationUrl).searchParams
    expect(one.get('state')).not.toBe(two.get('state'))
    expect(one.get('code_challenge')).not.toBe(two.get('code_challenge'))
  })

  it('a callback with an unknown state is support, and exchanges nothing', async () => {
    const s = setup()
    const { authorizationUrl } = await s.manager.beginConnect('alice', 'pack-a')
    const callback = new URL(s.source.authorize(authorizationUrl))
    callback.searchParams.set('state', 'forged')
    expect(await s.manager.completeConnect('alice', 'pack-a', callback.toString())).toMatchObject({
      kind: 'blocked',
      contact: 'support',
    })
    expect(s.source.tokenRequests()).toHaveLength(0)
  })

  it('a state is single-use and bound to its teammate', async () => {
    const s = setup()
    const { authorizationUrl } = await s.manager.beginConnect('alice', 'pack-a')
    const callback = s.source.authorize(authorizationUrl)
    expect((await s.manager.completeConnect('bob', 'pack-a', callback)).kind).toBe('blocked')
    expect(await s.manager.completeConnect('alice', 'pack-a', callback)).toEqual({ kind: 'ok' })
    expect((await s.manager.completeConnect('alice', 'pack-a', callback)).kind).toBe('blocked')
  })

  it('a pending Connect does not survive a restart (support, not a loop of prompts)', async () => {
    const s = setup()
    const { authorizationUrl } = await s.manager.beginConnect('alice', 'pack-a')
    const callback = s.source.authorize(authorizationUrl)
    expect(await s.newInstance().completeConnect('alice', 'pack-a', callback)).toMatchObject({
      kind: 'blocked',
    })
  })

  it('access_denied is consent_denied; other callback errors are the admin', async () => {
    const s = setup()
    const first = await s.manager.beginConnect('alice', 'pack-a')
    expect(
      await s.manager.completeConnect(
        'alice',
        'pack-a',
        s.source.authorize(first.authorizationUrl, { deny: 'access_denied' }),
      ),
    ).toEqual({ kind: 'connect_required', reason: 'consent_denied' })
    const second = await s.manager.beginConnect('alice', 'pack-a')
    expect(
      await s.manager.completeConnect(
        'alice',
        'pack-a',
        s.source.authorize(second.authorizationUrl, { deny: 'unauthorized_client' }),
      ),
    ).toMatchObject({ kind: 'blocked', contact: 'admin' })
  })

  it('invalid_client at the exchange is the admin', async () => {
    const s = setup()
    s.source.rotateSecret('secret_2')
    expect(await connect(s)).toMatchObject({ kind: 'blocked', contact: 'admin' })
    expect(await stored(s)).toBeUndefined()
  })

  it('re-consent without a refresh token keeps the stored one', async () => {
    const s = setup()
    const seeded = await seed(s)
    const { authorizationUrl } = await s.manager.beginConnect('alice', 'pack-a')
    const callback = s.source.authorize(authorizationUrl)
    s.source.scriptToken({
      status: 200,
      body: { access_token: 'at_reconsent', token_type: 'Bearer', expires_in: 3600 },
    })
    expect(await s.manager.completeConnect('alice', 'pack-a', callback)).toEqual({ kind: 'ok' })
    expect(await stored(s)).toMatchObject({ accessToken: 'at_reconsent', refreshToken: seeded.refreshToken })
  })
})

describe('reference manager: admin and contract', () => {
  it('clearCredentials removes only that teammate on that pack', async () => {
    const s = setup()
    await seed(s)
    const bobKey = credentialKey('pack-a', 'bob')
    await s.store.compareAndSet(bobKey, 0, { accessToken: 'x', obtainedAt: 0 })
    await s.manager.clearCredentials('alice', 'pack-a')
    expect(await s.store.keys()).toEqual([bobKey])
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'not_connected',
    })
  })

  it('an unknown pack is a typed error, not an outcome', async () => {
    const s = setup()
    await expect(s.manager.run('alice', 'nope', s.source.callApi)).rejects.toMatchObject({
      code: 'UNKNOWN_PACK',
    })
    await expect(s.manager.beginConnect('alice', 'nope')).rejects.toBeInstanceOf(LabError)
    await expect(s.manager.updateClientSecret('nope', 'x')).rejects.toMatchObject({ code: 'UNKNOWN_PACK' })
  })

  it('createManager is the reference manager with defaults', async () => {
    const clock = new ManualClock()
    const source = createFakeSource({ clock })
    const manager = createManager({ fetch: source.fetch, clock, packs: [source.pack()] })
    const { authorizationUrl } = await manager.beginConnect('alice', 'pack-a')
    expect(await manager.completeConnect('alice', 'pack-a', source.authorize(authorizationUrl))).toEqual({
      kind: 'ok',
    })
    expect(isOutcome(await manager.run('alice', 'pack-a', source.callApi))).toBe(true)
  })

  it('parts swap one decision: a mutant that treats configuration as a dead grant prompts on a wrong secret', async () => {
    const s = setup(
      {},
      {
        parts: {
          outcomeForFailure: (f) =>
            f.kind === 'configuration'
              ? { kind: 'connect_required', reason: 'grant_invalid' }
              : outcomeForFailure(f),
        },
      },
    )
    await seed(s)
    s.source.rotateSecret('secret_2')
    s.clock.advance(HOUR_MS)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'grant_invalid',
    })
  })

  it('a mutant that never refreshes proactively still recovers through the 401 path', async () => {
    const s = setup({}, { parts: { needsRefresh: () => false } })
    const seeded = await seed(s)
    s.clock.advance(HOUR_MS)
    expect(await s.manager.run('alice', 'pack-a', s.source.callApi)).toEqual({ kind: 'ok' })
    expect(s.source.apiTokens()[0]).toBe(seeded.accessToken)
  })

  it('rejects nonsensical options', () => {
    const clock = new ManualClock()
    const source = createFakeSource({ clock })
    const env = { fetch: source.fetch, clock, packs: [source.pack()] }
    expect(() => createReferenceManager(env, { retry: { maxAttempts: 0 } })).toThrow(LabError)
    expect(() => createReferenceManager(env, { refreshMarginMs: -1 })).toThrow(LabError)
    expect(() => createReferenceManager({ ...env, packs: [source.pack(), source.pack()] })).toThrow(LabError)
  })

  it('no outcome reason carries a token or secret value', async () => {
    const s = setup()
    await seed(s)
    s.clock.advance(HOUR_MS)
    const leaky = { error: 'invalid_request', error_description: 'bad token rt_1 secret_1' }
    s.source.scriptToken({ status: 400, body: leaky })
    const outcome = await s.manager.run('alice', 'pack-a', s.source.callApi)
    expect(outcome).toMatchObject({ kind: 'blocked', contact: 'support' })
    expect(JSON.stringify(outcome)).not.toMatch(/rt_|at_|secret_/)
  })
})

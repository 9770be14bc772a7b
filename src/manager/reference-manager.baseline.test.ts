/**
 * The reference manager against the real baseline mock (mocks/spec), in process: connect -> run ->
 * expire -> refresh, and the classic failure shapes. The manager and the mock share no code: the
 * manager reads the wire through src/providers, the mock writes it through mocks/spec.
 */
import { describe, expect, it } from 'vitest'
import { createBaselineMock } from '../../mocks/spec/index.ts'
import type { MockProvider } from '../../mocks/types.ts'
import { HOUR_MS, ManualClock } from '../clock.ts'
import { createSequentialIds } from '../ids.ts'
import { providerClient } from '../providers/index.ts'
import type { ApiResult, CallApi, CredentialStore, PackDescriptor, TokenManager } from './contract.ts'
import { createMemoryCredentialStore } from './memory-store.ts'
import { createReferenceManager, credentialKey } from './reference-manager.ts'

const REDIRECT_URI = 'http://app.example/oauth/callback'

interface World {
  clock: ManualClock
  mock: MockProvider
  pack: PackDescriptor
  store: CredentialStore
  manager: TokenManager
  callApi: CallApi
  connect(teammate: string, manager?: TokenManager): ReturnType<TokenManager['completeConnect']>
}

function world(): World {
  const clock = new ManualClock()
  const mock = createBaselineMock({ clock, ids: createSequentialIds() })
  const client = mock.control.createClient({ redirectUris: [REDIRECT_URI] })
  mock.control.createUser({ login: 'alice' })
  const pack: PackDescriptor = {
    id: 'pack-a',
    provider: 'baseline',
    setup: 'custom',
    baseUrl: mock.issuer,
    endpoints: providerClient('baseline').endpoints(mock.issuer),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: REDIRECT_URI,
    scopes: providerClient('baseline').defaultScopes,
  }
  const store = createMemoryCredentialStore()
  const manager = createReferenceManager({ fetch: mock.fetch, clock, packs: [pack], store })

  const callApi: CallApi = async (accessToken) => {
    const response = await mock.fetch(pack.endpoints.api, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      headers[name] = value
    })
    const text = await response.text()
    const result: ApiResult = {
      status: response.status,
      headers,
      body: text === '' ? undefined : JSON.parse(text),
    }
    return result
  }

  /** Plays the browser: follows the authorization URL on the mock (as the teammate) and hands back the redirect. */
  async function connect(teammate: string, m: TokenManager = manager) {
    const { authorizationUrl } = await m.beginConnect(teammate, 'pack-a')
    const url = new URL(authorizationUrl)
    url.searchParams.set('login_hint', teammate)
    const response = await mock.fetch(url.toString(), { redirect: 'manual' })
    const location = response.headers.get('location')
    if (response.status !== 302 || location === null) throw new Error(`authorize answered ${response.status}`)
    return m.completeConnect(teammate, 'pack-a', location)
  }

  return { clock, mock, pack, store, manager, callApi, connect }
}

function tokenRequests(mock: MockProvider, grantType: string) {
  return mock.requests().filter((r) => r.endpoint === 'token' && r.grantType === grantType)
}

describe('reference manager x baseline mock', () => {
  it('connect -> run -> expire -> refresh, silently, with the rotated refresh token persisted', async () => {
    const w = world()
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
    const first = await w.store.get(credentialKey('pack-a', 'alice'))
    expect(first?.credential.accessTokenExpiresAt).toBe(w.clock.now() + HOUR_MS)

    w.clock.advance(HOUR_MS)
    expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
    const second = await w.store.get(credentialKey('pack-a', 'alice'))
    expect(second?.credential.refreshToken).toBeDefined()
    expect(second?.credential.refreshToken).not.toBe(first?.credential.refreshToken)
    expect(tokenRequests(w.mock, 'refresh_token')).toHaveLength(1)

    // A month of daily use keeps the grant alive (30-day idle policy, rotation every refresh).
    for (let day = 0; day < 30; day++) {
      w.clock.advance(24 * HOUR_MS)
      expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
    }
    expect(w.mock.control.grantTruth('alice', w.pack.clientId)).toMatchObject({ status: 'alive' })
    expect(w.mock.requests().filter((r) => r.endpoint === 'token' && r.status !== 200)).toEqual([])
  })

  it('a restarted instance over the same store carries on without a prompt', async () => {
    const w = world()
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    w.clock.advance(2 * HOUR_MS)
    const restarted = createReferenceManager({
      fetch: w.mock.fetch,
      clock: w.clock,
      packs: [w.pack],
      store: w.store,
    })
    expect(await restarted.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
  })

  it('revocation in the source asks to reconnect once, and Connect restores silent runs', async () => {
    const w = world()
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    w.mock.control.revokeGrant('alice', w.pack.clientId, 'user')
    expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({
      kind: 'connect_required',
      reason: 'grant_invalid',
    })
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
  })

  it('a rotated client secret is the admin, keeps the grant, and recovers after updateClientSecret', async () => {
    const w = world()
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    const newSecret = w.mock.control.rotateClientSecret(w.pack.clientId)
    w.clock.advance(HOUR_MS)
    const blocked = await w.manager.run('alice', 'pack-a', w.callApi)
    expect(blocked).toMatchObject({ kind: 'blocked', contact: 'admin' })
    expect(JSON.stringify(blocked)).not.toContain(newSecret)
    await w.manager.updateClientSecret('pack-a', newSecret)
    expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
  })

  it('transient token-endpoint failures retry with backoff and never prompt', async () => {
    const w = world()
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    w.clock.advance(HOUR_MS)
    w.mock.control.scriptResponses('token', [{ status: 503 }, { status: 429, retryAfterSeconds: 4 }])
    const before = w.clock.now()
    expect(await w.manager.run('alice', 'pack-a', w.callApi)).toEqual({ kind: 'ok' })
    expect(w.clock.now() - before).toBe(500 + 4_000)
  })

  it('denied consent is consent_denied', async () => {
    const w = world()
    w.mock.control.setConsentAnswer('alice', { kind: 'deny_redirect', error: 'access_denied' })
    expect(await w.connect('alice')).toEqual({ kind: 'connect_required', reason: 'consent_denied' })
  })

  it('the mock never saw a secret in the clear in what it recorded, and outcomes carry none', async () => {
    const w = world()
    expect(await w.connect('alice')).toEqual({ kind: 'ok' })
    const stored = await w.store.get(credentialKey('pack-a', 'alice'))
    const recorded = JSON.stringify(w.mock.requests())
    expect(recorded).not.toContain(stored?.credential.accessToken)
    expect(recorded).not.toContain(w.pack.clientSecret)
  })
})

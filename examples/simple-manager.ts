/**
 * A small token manager for sources that speak OAuth 2.0 as RFC 6749 writes it (reconnect-lab's
 * `baseline` provider), written against the adapter contract alone. Put it under test with:
 *
 *   npx reconnect-lab run --manager examples/simple-manager.ts --provider baseline
 */
import { createHash, randomBytes } from 'node:crypto'
import type {
  ApiResult,
  CallApi,
  CreateManager,
  CredentialStore,
  Outcome,
  PackDescriptor,
  StoredCredential,
  VersionedCredential,
} from 'reconnect-lab'

/** Refresh this long before a known expiry (at most half the token's lifetime). */
const REFRESH_MARGIN_MS = 5 * 60_000

/** What one token-endpoint request came to. */
type TokenAnswer =
  | { kind: 'tokens'; body: Record<string, unknown>; sentAt: number }
  | { kind: 'dead_grant' } // invalid_grant: only a new Connect helps
  | { kind: 'misconfigured'; detail: string } // the client was refused: the admin must fix the app
  | { kind: 'unavailable'; detail: string } // 5xx, 429, network: try later
  | { kind: 'unexpected'; detail: string }

type Refreshed = { kind: 'fresh'; credential: StoredCredential } | { kind: 'failed'; outcome: Outcome }

function memoryStore(): CredentialStore {
  const rows = new Map<string, VersionedCredential>()
  let version = 0
  return {
    get: async (key) => structuredClone(rows.get(key)),
    async compareAndSet(key, expectedVersion, next) {
      if ((rows.get(key)?.version ?? 0) !== expectedVersion) return false
      if (next === undefined) rows.delete(key)
      else rows.set(key, { credential: structuredClone(next), version: ++version })
      return true
    },
    keys: async () => [...rows.keys()],
  }
}

/** The store may be down for a moment (a database outage): its errors become this value, never a crash. */
const DOWN: unique symbol = Symbol('store down')

export const createManager: CreateManager = (env) => {
  const store = env.store ?? memoryStore()
  const read = (key: string): Promise<VersionedCredential | undefined | typeof DOWN> =>
    store.get(key).catch(() => DOWN)
  const write = (
    key: string,
    version: number,
    next: StoredCredential | undefined,
  ): Promise<boolean | typeof DOWN> => store.compareAndSet(key, version, next).catch(() => DOWN)
  /** Rotated credentials the store could not take yet, with the version they replace: written at the next chance. */
  const unsaved = new Map<string, { credential: StoredCredential; version: number }>()
  const packs = new Map(env.packs.map((pack) => [pack.id, pack]))
  const secrets = new Map<string, string>()
  const pendingConnects = new Map<string, { state: string; verifier: string }>()
  const refreshing = new Map<string, Promise<Refreshed>>()
  const coolDownUntil = new Map<string, number>()

  const keyOf = (teammate: string, packId: string) =>
    `${encodeURIComponent(packId)}/${encodeURIComponent(teammate)}`
  function packOf(packId: string): PackDescriptor {
    const pack = packs.get(packId)
    if (!pack) throw new Error(`unknown pack "${packId}"`)
    return pack
  }

  function refreshDue(credential: StoredCredential): boolean {
    const expiresAt = credential.accessTokenExpiresAt
    if (expiresAt === undefined) return false // no expires_in: a 401 tells us instead
    const margin = Math.min(REFRESH_MARGIN_MS, (expiresAt - credential.obtainedAt) / 2)
    return env.clock.now() >= expiresAt - margin
  }
  const expired = (c: StoredCredential) =>
    c.accessTokenExpiresAt !== undefined && env.clock.now() >= c.accessTokenExpiresAt

  /** One token-endpoint request (client_secret_basic, form body), read the RFC 6749 way. */
  async function tokenRequest(pack: PackDescriptor, params: Record<string, string>): Promise<TokenAnswer> {
    const sentAt = env.clock.now()
    if (sentAt < (coolDownUntil.get(pack.id) ?? 0))
      return { kind: 'unavailable', detail: 'the token endpoint asked us to wait' }
    const secret = secrets.get(pack.id) ?? pack.clientSecret
    const basic = Buffer.from(`${encodeURIComponent(pack.clientId)}:${encodeURIComponent(secret)}`).toString(
      'base64',
    )
    let response: Response
    try {
      response = await env.fetch(pack.endpoints.token, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      })
    } catch {
      return { kind: 'unavailable', detail: 'the token endpoint could not be reached' }
    }
    let body: Record<string, unknown> = {}
    try {
      const parsed: unknown = await response.json()
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>
    } catch {
      // not JSON: judged by the status alone
    }
    const status = response.status
    if (status === 429 || status >= 500) {
      const seconds = Number(response.headers.get('retry-after'))
      if (Number.isFinite(seconds) && seconds > 0)
        coolDownUntil.set(pack.id, env.clock.now() + seconds * 1000)
      return { kind: 'unavailable', detail: `the token endpoint answered ${status}` }
    }
    if (status >= 200 && status < 300 && typeof body['access_token'] === 'string')
      return { kind: 'tokens', body, sentAt }
    if (body['error'] === 'invalid_grant') return { kind: 'dead_grant' }
    if (status === 401 || body['error'] === 'invalid_client' || body['error'] === 'unauthorized_client')
      return { kind: 'misconfigured', detail: 'the source refused the app (check the client secret)' }
    return { kind: 'unexpected', detail: `the token endpoint answered ${status}` }
  }

  /** The credential to store after a token response: keep the refresh token when the response has none. */
  function merge(
    previous: StoredCredential | undefined,
    body: Record<string, unknown>,
    sentAt: number,
  ): StoredCredential {
    const refreshToken =
      typeof body['refresh_token'] === 'string' ? body['refresh_token'] : previous?.refreshToken
    const expiresIn = body['expires_in']
    return {
      accessToken: String(body['access_token']),
      ...(refreshToken !== undefined ? { refreshToken } : {}),
      ...(typeof expiresIn === 'number' ? { accessTokenExpiresAt: sentAt + expiresIn * 1000 } : {}),
      obtainedAt: sentAt,
    }
  }

  const storeDown: Outcome = { kind: 'retry_later', reason: 'the credential store is unavailable' }

  function outcomeOf(answer: Exclude<TokenAnswer, { kind: 'tokens' }>): Outcome {
    switch (answer.kind) {
      case 'dead_grant':
        return { kind: 'connect_required', reason: 'grant_invalid' }
      case 'misconfigured':
        return { kind: 'blocked', reason: answer.detail, contact: 'admin' }
      case 'unavailable':
        return { kind: 'retry_later', reason: answer.detail }
      case 'unexpected':
        return { kind: 'blocked', reason: answer.detail, contact: 'support' }
    }
  }

  /**
   * Replaces `staleAccessToken` (`due`: near its expiry; `refused`: the API said 401). One refresh per
   * key at a time, and never over a row another process wrote meanwhile.
   */
  async function refreshOnce(
    key: string,
    pack: PackDescriptor,
    staleAccessToken: string,
    why: 'due' | 'refused',
  ): Promise<Refreshed> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await current(key)
      if (row === DOWN) return { kind: 'failed', outcome: storeDown }
      if (!row) return { kind: 'failed', outcome: { kind: 'connect_required', reason: 'not_connected' } }
      if (row.credential.accessToken !== staleAccessToken)
        return { kind: 'fresh', credential: row.credential }
      const refreshToken = row.credential.refreshToken
      if (refreshToken === undefined) {
        // Nothing to refresh with: a token that still works is used until it does not.
        if (why === 'due' && !expired(row.credential)) return { kind: 'fresh', credential: row.credential }
        return {
          kind: 'failed',
          outcome: { kind: 'connect_required', reason: why === 'due' ? 'grant_expired' : 'grant_invalid' },
        }
      }
      const answer = await tokenRequest(pack, { grant_type: 'refresh_token', refresh_token: refreshToken })
      if (answer.kind === 'tokens') {
        const next = merge(row.credential, answer.body, answer.sentAt)
        // Persist the new refresh token before using the new access token.
        const written = await write(key, row.version, next)
        if (written === DOWN) {
          // The source has rotated already: keep the new pair in memory and store it at the next chance.
          unsaved.set(key, { credential: next, version: row.version })
          return { kind: 'fresh', credential: next }
        }
        unsaved.delete(key)
        if (written) return { kind: 'fresh', credential: next }
        continue // another process wrote first: use what it stored
      }
      if (answer.kind === 'dead_grant') {
        // Delete only the row we tried; if someone rotated it meanwhile, try theirs.
        const deleted = await write(key, row.version, undefined)
        if (deleted === false) continue
        if (deleted === true) unsaved.delete(key)
      }
      return { kind: 'failed', outcome: outcomeOf(answer) }
    }
    return { kind: 'failed', outcome: { kind: 'retry_later', reason: 'the credential kept changing' } }
  }

  /**
   * The credential as this process knows it: a rotated pair the store refused earlier is written
   * first, and while the store still refuses it, it wins over the stored (older) row.
   */
  async function current(key: string): Promise<VersionedCredential | undefined | typeof DOWN> {
    const pending = unsaved.get(key)
    if (pending !== undefined) {
      const written = await write(key, pending.version, pending.credential)
      if (written === DOWN) return { credential: pending.credential, version: pending.version }
      // Written, or the row moved on without it (a reset, a Connect): either way the store is current.
      unsaved.delete(key)
    }
    return read(key)
  }

  function refresh(
    key: string,
    pack: PackDescriptor,
    staleAccessToken: string,
    why: 'due' | 'refused',
  ): Promise<Refreshed> {
    const running = refreshing.get(key)
    if (running) return running
    const work = refreshOnce(key, pack, staleAccessToken, why).finally(() => refreshing.delete(key))
    refreshing.set(key, work)
    return work
  }

  async function callSafely(callApi: CallApi, accessToken: string): Promise<ApiResult | undefined> {
    try {
      return await callApi(accessToken)
    } catch {
      return undefined
    }
  }

  function apiOutcome(result: ApiResult | undefined): Outcome {
    if (result === undefined) return { kind: 'retry_later', reason: 'the API could not be reached' }
    if (result.status >= 200 && result.status < 300) return { kind: 'ok' }
    if (result.status === 429 || result.status >= 500)
      return { kind: 'retry_later', reason: `the API answered ${result.status}` }
    if (result.status === 403) return { kind: 'connect_required', reason: 'scope_missing' }
    return { kind: 'blocked', reason: `the API answered ${result.status}`, contact: 'support' }
  }

  return {
    async run(teammate, packId, callApi) {
      const pack = packOf(packId)
      const key = keyOf(teammate, packId)
      const row = await current(key)
      if (row === DOWN) return storeDown
      if (!row) return { kind: 'connect_required', reason: 'not_connected' }
      let credential = row.credential
      if (refreshDue(credential)) {
        const refreshed = await refresh(key, pack, credential.accessToken, 'due')
        if (refreshed.kind === 'fresh') credential = refreshed.credential
        // A source that is briefly down does not stop a token that still works.
        else if (refreshed.outcome.kind !== 'retry_later' || expired(credential)) return refreshed.outcome
      }
      const first = await callSafely(callApi, credential.accessToken)
      if (first?.status !== 401) return apiOutcome(first)
      // Refused: the token expired early or the source does not send expires_in. Refresh once, retry once.
      const refreshed = await refresh(key, pack, credential.accessToken, 'refused')
      if (refreshed.kind === 'failed') return refreshed.outcome
      return apiOutcome(await callSafely(callApi, refreshed.credential.accessToken))
    },

    async beginConnect(teammate, packId) {
      const pack = packOf(packId)
      const state = randomBytes(24).toString('base64url')
      const verifier = randomBytes(32).toString('base64url')
      pendingConnects.set(keyOf(teammate, packId), { state, verifier })
      const url = new URL(pack.endpoints.authorize)
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: pack.clientId,
        redirect_uri: pack.redirectUri,
        scope: pack.scopes.join(' '),
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString()
      return { authorizationUrl: url.toString() }
    },

    async completeConnect(teammate, packId, callbackUrl) {
      const pack = packOf(packId)
      const key = keyOf(teammate, packId)
      const params = new URL(callbackUrl).searchParams
      const pending = pendingConnects.get(key)
      const error = params.get('error')
      if (error === 'access_denied') return { kind: 'connect_required', reason: 'consent_denied' }
      if (error === 'temporarily_unavailable' || error === 'server_error')
        return { kind: 'retry_later', reason: `the source answered ${error}` }
      if (error !== null)
        return { kind: 'blocked', reason: `the source refused the app (${error})`, contact: 'admin' }
      if (!pending || params.get('state') !== pending.state)
        return {
          kind: 'blocked',
          reason: 'the callback does not match a Connect we started',
          contact: 'support',
        }
      pendingConnects.delete(key)
      const answer = await tokenRequest(pack, {
        grant_type: 'authorization_code',
        code: params.get('code') ?? '',
        redirect_uri: pack.redirectUri,
        code_verifier: pending.verifier,
      })
      if (answer.kind !== 'tokens') return outcomeOf(answer)
      unsaved.delete(key)
      for (let attempt = 0; attempt < 5; attempt++) {
        const previous = await read(key)
        if (previous === DOWN) break
        const next = merge(previous?.credential, answer.body, answer.sentAt)
        const written = await write(key, previous?.version ?? 0, next)
        if (written === DOWN) break
        if (written) return { kind: 'ok' }
      }
      return storeDown
    },

    async clearCredentials(teammate, packId) {
      packOf(packId)
      const key = keyOf(teammate, packId)
      unsaved.delete(key)
      for (let attempt = 1; attempt <= 5; attempt++) {
        const row = await read(key)
        if (row === undefined) return
        if (row !== DOWN && (await write(key, row.version, undefined)) === true) return
        await env.clock.sleep(attempt * 1000) // the store is down or the row moved: wait a little, try again
      }
      throw new Error('the credentials could not be cleared: the store kept failing')
    },

    async updateClientSecret(packId, secret) {
      packOf(packId)
      secrets.set(packId, secret)
    },
  }
}

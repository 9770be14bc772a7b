/**
 * The reference token manager (DESIGN.md §4): refresh near expiry or on a 401, single-flight per
 * (teammate, pack) inside the process, a lease with a fencing token across processes, persist the new
 * refresh token before using the new access token, and map every failure to exactly one of four
 * classes so that only a dead grant ever asks a teammate to reconnect.
 *
 * State: credentials live only in the store (re-read on every call), so several instances over one
 * store behave like several processes and a restart (a new instance over the same store) loses
 * nothing but pending Connect attempts. The in-memory state is those pending attempts, the in-flight
 * refreshes, client secrets the admin updated through this instance, Retry-After deadlines, and a
 * rotated credential the store refused to take (written at the next chance).
 *
 * Coordination across processes (docs/CONCURRENCY.md has the argument in full):
 * 1. Single-flight: inside one process, one refresh per credential at a time; other runs share it.
 * 2. Lease: before presenting a refresh token, a process claims the credential row with a
 *    compare-and-set that writes a lease (holder, expiry) into it. Only one claim from a given
 *    version can succeed, so only one process presents a given refresh token. Others wait briefly for
 *    the holder's result, then answer "retry later" (or run on a still-valid access token).
 * 3. Fencing: the version the claim created is the fencing token. The holder writes the rotated
 *    credential with compare-and-set on exactly that version, so if anyone else wrote in between
 *    (a Connect, an admin reset, a process that took over an expired lease) the stale holder's write
 *    fails and it never puts back a refresh token that was rotated out.
 * 4. The holder stops sending once less than LEASE_SAFETY_MS of its lease is left, so no request of
 *    the holder is in flight when another process may take the lease over (the timing assumption:
 *    one token request takes less than LEASE_SAFETY_MS).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { randomValue } from './random-value.ts'
import { MINUTE_MS } from '../clock.ts'
import { connector, connectorIds } from '../connectors/registry.ts'
import type { RotationKnowledge } from '../connectors/types.ts'
import { LabError } from '../errors.ts'
import { providerClient } from '../providers/index.ts'
import type { FailureClass, ParsedToken, ProviderClient, TokenGrant } from '../providers/types.ts'
import { decodeResponseBody, headersToRecord, headerValue, parseRetryAfterMs } from '../providers/wire.ts'
import type {
  ApiResult,
  CallApi,
  ConnectReason,
  CreateManager,
  ManagerEnv,
  Outcome,
  PackDescriptor,
  ProviderId,
  StoredCredential,
  TokenManager,
  VersionedCredential,
} from './contract.ts'
import {
  accessTokenExpired,
  backoffDelayMs,
  mergeTokenResponse,
  needsRefresh,
  outcomeForApiClass,
  outcomeForFailure,
  type RetryOptions,
} from './decisions.ts'
import { createMemoryCredentialStore } from './memory-store.ts'
import { createSingleFlight } from './single-flight.ts'

/**
 * The swappable decisions of the reference manager. The IO order (read store, send, CAS-persist,
 * then use; re-read before deleting) is fixed in this file and is not a part: a manager that gets
 * the order wrong is a different manager, not a parameter.
 *
 * This seam is how known-bug "mutant" managers are built exactly one change away from the reference,
 * so the suite can show that each rule catches the bug it is about. For example:
 * - never refreshes proactively:       `{ needsRefresh: () => false }`
 * - drops a refresh token the response omitted (root cause 5):
 *     `{ mergeTokenResponse: (prev, parsed, now) => ({ ...mergeTokenResponse(prev, parsed, now), refreshToken: parsed.refreshToken }) }`
 * - treats a wrong secret as a dead grant (Atlassian's access_denied loop):
 *     `{ outcomeForFailure: (f) => f.kind === 'configuration' ? { kind: 'connect_required', reason: 'grant_invalid' } : outcomeForFailure(f) }`
 * - prompts on transient failures: `outcomeForFailure` mapping `transient` to connect_required
 * - misreads a provider's dialect: `{ providerFor: (pack) => extendBaseline(pack.provider, { ...overrides }) }`
 *   or override `parseTokenResponse` itself. Spreading a client and replacing only
 *   `classifyTokenFailure` changes nothing for HTTP errors: the spread keeps a `parseTokenResponse`
 *   bound to the original classifier (see scenarios/mutants/databricks-invalid-request-retried.ts).
 * Store-level bugs (no CAS, stale write-back) are built by wrapping `env.store` instead.
 */
export interface ManagerParts {
  needsRefresh: (credential: StoredCredential, nowMs: number, marginMs: number) => boolean
  mergeTokenResponse: (
    previous: StoredCredential | undefined,
    parsed: ParsedToken,
    nowMs: number,
  ) => StoredCredential
  outcomeForFailure: (failure: FailureClass) => Outcome
  outcomeForApiClass: typeof outcomeForApiClass
  backoffDelayMs: typeof backoffDelayMs
  /** The client-side dialect for a pack's provider. */
  providerFor: (pack: PackDescriptor) => ProviderClient
}

export const REFERENCE_PARTS: Readonly<ManagerParts> = Object.freeze({
  needsRefresh,
  mergeTokenResponse,
  outcomeForFailure,
  outcomeForApiClass,
  backoffDelayMs,
  providerFor: (pack: PackDescriptor) => providerClient(pack.provider),
})

export type { RotationKnowledge } from '../connectors/types.ts'

/** Each provider's rotation knowledge, from its connector record (src/connectors/<provider>/). */
export function defaultRotationKnowledge(): Readonly<Record<string, RotationKnowledge>> {
  return Object.fromEntries(connectorIds().map((id) => [id, connector(id).rotation]))
}

/** How long each provider is documented to honour a retired refresh token, from its connector record. */
export function defaultReuseLeeway(): Readonly<Record<string, number | null>> {
  return Object.fromEntries(connectorIds().map((id) => [id, connector(id).reuseLeewayMs]))
}

export interface ReferenceManagerOptions {
  /** Refresh proactively this long before a known expiry (default 5 minutes). */
  refreshMarginMs?: number
  /** How long a refresh lease holds a credential for one process (default 5 minutes). */
  leaseMs?: number
  /**
   * This instance's identity in leases (default: random). Must differ between instances that share a
   * store; two instances with the same id coordinate only through single-flight, which they do not share.
   */
  instanceId?: string
  /** Overrides of some providers' rotation facts, over defaultRotationKnowledge() (the connector records'). */
  rotation?: { readonly [P in ProviderId]?: RotationKnowledge }
  /**
   * Overrides of how long some providers honour a retired refresh token (null: not known), over the
   * connector records'. Used only where the rotation knowledge is `leeway`: see `mayTakeOver`.
   */
  reuseLeewayMs?: { readonly [P in ProviderId]?: number | null }
  /** Bounded backoff for transient token-endpoint failures. */
  retry?: Partial<RetryOptions>
  /** Replace individual decisions (mutants, provider experiments); see ManagerParts. */
  parts?: Partial<ManagerParts>
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * MINUTE_MS
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
})

/** The store key of one teammate's credential on one pack. Encoded so `a/b` + `c` never meets `a` + `b/c`. */
export function credentialKey(packId: string, teammate: string): string {
  return `${encodeURIComponent(packId)}/${encodeURIComponent(teammate)}`
}

/** How many times a refresh follows a credential another instance rotated under it before giving up. */
const MAX_STALE_FOLLOWS = 3
export const DEFAULT_LEASE_MS = 5 * MINUTE_MS
/** A lease holder sends no token request with less than this left on its lease. */
export const LEASE_SAFETY_MS = MINUTE_MS
/** How a process waits for another's lease: short polls, bounded (the waits advance the clock). */
const LEASE_POLL_MS = 100
const LEASE_POLLS = 20
/** The credential row's extras that carry a lease (`holder~nonce~expiresAt`) and what was learnt about rotation. */
export const LEASE_EXTRA = 'reconnect-lab.lease'
export const ROTATION_EXTRA = 'reconnect-lab.rotation'
/** Compare-and-set attempts for writes that must land (Connect, clear) before reporting failure. */
const MAX_WRITE_ATTEMPTS = 5
/** Pending Connect attempts remembered per (teammate, pack); the oldest is forgotten first. */
const MAX_PENDING_CONNECTS = 5

type RefreshTrigger =
  /** The access token is (near) its known expiry. */
  | { kind: 'expiry' }
  /** The API refused this access token. */
  | { kind: 'rejected'; rejectedAccessToken: string }

type RefreshResult =
  /** adopted: the credential was another process's write, not a refresh of ours (it may be as old as its writer's refresh). */
  | { kind: 'fresh'; credential: StoredCredential; adopted?: true }
  | { kind: 'failed'; outcome: Outcome; failure?: FailureClass }

type Exchange =
  | { kind: 'success'; token: ParsedToken; sentAt: number }
  | { kind: 'failure'; failure: FailureClass }

interface PendingConnect {
  state: string
  codeVerifier: string
}

interface Lease {
  holder: string
  nonce: string
  expiresAt: number
  /** When it was claimed (the holder's clock); absent in a lease written without it. */
  claimedAt?: number
}

export function leaseOf(credential: StoredCredential): Lease | undefined {
  const value = credential.extras?.[LEASE_EXTRA]
  if (value === undefined) return undefined
  const [holder, nonce, expiresAt, claimedAt] = value.split('~')
  const at = Number(expiresAt)
  if (!holder || !nonce || !Number.isFinite(at)) return undefined
  const claimed = claimedAt === undefined ? Number.NaN : Number(claimedAt)
  return { holder, nonce, expiresAt: at, ...(Number.isFinite(claimed) ? { claimedAt: claimed } : {}) }
}

function withLease(credential: StoredCredential, lease: Lease): StoredCredential {
  const claimed = lease.claimedAt === undefined ? '' : `~${lease.claimedAt}`
  return {
    ...credential,
    extras: {
      ...credential.extras,
      [LEASE_EXTRA]: `${lease.holder}~${lease.nonce}~${lease.expiresAt}${claimed}`,
    },
  }
}

/** The credential without any lease: what is used, merged and written back. */
export function withoutLease(credential: StoredCredential): StoredCredential {
  if (credential.extras?.[LEASE_EXTRA] === undefined) return credential
  const { [LEASE_EXTRA]: _lease, ...extras } = credential.extras
  const { extras: _old, ...rest } = credential
  return Object.keys(extras).length === 0 ? rest : { ...rest, extras }
}

function withRotation(credential: StoredCredential, rotation: 'observed' | undefined): StoredCredential {
  if (rotation === undefined || credential.extras?.[ROTATION_EXTRA] === rotation) return credential
  return { ...credential, extras: { ...credential.extras, [ROTATION_EXTRA]: rotation } }
}

const STORE_UNAVAILABLE = 'the credential store is unavailable'

function connectRequired(reason: ConnectReason): Outcome {
  return { kind: 'connect_required', reason }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

function resolveRetry(retry: Partial<RetryOptions> | undefined): RetryOptions {
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...retry }
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1) {
    throw new LabError('INVALID_OPTIONS', 'retry.maxAttempts must be an integer >= 1')
  }
  if (!(merged.baseDelayMs >= 0) || !(merged.maxDelayMs >= merged.baseDelayMs)) {
    throw new LabError('INVALID_OPTIONS', 'retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs')
  }
  return merged
}

export function createReferenceManager(env: ManagerEnv, options: ReferenceManagerOptions = {}): TokenManager {
  const { clock } = env
  const store = env.store ?? createMemoryCredentialStore()
  const parts: ManagerParts = { ...REFERENCE_PARTS, ...options.parts }
  const marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS
  if (!(marginMs >= 0)) throw new LabError('INVALID_OPTIONS', 'refreshMarginMs must be >= 0')
  const retry = resolveRetry(options.retry)
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  if (!(leaseMs > LEASE_SAFETY_MS)) {
    throw new LabError('INVALID_OPTIONS', `leaseMs must be longer than ${LEASE_SAFETY_MS} ms`)
  }
  const instanceId = options.instanceId ?? randomValue(9)
  if (instanceId.includes('~')) throw new LabError('INVALID_OPTIONS', 'instanceId must not contain "~"')
  const rotation: Readonly<Record<string, RotationKnowledge | undefined>> = {
    ...defaultRotationKnowledge(),
    ...options.rotation,
  }
  const reuseLeeway: Readonly<Record<string, number | null | undefined>> = {
    ...defaultReuseLeeway(),
    ...options.reuseLeewayMs,
  }
  let leaseCount = 0
  /** Rotated credentials the store refused, by key, with the fencing version they must be written at. */
  const unpersisted = new Map<string, { credential: StoredCredential; fence: number }>()
  /** Per pack: no token request before this instant (the source's Retry-After). */
  const notBefore = new Map<string, number>()

  const packs = new Map<string, PackDescriptor>()
  for (const pack of env.packs) {
    if (packs.has(pack.id)) throw new LabError('INVALID_PACKS', `pack id "${pack.id}" is defined twice`)
    packs.set(pack.id, pack)
  }
  const secretOverrides = new Map<string, string>()
  const pendingConnects = new Map<string, PendingConnect[]>()
  const refreshes = createSingleFlight<RefreshResult>()

  function requirePack(packId: string): PackDescriptor {
    const pack = packs.get(packId)
    if (pack === undefined) throw new LabError('UNKNOWN_PACK', `unknown pack "${packId}"`)
    return pack
  }

  /** The pack as this instance currently authenticates it (the admin may have updated the secret). */
  function effectivePack(pack: PackDescriptor): PackDescriptor {
    const secret = secretOverrides.get(pack.id)
    return secret === undefined ? pack : { ...pack, clientSecret: secret }
  }

  /** One token-endpoint round trip, classified by the provider's dialect. Never throws for HTTP or network trouble. */
  async function exchangeOnce(pack: PackDescriptor, grant: TokenGrant): Promise<Exchange> {
    const provider = parts.providerFor(pack)
    // The source asked this process to wait (Retry-After): do not ask again before then.
    const waitMs = (notBefore.get(pack.id) ?? 0) - clock.now()
    if (waitMs > 0) {
      return {
        kind: 'failure',
        failure: {
          kind: 'transient',
          detail: 'the token endpoint asked us to wait (Retry-After)',
          retryAfterMs: waitMs,
        },
      }
    }
    const request = provider.tokenRequest(effectivePack(pack), grant)
    // Taken before sending: the token's lifetime started somewhere during the round trip, so
    // anchoring expiry here errs on the early side.
    const sentAt = clock.now()
    let status: number
    let headers: Record<string, string>
    let text: string
    try {
      const response = await env.fetch(request.url, request.init)
      status = response.status
      headers = headersToRecord(response.headers)
      text = await response.text()
    } catch (error) {
      return { kind: 'failure', failure: provider.classifyTokenFailure(0, {}, undefined, error, clock.now()) }
    }
    const parsed = provider.parseTokenResponse(status, headers, decodeResponseBody(text), clock.now())
    if (
      parsed.kind === 'failure' &&
      parsed.failure.kind === 'transient' &&
      parsed.failure.retryAfterMs !== undefined
    ) {
      notBefore.set(pack.id, Math.max(notBefore.get(pack.id) ?? 0, clock.now() + parsed.failure.retryAfterMs))
    }
    return parsed.kind === 'success' ? { kind: 'success', token: parsed.token, sentAt } : parsed
  }

  async function safeGet(key: string): Promise<VersionedCredential | undefined | 'unavailable'> {
    try {
      return await store.get(key)
    } catch {
      // The store's error may quote the key or the value; it is not echoed anywhere.
      return 'unavailable'
    }
  }

  async function safeCas(
    key: string,
    expectedVersion: number,
    next: StoredCredential | undefined,
  ): Promise<boolean | 'unavailable'> {
    try {
      return await store.compareAndSet(key, expectedVersion, next)
    } catch {
      return 'unavailable'
    }
  }

  function storeUnavailable(): RefreshResult {
    const failure: FailureClass = { kind: 'transient', detail: STORE_UNAVAILABLE }
    return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
  }

  /**
   * Writes a rotated credential the store refused earlier (at its fencing version). `conflict` means
   * the row moved on without it (an admin reset, a Connect, or a process that took the lease over):
   * that write wins and ours is dropped.
   */
  async function flushUnpersisted(key: string): Promise<'none' | 'written' | 'conflict' | 'unavailable'> {
    const pending = unpersisted.get(key)
    if (pending === undefined) return 'none'
    const written = await safeCas(key, pending.fence, pending.credential)
    if (written === 'unavailable') return 'unavailable'
    unpersisted.delete(key)
    return written ? 'written' : 'conflict'
  }

  /**
   * Should a transient failure be retried after `attempt` attempts? A Retry-After longer than the
   * longest wait we allow ends the retries: retrying earlier than the source asked only earns more 429s.
   */
  function retryDelay(attempt: number, failure: FailureClass): number | undefined {
    if (failure.kind !== 'transient' || attempt >= retry.maxAttempts) return undefined
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxDelayMs) return undefined
    return parts.backoffDelayMs(attempt, failure.retryAfterMs, retry)
  }

  /** Code exchange with bounded retries on transient failures. */
  async function exchangeWithRetry(pack: PackDescriptor, grant: TokenGrant): Promise<Exchange> {
    let ambiguous = false
    for (let attempt = 1; ; attempt++) {
      const result = await exchangeOnce(pack, grant)
      if (result.kind === 'success') return result
      const refused = result.failure.kind === 'permanent' || result.failure.kind === 'platform'
      if (ambiguous && refused && grant.grantType === 'authorization_code') {
        // The earlier attempt may have been redeemed with its answer lost; the code is spent now (each
        // dialect says so its own way: invalid_grant, Databricks' invalid_request). The connection
        // dropped, the teammate did nothing wrong: try Connect again.
        return {
          kind: 'failure',
          failure: {
            kind: 'transient',
            detail: 'the connection dropped while connecting; try Connect again',
          },
        }
      }
      ambiguous ||= result.failure.kind === 'transient'
      const delay = retryDelay(attempt, result.failure)
      if (delay === undefined) return result
      await clock.sleep(delay)
    }
  }

  /** Is the stored credential already good enough for this trigger (someone else refreshed meanwhile)? */
  function satisfies(credential: StoredCredential, trigger: RefreshTrigger): boolean {
    if (trigger.kind === 'rejected') return credential.accessToken !== trigger.rejectedAccessToken
    return !parts.needsRefresh(credential, clock.now(), marginMs)
  }

  /**
   * May a process take over a lease another process still holds, once it has waited for its result?
   * Only on a source that honours a retired refresh token for a known leeway, while every token the
   * holder may have presented is still inside it: the holder presents only after its claim and never
   * after its lease (shorter than the leeway) runs low, so whichever presentation reaches the source
   * second is honoured (connectors.md §1, "Reuse leeway | 10 minutes"). This is what rescues a
   * credential whose rotated write the store refused before the holder died (a restart): the only
   * durable token is the retired one, and waiting out the dead holder's lease would present it after
   * the leeway, which ends the grant (root cause 6). Elsewhere the lease is waited out.
   */
  function mayTakeOver(pack: PackDescriptor, held: Lease, now: number): boolean {
    if (rotation[pack.provider] !== 'leeway') return false
    const leeway = reuseLeeway[pack.provider]
    if (leeway === undefined || leeway === null || held.claimedAt === undefined) return false
    // The holder's lease must end inside the leeway, or its last presentation could fall outside it.
    if (held.expiresAt - held.claimedAt >= leeway) return false
    return now < held.claimedAt + leeway - LEASE_SAFETY_MS
  }

  /**
   * The refresh protocol, run at most once at a time per key in this process. Every iteration
   * starts from a fresh read of the store, so a rotation by another instance is always seen.
   */
  async function refreshUnshared(
    key: string,
    pack: PackDescriptor,
    trigger: RefreshTrigger,
  ): Promise<RefreshResult> {
    let staleFollows = 0
    let waits = 0
    for (;;) {
      // A rotated credential the store refused last time goes in first: it is the only live copy.
      if ((await flushUnpersisted(key)) === 'unavailable') return storeUnavailable()
      const current = await safeGet(key)
      if (current === 'unavailable') return storeUnavailable()
      if (current === undefined) return { kind: 'failed', outcome: connectRequired('not_connected') }
      const credential = withoutLease(current.credential)
      if (satisfies(credential, trigger)) return { kind: 'fresh', credential, adopted: true }

      const refreshToken = credential.refreshToken
      if (refreshToken === undefined) {
        if (accessTokenExpired(credential, clock.now())) {
          return { kind: 'failed', outcome: connectRequired('grant_expired') }
        }
        // Near expiry but nothing to refresh with: the token still works for now.
        if (trigger.kind === 'expiry') return { kind: 'fresh', credential }
        // The source refused a token we cannot renew; it cannot tell us whether it expired or was revoked.
        return { kind: 'failed', outcome: connectRequired('grant_invalid') }
      }

      const now = clock.now()
      const held = leaseOf(current.credential)
      // Another process is presenting this refresh token: wait for its result rather than present it too.
      // (A lease of our own is one an earlier flight of ours could not release; single-flight makes it safe.)
      if (held !== undefined && held.holder !== instanceId && held.expiresAt > now) {
        if (waits < LEASE_POLLS) {
          waits++
          await clock.sleep(LEASE_POLL_MS)
          continue
        }
        if (!mayTakeOver(pack, held, now)) {
          const failure: FailureClass = {
            kind: 'transient',
            detail: 'another process is refreshing this credential',
            retryAfterMs: held.expiresAt - now,
          }
          return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
        }
        // else: claim it over the holder (see mayTakeOver); its own write is fenced out from now on.
      }

      // Claim the credential: only one compare-and-set from this version can succeed.
      const lease: Lease = {
        holder: instanceId,
        nonce: String(++leaseCount),
        expiresAt: now + leaseMs,
        claimedAt: now,
      }
      const claimed = await safeCas(key, current.version, withLease(credential, lease))
      if (claimed === 'unavailable') return storeUnavailable()
      if (!claimed) {
        if (staleFollows++ < MAX_STALE_FOLLOWS) continue
        const failure: FailureClass = { kind: 'transient', detail: 'the credential kept changing under us' }
        return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
      }
      // The fencing token is the version our claim created; the store does not say which, so read it.
      const mine = await safeGet(key)
      if (mine === 'unavailable') return storeUnavailable()
      if (
        mine === undefined ||
        leaseOf(mine.credential)?.nonce !== lease.nonce ||
        leaseOf(mine.credential)?.holder !== instanceId
      ) {
        if (staleFollows++ < MAX_STALE_FOLLOWS) continue
        const failure: FailureClass = { kind: 'transient', detail: 'the credential kept changing under us' }
        return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
      }
      const result = await refreshUnderLease(key, pack, credential, refreshToken, mine.version, lease)
      if (result === 'reread') {
        if (staleFollows++ < MAX_STALE_FOLLOWS) continue
        const failure: FailureClass = { kind: 'transient', detail: 'the credential kept changing under us' }
        return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
      }
      return result
    }
  }

  /**
   * Presents `refreshToken` while holding the lease written at version `fence`, with bounded retries
   * that never outlive the lease, and writes the result at exactly that version.
   */
  async function refreshUnderLease(
    key: string,
    pack: PackDescriptor,
    credential: StoredCredential,
    refreshToken: string,
    fence: number,
    lease: Lease,
  ): Promise<RefreshResult | 'reread'> {
    const release = async (): Promise<void> => {
      // Best effort: if it fails, the lease simply expires (and our own next flight may take it over).
      await safeCas(key, fence, credential)
    }
    for (let attempt = 1; ; attempt++) {
      const result = await exchangeOnce(pack, { grantType: 'refresh_token', refreshToken })
      if (result.kind === 'success') {
        const answer = await resyncMissingRefreshToken(pack, credential, refreshToken, result)
        const next = withRotation(
          parts.mergeTokenResponse(credential, answer.token, answer.sentAt),
          answer.rotation,
        )
        // Persist the new refresh token before anyone uses the new access token: if the write is
        // lost, so is the access token, and the stored refresh token is still the one we sent.
        return persistRotated(key, next, fence, lease)
      }

      const failure = result.failure
      switch (failure.kind) {
        case 'transient': {
          const delay = retryDelay(attempt, failure)
          // Keep the credential: an outage is not a dead grant. Never send once the lease is nearly out.
          if (delay === undefined || clock.now() + delay > lease.expiresAt - LEASE_SAFETY_MS) {
            await release()
            return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
          }
          await clock.sleep(delay)
          continue
        }
        case 'permanent': {
          // Before declaring the grant dead, look again: if the row moved on (another instance took an
          // expired lease over, a Connect, a reset), our copy was merely stale (buildkite/cli#852: never
          // delete a freshly rotated token because a stale copy failed).
          const latest = await safeGet(key)
          if (latest === 'unavailable') return storeUnavailable()
          if (latest === undefined)
            return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
          if (latest.version !== fence) return 'reread'
          const deleted = await safeCas(key, fence, undefined)
          if (deleted === false) return 'reread'
          return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
        }
        case 'configuration':
        case 'platform':
          // The grant is not the problem: keep it, so fixing the setup restores silent runs.
          await release()
          return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
      }
    }
  }

  /**
   * A refresh answer without a refresh token, on a source that may rotate: the source may have
   * retired the token we sent and the new one got lost (seen on Atlassian). Where the source honours
   * a retired token for a while, present it again at once (a bounded number of times) to get one.
   */
  async function resyncMissingRefreshToken(
    pack: PackDescriptor,
    previous: StoredCredential,
    refreshToken: string,
    first: Extract<Exchange, { kind: 'success' }>,
  ): Promise<{ token: ParsedToken; sentAt: number; rotation: 'observed' | undefined }> {
    if (first.token.refreshToken !== undefined) return { ...first, rotation: 'observed' }
    const knowledge = rotation[pack.provider] ?? 'unknown'
    // Unknown sources: only a grant already seen rotating is missing something; otherwise an answer
    // without a refresh token is what a non-rotating source always sends.
    const rotates =
      knowledge === 'leeway' || (knowledge === 'unknown' && previous.extras?.[ROTATION_EXTRA] === 'observed')
    if (!rotates) return { ...first, rotation: undefined }
    let latest = first
    for (let attempt = 0; attempt < retry.maxAttempts; attempt++) {
      const again = await exchangeOnce(pack, { grantType: 'refresh_token', refreshToken })
      if (again.kind === 'failure') break
      latest = again
      if (again.token.refreshToken !== undefined) return { ...again, rotation: 'observed' }
    }
    return { ...latest, rotation: undefined }
  }

  /**
   * Writes the rotated credential at the fencing version. A store outage is retried within the lease;
   * if it persists, the credential is kept in memory and written at the next chance, and the run is
   * told to retry later (its new access token is not used: it is not durable).
   */
  async function persistRotated(
    key: string,
    next: StoredCredential,
    fence: number,
    lease: Lease,
  ): Promise<RefreshResult> {
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      const written = await safeCas(key, fence, next)
      if (written === true) return { kind: 'fresh', credential: next }
      if (written === false) {
        // Fenced out: someone wrote after our claim (Connect, reset, or a takeover of an expired
        // lease). Their write stands; ours would resurrect a pair the source may have replaced.
        const winner = await safeGet(key)
        if (winner === 'unavailable') return storeUnavailable()
        if (winner === undefined) return { kind: 'failed', outcome: connectRequired('not_connected') }
        const adopted = withoutLease(winner.credential)
        if (leaseOf(winner.credential) === undefined)
          return { kind: 'fresh', credential: adopted, adopted: true }
        const failure: FailureClass = {
          kind: 'transient',
          detail: 'another process is refreshing this credential',
        }
        return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
      }
      const delay = parts.backoffDelayMs(attempt, undefined, retry)
      if (attempt === retry.maxAttempts || clock.now() + delay > lease.expiresAt - LEASE_SAFETY_MS) break
      await clock.sleep(delay)
    }
    unpersisted.set(key, { credential: next, fence })
    return storeUnavailable()
  }

  async function refresh(key: string, pack: PackDescriptor, trigger: RefreshTrigger): Promise<RefreshResult> {
    const shared = await refreshes.run(key, () => refreshUnshared(key, pack, trigger))
    // A flight started for another trigger (proactive expiry) may hand back the very token the API
    // just refused; then this caller needs a refresh of its own (a new flight: the old one is over).
    if (shared.kind === 'fresh' && trigger.kind === 'rejected' && !satisfies(shared.credential, trigger)) {
      return refreshes.run(key, () => refreshUnshared(key, pack, trigger))
    }
    return shared
  }

  type ApiCall = { kind: 'answered'; result: ApiResult } | { kind: 'network' }

  async function callSafely(callApi: CallApi, accessToken: string): Promise<ApiCall> {
    try {
      return { kind: 'answered', result: await callApi(accessToken) }
    } catch {
      // The error may quote the request; it is not echoed anywhere.
      return { kind: 'network' }
    }
  }

  function finalApiOutcome(provider: ProviderClient, call: ApiCall): Outcome {
    if (call.kind === 'network') return { kind: 'retry_later', reason: 'the API call failed on the network' }
    const { result } = call
    const retryAfterMs = parseRetryAfterMs(headerValue(result.headers, 'retry-after'), clock.now())
    return parts.outcomeForApiClass(provider.classifyApiResult(result), result.status, retryAfterMs)
  }

  async function run(teammate: string, packId: string, callApi: CallApi): Promise<Outcome> {
    const pack = requirePack(packId)
    const provider = parts.providerFor(pack)
    const key = credentialKey(packId, teammate)
    // A rotated credential the store refused earlier is written before anything else is read.
    await flushUnpersisted(key)
    const stored = await safeGet(key)
    if (stored === 'unavailable') return { kind: 'retry_later', reason: STORE_UNAVAILABLE }
    if (stored === undefined) return connectRequired('not_connected')
    let credential = withoutLease(stored.credential)

    if (parts.needsRefresh(credential, clock.now(), marginMs)) {
      const refreshed = await refresh(key, pack, { kind: 'expiry' })
      if (refreshed.kind === 'fresh') {
        credential = refreshed.credential
      } else if (refreshed.failure?.kind !== 'transient' || accessTokenExpired(credential, clock.now())) {
        return refreshed.outcome
      }
      // else: the source is briefly unavailable but the token we hold is still valid: use it.
    }

    const first = await callSafely(callApi, credential.accessToken)
    if (first.kind === 'answered' && provider.classifyApiResult(first.result) === 'token_rejected') {
      // The way to learn that a token without a known expiry has expired (Salesforce): refresh once, retry once.
      const refreshed = await refresh(key, pack, {
        kind: 'rejected',
        rejectedAccessToken: credential.accessToken,
      })
      if (refreshed.kind === 'failed') return refreshed.outcome
      const second = await callSafely(callApi, refreshed.credential.accessToken)
      if (
        refreshed.adopted &&
        second.kind === 'answered' &&
        provider.classifyApiResult(second.result) === 'token_rejected'
      ) {
        // The token we picked up was another process's, and it may be old: one written late, from
        // memory, after a store outage (Salesforce has no expires_in to tell). Only a token this
        // process refreshed itself proves the source is at fault: refresh once more, retry once.
        const ours = await refresh(key, pack, {
          kind: 'rejected',
          rejectedAccessToken: refreshed.credential.accessToken,
        })
        if (ours.kind === 'failed') return ours.outcome
        return finalApiOutcome(provider, await callSafely(callApi, ours.credential.accessToken))
      }
      return finalApiOutcome(provider, second)
    }
    return finalApiOutcome(provider, first)
  }

  async function beginConnect(teammate: string, packId: string): Promise<{ authorizationUrl: string }> {
    const pack = requirePack(packId)
    const key = credentialKey(packId, teammate)
    // CSPRNG values: state defends the callback against CSRF, the verifier binds the code to us (RFC 7636).
    const state = randomValue(32)
    const codeVerifier = randomValue(32)
    const codeChallenge = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url')
    const pending = [...(pendingConnects.get(key) ?? []), { state, codeVerifier }].slice(
      -MAX_PENDING_CONNECTS,
    )
    pendingConnects.set(key, pending)
    const authorizationUrl = parts
      .providerFor(pack)
      .authorizationUrl(effectivePack(pack), { state, codeChallenge })
    return { authorizationUrl }
  }

  /** Finds and forgets the pending Connect whose state matches (single use). */
  function takePending(key: string, state: string | undefined): PendingConnect | undefined {
    if (state === undefined) return undefined
    const pending = pendingConnects.get(key) ?? []
    const index = pending.findIndex((p) => sameSecret(p.state, state))
    if (index < 0) return undefined
    const [match] = pending.splice(index, 1)
    if (pending.length === 0) pendingConnects.delete(key)
    return match
  }

  async function completeConnect(teammate: string, packId: string, callbackUrl: string): Promise<Outcome> {
    const pack = requirePack(packId)
    const provider = parts.providerFor(pack)
    const key = credentialKey(packId, teammate)
    const callback = provider.parseCallback(callbackUrl)
    if (callback.kind === 'invalid') return { kind: 'blocked', reason: callback.detail, contact: 'support' }

    const pending = takePending(key, callback.state)
    const stateMismatch: Outcome = {
      kind: 'blocked',
      reason: 'the Connect callback does not match a Connect this manager started (state mismatch)',
      contact: 'support',
    }
    if (callback.kind === 'error') {
      // Some sources omit state on error redirects; an error cannot connect anything, so it is safe to read.
      if (callback.state !== undefined && pending === undefined) return stateMismatch
      return parts.outcomeForFailure(provider.classifyCallbackError(callback.error, callback.description))
    }
    if (pending === undefined) return stateMismatch

    const exchanged = await exchangeWithRetry(pack, {
      grantType: 'authorization_code',
      code: callback.code,
      codeVerifier: pending.codeVerifier,
    })
    if (exchanged.kind === 'failure') return parts.outcomeForFailure(exchanged.failure)

    let outages = 0
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const previous = await safeGet(key)
      const written =
        previous === 'unavailable'
          ? 'unavailable'
          : await safeCas(
              key,
              previous?.version ?? 0,
              // Merging keeps a stored refresh token a re-consent response omitted (Google without
              // prompt=consent). A lease on the old row is dropped: this Connect replaces that grant.
              parts.mergeTokenResponse(
                previous === undefined ? undefined : withoutLease(previous.credential),
                exchanged.token,
                exchanged.sentAt,
              ),
            )
      if (written === true) {
        unpersisted.delete(key)
        return { kind: 'ok' }
      }
      if (written === 'unavailable') {
        outages++
        await clock.sleep(parts.backoffDelayMs(outages, undefined, retry))
      }
    }
    if (outages > 0) return { kind: 'retry_later', reason: `${STORE_UNAVAILABLE}; try Connect again` }
    return { kind: 'blocked', reason: 'the new credential could not be stored', contact: 'support' }
  }

  async function clearCredentials(teammate: string, packId: string): Promise<void> {
    requirePack(packId)
    const key = credentialKey(packId, teammate)
    // What this process still meant to write belongs to the credential being cleared.
    unpersisted.delete(key)
    let outages = 0
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await safeGet(key)
      if (current === undefined) return
      const cleared =
        current === 'unavailable' ? 'unavailable' : await safeCas(key, current.version, undefined)
      if (cleared === true) return
      if (cleared === 'unavailable') await clock.sleep(parts.backoffDelayMs(++outages, undefined, retry))
    }
    throw new LabError('STORE_CONTENTION', 'credentials kept changing while being cleared')
  }

  async function updateClientSecret(packId: string, secret: string): Promise<void> {
    requirePack(packId)
    // Only the secret changes; stored grants stay, so teammates recover without reconnecting.
    secretOverrides.set(packId, secret)
  }

  return { run, beginConnect, completeConnect, clearCredentials, updateClientSecret }
}

/** The adapter-contract entry point with default options. */
export const createManager: CreateManager = (env) => createReferenceManager(env)

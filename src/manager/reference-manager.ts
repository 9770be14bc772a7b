/**
 * The reference token manager (DESIGN.md §4): refresh near expiry or on a 401, single-flight per
 * (teammate, pack) inside the process, compare-and-swap across processes, persist the new refresh
 * token before using the new access token, and map every failure to exactly one of four classes so
 * that only a dead grant ever asks a teammate to reconnect.
 *
 * State: credentials live only in the store (re-read on every call), so several instances over one
 * store behave like several processes and a restart (a new instance over the same store) loses
 * nothing but pending Connect attempts. The only in-memory state is those pending attempts, the
 * in-flight refreshes and client secrets the admin updated through this instance.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { MINUTE_MS } from '../clock.ts'
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
  StoredCredential,
  TokenManager,
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
 * - misreads a provider's dialect: `{ providerFor: (pack) => ({ ...providerClient(pack.provider), classifyTokenFailure: ... }) }`
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

export interface ReferenceManagerOptions {
  /** Refresh proactively this long before a known expiry (default 5 minutes). */
  refreshMarginMs?: number
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

export type TokenManagerErrorCode = 'unknown_pack' | 'invalid_options' | 'invalid_packs' | 'store_contention'

/** Programming and setup errors (not outcomes): an unknown pack is the caller's bug, not the teammate's. */
export class TokenManagerError extends Error {
  readonly code: TokenManagerErrorCode

  constructor(code: TokenManagerErrorCode, message: string) {
    super(message)
    this.name = 'TokenManagerError'
    this.code = code
  }
}

/** The store key of one teammate's credential on one pack. Encoded so `a/b` + `c` never meets `a` + `b/c`. */
export function credentialKey(packId: string, teammate: string): string {
  return `${encodeURIComponent(packId)}/${encodeURIComponent(teammate)}`
}

/** How many times a refresh follows a credential another instance rotated under it before giving up. */
const MAX_STALE_FOLLOWS = 3
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
  | { kind: 'fresh'; credential: StoredCredential }
  | { kind: 'failed'; outcome: Outcome; failure?: FailureClass }

type Exchange =
  | { kind: 'success'; token: ParsedToken; sentAt: number }
  | { kind: 'failure'; failure: FailureClass }

interface PendingConnect {
  state: string
  codeVerifier: string
}

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
    throw new TokenManagerError('invalid_options', 'retry.maxAttempts must be an integer >= 1')
  }
  if (!(merged.baseDelayMs >= 0) || !(merged.maxDelayMs >= merged.baseDelayMs)) {
    throw new TokenManagerError('invalid_options', 'retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs')
  }
  return merged
}

export function createReferenceManager(env: ManagerEnv, options: ReferenceManagerOptions = {}): TokenManager {
  const { clock } = env
  const store = env.store ?? createMemoryCredentialStore()
  const parts: ManagerParts = { ...REFERENCE_PARTS, ...options.parts }
  const marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS
  if (!(marginMs >= 0)) throw new TokenManagerError('invalid_options', 'refreshMarginMs must be >= 0')
  const retry = resolveRetry(options.retry)

  const packs = new Map<string, PackDescriptor>()
  for (const pack of env.packs) {
    if (packs.has(pack.id))
      throw new TokenManagerError('invalid_packs', `pack id "${pack.id}" is defined twice`)
    packs.set(pack.id, pack)
  }
  const secretOverrides = new Map<string, string>()
  const pendingConnects = new Map<string, PendingConnect[]>()
  const refreshes = createSingleFlight<RefreshResult>()

  function requirePack(packId: string): PackDescriptor {
    const pack = packs.get(packId)
    if (pack === undefined) throw new TokenManagerError('unknown_pack', `unknown pack "${packId}"`)
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
    return parsed.kind === 'success' ? { kind: 'success', token: parsed.token, sentAt } : parsed
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
    for (let attempt = 1; ; attempt++) {
      const result = await exchangeOnce(pack, grant)
      if (result.kind === 'success') return result
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
   * The refresh protocol, run at most once at a time per key in this process. Every iteration
   * starts from a fresh read of the store, so a rotation by another instance is always seen.
   */
  async function refreshUnshared(
    key: string,
    pack: PackDescriptor,
    trigger: RefreshTrigger,
  ): Promise<RefreshResult> {
    let transientAttempts = 0
    let staleFollows = 0
    for (;;) {
      const current = await store.get(key)
      if (current === undefined) return { kind: 'failed', outcome: connectRequired('not_connected') }
      const credential = current.credential
      if (satisfies(credential, trigger)) return { kind: 'fresh', credential }

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

      const result = await exchangeOnce(pack, { grantType: 'refresh_token', refreshToken })
      if (result.kind === 'success') {
        const next = parts.mergeTokenResponse(credential, result.token, result.sentAt)
        // Persist the new refresh token before anyone uses the new access token: if the write is
        // lost, so is the access token, and the stored refresh token is still the one we sent.
        if (await store.compareAndSet(key, current.version, next)) return { kind: 'fresh', credential: next }
        // Another instance wrote first. Adopt what it stored; writing ours would put back a pair the
        // source may already consider replaced.
        const winner = await store.get(key)
        if (winner === undefined) return { kind: 'failed', outcome: connectRequired('not_connected') }
        return { kind: 'fresh', credential: winner.credential }
      }

      const failure = result.failure
      switch (failure.kind) {
        case 'transient': {
          transientAttempts++
          const delay = retryDelay(transientAttempts, failure)
          // Keep the credential: an outage is not a dead grant.
          if (delay === undefined)
            return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
          await clock.sleep(delay)
          continue
        }
        case 'permanent': {
          // Before declaring the grant dead, look again: if another instance rotated the token while
          // ours was in flight, our copy was merely stale (buildkite/cli#852: never delete a freshly
          // rotated token because a stale copy failed).
          const latest = await store.get(key)
          if (latest === undefined)
            return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
          if (latest.version !== current.version) {
            if (staleFollows < MAX_STALE_FOLLOWS) {
              staleFollows++
              continue
            }
            // Keeps changing under us: report, but do not delete a credential we never tried.
            return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
          }
          if (
            !(await store.compareAndSet(key, latest.version, undefined)) &&
            staleFollows < MAX_STALE_FOLLOWS
          ) {
            // Someone wrote between our read and our delete: that write deserves a try.
            staleFollows++
            continue
          }
          return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
        }
        case 'configuration':
        case 'platform':
          // The grant is not the problem: keep it, so fixing the setup restores silent runs.
          return { kind: 'failed', outcome: parts.outcomeForFailure(failure), failure }
      }
    }
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
    const stored = await store.get(key)
    if (stored === undefined) return connectRequired('not_connected')
    let credential = stored.credential

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
      return finalApiOutcome(provider, await callSafely(callApi, refreshed.credential.accessToken))
    }
    return finalApiOutcome(provider, first)
  }

  async function beginConnect(teammate: string, packId: string): Promise<{ authorizationUrl: string }> {
    const pack = requirePack(packId)
    const key = credentialKey(packId, teammate)
    // CSPRNG values: state defends the callback against CSRF, the verifier binds the code to us (RFC 7636).
    const state = randomBytes(32).toString('base64url')
    const codeVerifier = randomBytes(32).toString('base64url')
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

    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const previous = await store.get(key)
      // Merging keeps a stored refresh token a re-consent response omitted (Google without prompt=consent).
      const next = parts.mergeTokenResponse(previous?.credential, exchanged.token, exchanged.sentAt)
      if (await store.compareAndSet(key, previous?.version ?? 0, next)) return { kind: 'ok' }
    }
    return { kind: 'blocked', reason: 'the new credential could not be stored', contact: 'support' }
  }

  async function clearCredentials(teammate: string, packId: string): Promise<void> {
    requirePack(packId)
    const key = credentialKey(packId, teammate)
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await store.get(key)
      if (current === undefined) return
      if (await store.compareAndSet(key, current.version, undefined)) return
    }
    throw new TokenManagerError('store_contention', 'credentials kept changing while being cleared')
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

/**
 * The reference manager's decisions, as pure functions (no IO, no clock reads: time is a parameter).
 * Keeping them pure is what makes them testable with plain values, and what lets a "mutant" manager
 * swap exactly one of them (see ManagerParts in reference-manager.ts).
 */
import type { Outcome, StoredCredential } from './contract.ts'
import type { ApiClass, FailureClass, ParsedToken } from '../providers/types.ts'

export interface RetryOptions {
  /** Total token-endpoint attempts for one refresh (or code exchange), the first included. */
  maxAttempts: number
  /** First backoff delay; doubles per attempt. */
  baseDelayMs: number
  /** No single wait is longer than this; a Retry-After beyond it ends the retries instead. */
  maxDelayMs: number
}

/** Has the access token's known lifetime run out? Unknown expiry never counts as expired. */
export function accessTokenExpired(credential: StoredCredential, nowMs: number): boolean {
  return credential.accessTokenExpiresAt !== undefined && nowMs >= credential.accessTokenExpiresAt
}

/**
 * Refresh proactively once the access token is within `marginMs` of its known expiry.
 *
 * Unknown expiry gives false on purpose: a provider that never says (Salesforce, legacy Zendesk) is
 * handled by the 401 -> refresh -> retry-once path instead of refreshing on every run.
 *
 * The margin is capped at half the token's lifetime: with a 5-minute margin and a 4-minute token, an
 * uncapped rule would refresh on every single run (a refresh storm that burns single-use tokens).
 */
export function needsRefresh(credential: StoredCredential, nowMs: number, marginMs: number): boolean {
  const expiresAt = credential.accessTokenExpiresAt
  if (expiresAt === undefined) return false
  const lifetime = expiresAt - credential.obtainedAt
  const margin = lifetime > 0 ? Math.min(marginMs, lifetime / 2) : marginMs
  return nowMs >= expiresAt - margin
}

/**
 * The credential to store after a successful token response.
 *
 * - Keeps the stored refresh token when the response omits one: Google returns one only on first
 *   consent, Atlassian occasionally drops it; overwriting with "none" strands the grant (root cause 5).
 * - Anchors expiry on the manager's clock (`nowMs`, which the caller takes *before* sending, so the
 *   estimate errs early), never on a server timestamp: clock skew cannot push a refresh past expiry.
 * - A new access token without expires_in has unknown expiry; the previous token's expiry does not carry over.
 */
export function mergeTokenResponse(
  previous: StoredCredential | undefined,
  parsed: ParsedToken,
  nowMs: number,
): StoredCredential {
  const refreshToken = parsed.refreshToken ?? previous?.refreshToken
  const scopes = parsed.scopes ?? previous?.scopes
  const extras = { ...previous?.extras, ...parsed.extras }
  return {
    accessToken: parsed.accessToken,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(parsed.expiresInMs === undefined ? {} : { accessTokenExpiresAt: nowMs + parsed.expiresInMs }),
    ...(scopes === undefined ? {} : { scopes: [...scopes] }),
    ...(Object.keys(extras).length === 0 ? {} : { extras }),
    obtainedAt: nowMs,
  }
}

/** The four failure classes map one-to-one onto outcomes; only `permanent` ever asks a teammate to Connect. */
export function outcomeForFailure(failure: FailureClass): Outcome {
  switch (failure.kind) {
    case 'permanent':
      return { kind: 'connect_required', reason: failure.reason }
    case 'configuration':
      return { kind: 'blocked', reason: failure.detail, contact: 'admin' }
    case 'platform':
      return { kind: 'blocked', reason: failure.detail, contact: 'support' }
    case 'transient':
      return failure.retryAfterMs === undefined
        ? { kind: 'retry_later', reason: failure.detail }
        : { kind: 'retry_later', reason: failure.detail, retryAfterMs: failure.retryAfterMs }
  }
}

/**
 * The outcome of an API answer that is final (no refresh-and-retry left to try). `token_rejected`
 * here means a token we had just refreshed was refused too: reconnecting would mint another such
 * token, so it is the source's problem (support), not the teammate's.
 */
export function outcomeForApiClass(apiClass: ApiClass, status: number, retryAfterMs?: number): Outcome {
  switch (apiClass) {
    case 'ok':
      return { kind: 'ok' }
    case 'scope_missing':
      return { kind: 'connect_required', reason: 'scope_missing' }
    case 'transient':
      return retryAfterMs === undefined
        ? { kind: 'retry_later', reason: `the API is unavailable (${status})` }
        : { kind: 'retry_later', reason: `the API is unavailable (${status})`, retryAfterMs }
    case 'token_rejected':
      return {
        kind: 'blocked',
        reason: `the API rejected a freshly refreshed access token (${status})`,
        contact: 'support',
      }
    case 'other':
      return { kind: 'blocked', reason: `the API answered an unexpected ${status}`, contact: 'support' }
  }
}

/**
 * Delay before retry number `attempt` (1 = the wait after the first failure): exponential from
 * `baseDelayMs`, never shorter than the source's Retry-After, never longer than `maxDelayMs`.
 * Deterministic (no jitter): the simulation must replay from its seed.
 */
export function backoffDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1)
  const exponential = options.baseDelayMs * 2 ** Math.min(exponent, 30)
  const wanted = Math.max(exponential, retryAfterMs ?? 0)
  return Math.min(wanted, options.maxDelayMs)
}

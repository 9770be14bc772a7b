/**
 * How a mock records that one of its quirks (mocks/<provider>/quirks.ts) decided an answer: the mock
 * calls `fire(id)` at the place where it departs from the baseline because of that quirk. Each mock
 * keeps its own counts (`MockProvider.quirks`, read by its tests and the scripted quirk checks); every
 * firing also goes into this thread's running totals, which a run reads through `startQuirkTally()`
 * (src/suite/quirk-coverage.ts). Counts are a plain id -> number map, so the counts of a run split
 * over worker threads or shards are merged by adding them (`addQuirkCounts`).
 *
 * The totals are per JavaScript thread (module state): one run at a time per thread is counted
 * exactly; two runs interleaved on one thread would each see the other's firings.
 */
import type { LedgerEvent, QuirkTally, TokenPolicy } from './types.ts'

export type { QuirkTally } from './types.ts'

/** Quirk id -> how many times it fired. */
export type QuirkCounts = Record<string, number>

const threadTotals = new Map<string, number>()

/** Records a firing that belongs to no mock instance (a pack refused before its mock exists). */
export function fireQuirk(id: string): void {
  threadTotals.set(id, (threadTotals.get(id) ?? 0) + 1)
}

/** Every quirk fired in this thread so far (a snapshot: later firings do not change it). */
export function quirkTotals(): QuirkCounts {
  return Object.fromEntries(threadTotals)
}

/** What fired between two snapshots of `quirkTotals()`. */
export function quirkCountsSince(before: QuirkCounts, after: QuirkCounts = quirkTotals()): QuirkCounts {
  const out: QuirkCounts = {}
  for (const [id, n] of Object.entries(after)) {
    const delta = n - (before[id] ?? 0)
    if (delta > 0) out[id] = delta
  }
  return out
}

/** A window on the running totals: `counts()` is what fired since `startQuirkTally()` was called. */
export function startQuirkTally(): { counts(): QuirkCounts } {
  const before = quirkTotals()
  return { counts: () => quirkCountsSince(before) }
}

/** Adds count maps (chunks of one run, or the run's phases). */
export function addQuirkCounts(...maps: readonly QuirkCounts[]): QuirkCounts {
  const out: QuirkCounts = {}
  for (const map of maps) for (const [id, n] of Object.entries(map)) out[id] = (out[id] ?? 0) + n
  return out
}

export function createQuirkTally(): QuirkTally {
  const own = new Map<string, number>()
  return {
    fire(id) {
      own.set(id, (own.get(id) ?? 0) + 1)
      fireQuirk(id)
    },
    counts: () => Object.fromEntries(own),
    clear: () => own.clear(),
  }
}

/** The quirks of a provider that live in its token policy, by the ledger event that shows each firing. */
export interface PolicyQuirkIds<Id extends string = string> {
  /** A refresh that issued a new refresh token on a rotating client. */
  rotation?: Id
  /** A retired refresh token honoured inside the reuse leeway. */
  reuseWithinLeeway?: Id
  /** A retired refresh token presented after the leeway (rejected, or ending the family). */
  reuseAfterLeeway?: Id
  /** The family ended because a replaced refresh token came back (reuse detection). */
  reuseRevokesFamily?: Id
  idleExpired?: Id
  absoluteExpired?: Id
  /** A refresh answered without its refresh token (fault omit_refresh_token). */
  omittedRefreshToken?: Id
  /** A refresh that kept the same refresh token (non-rotating client). */
  noRotation?: Id
  /** The user or an admin revoked the grant in the source's UI (control.revokeGrant). */
  revokedInSource?: Id
}

/** `Id`: the provider's quirk id type, so a misspelt id does not compile (`policyLedgerQuirks<JiraQuirkId>`). */
export function policyLedgerQuirks<Id extends string = string>(
  ids: PolicyQuirkIds<Id>,
): (event: LedgerEvent, policyOf: (clientId: string) => TokenPolicy) => readonly Id[] {
  return (event, policyOf) => {
    const out: Id[] = []
    const add = (id: Id | undefined) => {
      if (id !== undefined) out.push(id)
    }
    if (event.type === 'refresh') {
      if (event.presented === 'retired_within_leeway') add(ids.reuseWithinLeeway)
      if (event.presented === 'retired_after_leeway') add(ids.reuseAfterLeeway)
      if (event.fault === 'omit_refresh_token') add(ids.omittedRefreshToken)
      if (event.result === 'issued') add(policyOf(event.clientId).rotation ? ids.rotation : ids.noRotation)
    } else if (event.type === 'family_ended') {
      if (event.cause === 'reuse_detected') add(ids.reuseRevokesFamily)
      if (event.cause === 'refresh_idle_expired') add(ids.idleExpired)
      if (event.cause === 'refresh_absolute_expired') add(ids.absoluteExpired)
      if (event.cause === 'revoked_by_user' || event.cause === 'revoked_by_admin') add(ids.revokedInSource)
    }
    return out
  }
}

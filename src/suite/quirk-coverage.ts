/**
 * Quirk coverage: how many times each provider quirk (mocks/<provider>/quirks.ts) fired in a run. The
 * one source of the counts is the mocks themselves (mocks/quirk-tally.ts): a mock records a quirk where
 * its code departs from the baseline because of it, so a count says the quirk decided an answer, not
 * that a request merely looked like it might have. Everything the run plays counts: generated
 * timelines, shrinking, interleavings, scripted pace checks, the harness checks and the scripted quirk
 * checks (src/suite/quirk-checks.ts).
 *
 * A quirk that did not fire is either `unreachable` in the default run, with the reason
 * (src/suite/quirk-reachability.ts), or `neverFired`: a gap in the suite, which `run` reports.
 */
import { allQuirks } from '../../mocks/quirk-registry.ts'
import { type QuirkCounts, startQuirkTally } from '../../mocks/quirk-tally.ts'
import { UNREACHABLE_QUIRKS } from './quirk-reachability.ts'

/** What `quirkCoverage` in the report holds. Shards and worker threads merge by adding `fired`. */
export interface QuirkCoverage {
  /** Every quirk id of the run's providers -> times it fired (0 included). */
  fired: Record<string, number>
  /** Quirks that did not fire, with why the default run cannot reach them. */
  unreachable: Record<string, string>
  /** Quirks that did not fire and have no reason: a gap in the suite. */
  neverFired: string[]
}

/**
 * The section from the counts a run collected. A reason is used only for a quirk that in fact did not
 * fire: a quirk listed as unreachable that does fire is simply counted.
 */
export function buildQuirkCoverage(
  counts: QuirkCounts,
  providers: readonly string[],
  reasons: Readonly<Record<string, string>> = UNREACHABLE_QUIRKS,
): QuirkCoverage {
  const coverage: QuirkCoverage = { fired: {}, unreachable: {}, neverFired: [] }
  for (const quirk of allQuirks()) {
    if (!providers.includes(quirk.provider)) continue
    const n = counts[quirk.id] ?? 0
    coverage.fired[quirk.id] = n
    if (n > 0) continue
    const reason = reasons[quirk.id]
    if (reason !== undefined) coverage.unreachable[quirk.id] = reason
    else coverage.neverFired.push(quirk.id)
  }
  return coverage
}

/**
 * The run's hook: call it before the run plays anything, then `coverage(providers)` once everything
 * (quirk checks included) has played. `counts()` is the raw map, for a worker thread or shard to send
 * to the thread that merges (`addQuirkCounts` in mocks/quirk-tally.ts, then `buildQuirkCoverage`).
 * One run at a time per thread: the counts are the thread's running totals since this call.
 */
export function collectQuirkTally(): {
  counts(): QuirkCounts
  coverage(providers: readonly string[]): QuirkCoverage
} {
  const tally = startQuirkTally()
  return {
    counts: () => tally.counts(),
    coverage: (providers) => buildQuirkCoverage(tally.counts(), providers),
  }
}

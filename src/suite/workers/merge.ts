/**
 * Folding chunk results into what one unchunked run reports. Pure, and a function of the chunks in
 * index order only: counts sum, and where one value must be chosen (a counterexample, a crash) the
 * lowest chunk index wins. Shards and worker threads both go through here.
 */
import type { RuleId } from '../../rules/types.ts'
import type { RuleOutcome } from '../check-provider.ts'
import type { CoverageKind, ExploreResult } from '../interleavings.ts'

/** Rows of the timeline chunks of one provider (outer array in chunk order) -> one row per rule. */
export function mergeTimelineChunks(
  rules: readonly RuleId[],
  chunks: ReadonlyArray<readonly RuleOutcome[]>,
): Map<RuleId, RuleOutcome> {
  const merged = new Map<RuleId, RuleOutcome>()
  for (const id of rules) {
    const rows = chunks.flatMap((rowsOfChunk) => rowsOfChunk.filter((r) => r.id === id))
    const first = rows[0]
    if (!first) continue
    const runs = rows.reduce((n, r) => n + r.runs, 0)
    const checks = rows.reduce((n, r) => n + r.checks, 0)
    const durationMs = rows.reduce((n, r) => n + r.durationMs, 0)
    const failed = rows.find((r) => r.status === 'fail')
    if (failed) {
      merged.set(id, { ...failed, runs, checks, durationMs })
      continue
    }
    // Same judgement as checkTimelines: a rule that never had anything to say proved nothing.
    const { note: _note, ...row } = first
    merged.set(id, {
      ...row,
      status: checks > 0 ? 'pass' : 'skip',
      runs,
      checks,
      durationMs,
      ...(checks > 0 ? {} : { note: `never exercised in ${runs} generated timelines` }),
    })
  }
  return merged
}

/** Explorations of consecutive interleaving chunks (in chunk order) -> one exploration. */
export function mergeExplorations(chunks: readonly ExploreResult[]): ExploreResult {
  const checks = new Map<RuleId, number>()
  const failures: ExploreResult['failures'] = new Map()
  const coverage = {} as Record<CoverageKind, number>
  let runs = 0
  let concurrentInterleavings = 0
  let crashed: string | undefined
  for (const chunk of chunks) {
    runs += chunk.runs
    concurrentInterleavings += chunk.concurrentInterleavings
    for (const [id, n] of chunk.checks) checks.set(id, (checks.get(id) ?? 0) + n)
    for (const [kind, n] of Object.entries(chunk.coverage) as Array<[CoverageKind, number]>)
      coverage[kind] = (coverage[kind] ?? 0) + n
    for (const [id, failure] of chunk.failures) if (!failures.has(id)) failures.set(id, failure)
    crashed ??= chunk.crashed
  }
  return {
    runs,
    checks,
    concurrentInterleavings,
    coverage,
    failures,
    ...(crashed !== undefined ? { crashed } : {}),
  }
}

/**
 * A run's report does not depend on where its work ran: one thread, several worker threads, or CI
 * shards merged afterwards give the same report for the same seed (durationMs aside).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadManagerModule } from '../../manager/load.ts'
import { type ConformanceOptions, type ConformanceReport, runConformance } from '../conformance.ts'
import type { RuleOutcome } from '../check-provider.ts'
import { mergeTimelineChunks } from './merge.ts'
import { chunkSeed, chunkSizes } from './chunks.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
/** A shipped mutant (a known-bug manager module): it fails rules, so counterexample choice is compared too. */
const MUTANT = 'scenarios/mutants/refresh-not-implemented.ts'

/** The report as JSON without timings (the one field allowed to differ between runs). */
function withoutTimings(report: ConformanceReport): string {
  const { shard: _shard, ...rest } = report
  return JSON.stringify(rest, (key, value) => (key === 'durationMs' ? undefined : value), 2)
}

describe('chunking', () => {
  it('cuts runs into fixed-size chunks whatever the worker count, chunk 0 keeping the seed', () => {
    expect(chunkSizes(60, 25)).toEqual([25, 25, 10])
    expect(chunkSizes(25, 25)).toEqual([25])
    expect(chunkSeed(42, 0)).toBe(42)
    expect(new Set([1, 2, 3].map((i) => chunkSeed(42, i))).size).toBe(3)
  })

  it('merges timeline chunks: counts sum, the lowest failing chunk gives the counterexample', () => {
    const row = (status: RuleOutcome['status'], checks: number, note?: string): RuleOutcome => ({
      id: 'silent-refresh',
      provider: 'baseline',
      status,
      runs: 25,
      checks,
      durationMs: 1,
      ...(note ? { note } : {}),
    })
    const merged = mergeTimelineChunks(
      ['silent-refresh'],
      [[row('pass', 3)], [row('fail', 1, 'first')], [row('fail', 2, 'second')]],
    )
    expect(merged.get('silent-refresh')).toMatchObject({ status: 'fail', runs: 75, checks: 6, note: 'first' })
    const quiet = mergeTimelineChunks(['silent-refresh'], [[row('skip', 0)], [row('skip', 0)]])
    expect(quiet.get('silent-refresh')).toMatchObject({ status: 'skip', runs: 50, checks: 0 })
  })
})

/** One thread vs three worker threads, each loading the manager module itself. */
async function compareThreads(
  path: string,
  extra: Partial<ConformanceOptions>,
  workers: number,
): Promise<ConformanceReport> {
  const loadOptions = { cwd: ROOT, probeProviders: extra.providers ?? ['baseline' as const] }
  const loaded = await loadManagerModule(path, loadOptions)
  const options: ConformanceOptions = {
    createManager: loaded.createManager,
    managerLabel: loaded.label,
    seed: 11,
    runs: 12,
    providers: ['baseline'],
    // Small chunks: several of each kind, cheaply (the CLI's are 25 and 100).
    chunks: { timelines: 5, interleavings: 10 },
    ...extra,
  }
  const inline = await runConformance(options)
  const threads = await runConformance({
    ...options,
    workers,
    managerSource: { kind: 'module', path, options: loadOptions },
  })
  expect(withoutTimings(threads)).toBe(withoutTimings(inline))
  return inline
}

describe('worker threads', () => {
  it('give the same report as one thread: timeline chunks and interleaving chunks', async () => {
    const report = await compareThreads('src/manager/reference-manager.ts', { interleavings: 30 }, 3)
    const rotation = report.rules.find((r) => r.id === 'rotation-is-durable')
    expect(rotation?.runs).toBe(42)
  }, 300_000)

  it("load a user's --manager module in each worker, and choose the same counterexamples", async () => {
    const report = await compareThreads(
      MUTANT,
      {
        rules: ['silent-refresh', 'admin-reset'],
      },
      2,
    )
    expect(report.rules.some((r) => r.status === 'fail' && r.counterexample !== undefined)).toBe(true)
  }, 300_000)

  it("carry each chunk's quirk counts, so quirk coverage is the same too", async () => {
    const report = await compareThreads(
      'src/manager/reference-manager.ts',
      { providers: ['zendesk'], rules: ['silent-refresh'] },
      2,
    )
    // Counts from several chunks, summed: a coverage of zeros would make the comparison say nothing.
    const fired = Object.values(report.quirkCoverage?.fired ?? {})
    expect(fired.filter((n) => n > 0).length).toBeGreaterThan(3)
  }, 300_000)

  it('play the scripted quirk checks as units of their own, with the same rows and counts', async () => {
    const report = await compareThreads(
      'src/manager/reference-manager.ts',
      { providers: ['salesforce'], runs: 4, interleavings: 10 },
      2,
    )
    const checks = report.quirkChecks ?? []
    expect(checks.length).toBeGreaterThan(0)
    expect(checks.every((c) => c.status === 'pass')).toBe(true)
    // A check passes only if its quirk fired, so each one's quirk is counted in the coverage too.
    for (const c of checks) expect(report.quirkCoverage?.fired[c.quirk]).toBeGreaterThan(0)
  }, 300_000)
})

/**
 * The mutation score: every shipped known-bug manager is caught, by a rule it models, with a short
 * counterexample that replays from its file.
 *
 * Configuration: exactly `reconnect-lab selfcheck`'s defaults (seed 20261128, 100 timelines per
 * provider, every mutant on its target providers), except that the reference manager is not re-run
 * here first: scenarios/conformance.test.ts already proves it passes every provider.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SELFCHECK_SEED,
  renderSelfcheck,
  runnableProviders,
  runSelfcheck,
} from '../src/cli/commands/selfcheck.ts'
import { DEFAULT_RUNS } from '../src/cli/commands/run.ts'
import { loadManagerModule } from '../src/manager/load.ts'
import { MUTANTS } from './mutants/index.ts'

const ROOT = join(import.meta.dirname, '..')

describe('the shipped known-bug managers', () => {
  it('are at least 10, each a loadable adapter module with targets and the rules it models', async () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10)
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length)
    for (const mutant of MUTANTS) {
      expect(mutant.targets.length, mutant.id).toBeGreaterThan(0)
      expect(mutant.caughtBy.length, mutant.id).toBeGreaterThan(0)
      expect(mutant.models, mutant.id).toMatch(/root cause|rule|section/)
      const loaded = await loadManagerModule(`scenarios/mutants/${mutant.id}.ts`, { cwd: ROOT })
      expect(loaded.label).toBe(`scenarios/mutants/${mutant.id}.ts`)
    }
  })

  it('selfcheck catches every one (100%), each by a rule it models, in at most 10 steps that replay', async () => {
    const result = await runSelfcheck({ checkReference: false })
    expect(result.seed).toBe(DEFAULT_SELFCHECK_SEED)
    expect(result.runs).toBe(DEFAULT_RUNS)
    const report = renderSelfcheck(result)
    const available = runnableProviders()
    // A mutant whose providers are all missing cannot be run; every other one must be caught.
    const notRunnable = MUTANTS.filter((m) => m.targets.every((t) => !available.has(t))).map((m) => m.id)
    expect(result.mutants.filter((m) => m.status === 'not_runnable').map((m) => m.id)).toEqual(notRunnable)
    expect(result.score.caught, report).toBe(result.score.runnable)
    for (const m of result.mutants.filter((x) => x.status === 'caught')) {
      expect(m.caught?.expected, `${m.id} was caught by ${m.caught?.rule}, not a rule it models`).toBe(true)
      expect(m.caught?.steps, `${m.id}: counterexample too long`).toBeLessThanOrEqual(10)
      expect(m.caught?.replays, `${m.id}: the counterexample file does not replay`).toBe(true)
    }
    expect(report).toContain(
      notRunnable.length === 0
        ? `mutation score: ${MUTANTS.length}/${MUTANTS.length} caught (100%)`
        : `${result.score.caught}/${result.score.runnable} runnable mutants caught (100%)`,
    )
  }, 400_000)

  it('reports a mutant whose providers are missing as not runnable, never as caught', async () => {
    const [first] = MUTANTS
    const result = await runSelfcheck({
      checkReference: false,
      catalogue: [first!],
      available: new Set(),
    })
    expect(result.mutants[0]).toMatchObject({ status: 'not_runnable', missing: first!.targets })
    expect(result.score).toEqual({ caught: 0, runnable: 0, total: 1, notRunnable: 1 })
    expect(renderSelfcheck(result)).toContain(`not runnable: provider ${first!.targets.join(', ')} missing`)
  })
})

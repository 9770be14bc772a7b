/**
 * One unit of a run's work, as plain data that crosses a worker-thread boundary: a chunk of generated
 * timelines or a chunk of scheduled interleavings for one provider. `runJob` plays it the same way in
 * the main thread (one worker) and in a worker thread, so where a job ran never changes its result.
 */
import type { CreateManager, ProviderId } from '../../manager/contract.ts'
import { loadManagerModule, type LoadManagerOptions } from '../../manager/load.ts'
import { createManager as createReferenceManager } from '../../manager/reference-manager.ts'
import { RULES } from '../../rules/catalogue/index.ts'
import type { RuleDefinition, RuleId, StandaloneResult } from '../../rules/types.ts'
import { startStopwatch } from '../../clock.ts'
import { LabError } from '../../errors.ts'
import { checkTimelines, type RuleOutcome } from '../check-provider.ts'
import {
  type ExploreOptions,
  type ExploreResult,
  exploreInterleavings,
  type InterleavingContext,
} from '../interleavings.ts'
import { profileFor } from '../profiles.ts'
import type { QuirkCounts } from '../../../mocks/quirk-tally.ts'
import { type QuirkCheckRow, QUIRK_CHECKS, runQuirkCheck } from '../quirk-checks.ts'
import { collectQuirkTally } from '../quirk-coverage.ts'
import { standaloneContext } from '../standalone-harness.ts'
import { createMockPool } from '../../world/mock-pool.ts'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** How a worker gets the manager under test: functions do not cross threads, module paths do. */
export type ManagerSource =
  | { kind: 'reference' }
  | { kind: 'module'; path: string; options: LoadManagerOptions }

export type Job =
  | { kind: 'timelines'; provider: ProviderId; seed: number; runs: number; rules: RuleId[] }
  | {
      kind: 'interleavings'
      provider: ProviderId
      seed: number
      runs: number
      rules: RuleId[]
      setup: ExploreOptions['setup']
      timeoutMs?: number
    }
  | {
      /** A rule's own standalone check that does its own work (scripted horizons); see plan.ts. */
      kind: 'standalone'
      provider: ProviderId
      rule: RuleId
      seed: number
      runs: number
      interleavings?: number
    }
  | { kind: 'quirk-check'; provider: ProviderId; quirk: string }

/** What a job gives back; `quirks` is what the mocks counted while it played (mocks/quirk-tally.ts). */
export type JobResult = (
  | { kind: 'timelines'; rows: RuleOutcome[] }
  | { kind: 'interleavings'; result: ExploreResult }
  | { kind: 'standalone'; result: StandaloneResult; durationMs: number }
  | { kind: 'quirk-check'; row: QuirkCheckRow }
) & { quirks: QuirkCounts }

/** Loads the manager a source names (the user's module is loaded, probed and guarded as in the main thread). */
export async function managerFrom(source: ManagerSource): Promise<CreateManager> {
  if (source.kind === 'reference') return createReferenceManager
  return (await loadManagerModule(source.path, source.options)).createManager
}

function rulesById(ids: readonly RuleId[]): RuleDefinition[] {
  return ids.map((id) => {
    const rule = RULES.find((r) => r.id === id)
    if (!rule) throw new LabError('UNKNOWN_RULE', `no rule "${id}" in the catalogue`)
    return rule
  })
}

/**
 * Plays one job. `onRun` is called as each timeline or interleaving completes (progress). The mocks'
 * quirk counts are read around it: a thread plays one job at a time (both runners), so the window
 * holds this job's firings only.
 */
export async function runJob(job: Job, createManager: CreateManager, onRun?: () => void): Promise<JobResult> {
  const tally = collectQuirkTally()
  const result = await playJob(job, createManager, onRun)
  return { ...result, quirks: tally.counts() }
}

async function playJob(
  job: Job,
  createManager: CreateManager,
  onRun: (() => void) | undefined,
): Promise<DistributiveOmit<JobResult, 'quirks'>> {
  if (job.kind === 'quirk-check') {
    const check = QUIRK_CHECKS.find((c) => c.quirk === job.quirk)
    if (!check) throw new LabError('UNKNOWN_RULE', `no scripted quirk check for "${job.quirk}"`)
    return { kind: 'quirk-check', row: await runQuirkCheck(check, createManager) }
  }
  const profile = profileFor(job.provider)
  if (!profile)
    throw new LabError('UNKNOWN_PROVIDER', `provider "${job.provider}" has no conformance profile`)
  if (job.kind === 'standalone') {
    const [rule] = rulesById([job.rule])
    if (!rule?.standalone) throw new LabError('UNKNOWN_RULE', `rule "${job.rule}" has no standalone check`)
    const elapsed = startStopwatch()
    const context: InterleavingContext = {
      provider: job.provider,
      profile,
      createManager,
      seed: job.seed,
      runs: job.runs,
      ...(job.interleavings !== undefined ? { interleavings: job.interleavings } : {}),
      explore: () => {
        throw new Error(
          `rule "${job.rule}" asked for interleavings in a standalone job (plan.ts classifies it)`,
        )
      },
    }
    const result = await rule.standalone(standaloneContext(context))
    return { kind: 'standalone', result, durationMs: elapsed() }
  }
  const rules = rulesById(job.rules)
  if (job.kind === 'timelines') {
    const rows = await checkTimelines({
      profile,
      createManager,
      rules,
      seed: job.seed,
      runs: job.runs,
      ...(onRun ? { onRun } : {}),
      // The job owns its pool: reset mocks never cross a job, a thread or a run.
      mocks: createMockPool(),
    })
    return { kind: 'timelines', rows: [...rows.values()] }
  }
  const result = await exploreInterleavings({
    profile,
    createManager,
    rules,
    seed: job.seed,
    runs: job.runs,
    setup: job.setup,
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
    ...(onRun ? { onRun } : {}),
    mocks: createMockPool(),
  })
  return { kind: 'interleavings', result }
}

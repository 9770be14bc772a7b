import { startStopwatch } from '../clock.ts'
import type { CreateManager, ProviderId } from '../manager/contract.ts'
import { RULES, ruleAppliesTo, ruleIsChecked } from '../rules/catalogue/index.ts'
import type { RuleDefinition, RuleId } from '../rules/types.ts'
import { LabError } from '../errors.ts'
import { foldStandaloneResult, type RuleOutcome } from './check-provider.ts'
import type { InterleavingContext } from './interleavings.ts'
import { profileFor, profiledProviders } from './profiles.ts'
import { addQuirkCounts, type QuirkCounts } from '../../mocks/quirk-tally.ts'
import { QUIRK_CHECKS, type QuirkCheckRow } from './quirk-checks.ts'
import { buildQuirkCoverage, collectQuirkTally, type QuirkCoverage } from './quirk-coverage.ts'
import { standaloneContext } from './standalone-harness.ts'
import type { ManagerSource } from './workers/jobs.ts'
import { mergeExplorations, mergeTimelineChunks } from './workers/merge.ts'
import {
  bucket,
  emptyParts,
  explorationData,
  explorationResult,
  inChunkOrder,
  type RunParts,
} from './workers/parts.ts'
import {
  classifyStandalone,
  type ExplorationPlan,
  explorationPlanOf,
  NO_MANAGER,
  type ProviderPlan,
  type StandalonePlan,
  timelineChunksOf,
  unitsOf,
  unitsOfShard,
} from './workers/plan.ts'
import { createInlineRunner, createThreadRunner, type JobRunner } from './workers/pool.ts'

export const TOOL_NAME = 'reconnect-lab'
export const TOOL_VERSION = '0.1.0'

export interface ConformanceOptions extends PlanInputs {
  createManager: CreateManager
  /** What the report calls the manager: `reference` or the module path. */
  managerLabel: string
  seed: number
  runs: number
  /** Scheduled interleavings per provider for the rules that explore them; absent: max(runs, 1000). */
  interleavings?: number
  providers?: readonly ProviderId[]
  rules?: readonly RuleId[]
  onProgress?: (event: ProgressEvent) => void
  /**
   * Worker threads (default 1: everything in this thread). More than one needs `managerSource`, since
   * a factory function cannot cross to another thread; the report is the same for any count.
   */
  workers?: number
  /** Where worker threads get the manager: the reference one, or the user's module (loaded in each). */
  managerSource?: ManagerSource
  /** Run only slice `index` of `count` (1-based); the report carries the raw parts `merge` needs. */
  shard?: { index: number; count: number }
}

/**
 * The report recorded parts give (`reconnect-lab merge`): plans the run again from its inputs and
 * assembles the rows, exactly as runConformance does after running the units itself.
 */
export async function assembleReport(
  inputs: PlanInputs & { manager: string },
  parts: RunParts,
): Promise<ConformanceReport> {
  const plan = await planRun(inputs)
  const rows = await assembleRows(plan.providers, parts, {
    createManager: NO_MANAGER,
    runs: inputs.runs,
    ...(inputs.interleavings !== undefined ? { interleavings: inputs.interleavings } : {}),
  })
  return reportOf(
    { ...inputs, providers: plan.providers.map((p) => p.provider), plannedQuirks: plan.quirks },
    rows,
    parts,
  )
}

export type ProgressEvent =
  /** What the run will do: generated timelines and scheduled interleavings in all, over the units this run owns. */
  | { type: 'planned'; timelines: number; interleavings: number; providers: ProviderId[] }
  | { type: 'provider_start'; provider: ProviderId; rules: number; runs: number }
  | { type: 'run'; provider: ProviderId; kind?: 'timeline' | 'interleaving' }
  | { type: 'provider_done'; provider: ProviderId; outcomes: RuleOutcome[] }

/** What a shard's report adds, so `reconnect-lab merge` can rebuild the single run's report. */
export interface ShardSection {
  index: number
  count: number
  providers: ProviderId[]
  rules?: RuleId[]
  interleavings?: number
  parts: RunParts
}

export interface ConformanceReport {
  tool: string
  version: string
  seed: number
  runs: number
  manager: string
  /** The manager's rule rows; `summary` counts these only. */
  rules: RuleOutcome[]
  summary: { passed: number; failed: number; skipped: number }
  /**
   * Checks of reconnect-lab itself (rules with `subject: 'harness'`, e.g. unsupported-setup-rejected):
   * reported apart, never a pass for the manager. Same row shape as `rules`.
   */
  harness?: RuleOutcome[]
  /** How often each provider quirk fired in this run, counted by the mocks, or why it cannot (quirk-coverage.ts). */
  quirkCoverage?: QuirkCoverage
  /** Scripted checks for quirks generated timelines cannot reach (quirk-checks.ts); a failure fails `run`. */
  quirkChecks?: QuirkCheckRow[]
  /**
   * Passing rule/provider rows with fewer than WEAK_CHECKS checks: exercised, but weakly. `run` warns.
   * (Recomputed from `rules` when reports are merged.)
   */
  weaklyExercised?: Array<{ rule: RuleId; provider: string; checks: number }>
  shard?: ShardSection
}

/** Fewer checks than this on a passing rule/provider row is a weakly exercised pair. */
export const WEAK_CHECKS = 30

/** Mixes the suite seed with the provider's name, so adding a provider never changes another's timelines. */
export function providerSeed(seed: number, provider: string): number {
  let h = seed | 0
  for (let i = 0; i < provider.length; i++) h = Math.imul(h ^ provider.charCodeAt(i), 0x5bd1e995) | 0
  return h
}

export interface PlanInputs {
  seed: number
  runs: number
  interleavings?: number
  providers?: readonly ProviderId[]
  rules?: readonly RuleId[]
  /**
   * Chunk sizes (default TIMELINE_CHUNK and INTERLEAVING_CHUNK). Part of the run's identity like the
   * seed: tests make them small to prove chunk merging cheaply; the CLI never changes them.
   */
  chunks?: { timelines: number; interleavings: number }
}

/** Plans a run: per provider its rules, timeline chunks and standalone checks, and the explorations they need. */
async function planRun(
  inputs: PlanInputs,
): Promise<{ providers: ProviderPlan[]; explorations: ExplorationPlan[]; quirks: QuirkCounts }> {
  const tally = collectQuirkTally()
  const providers: ProviderPlan[] = []
  const explorations = new Map<string, ExplorationPlan>()
  for (const provider of inputs.providers ?? profiledProviders()) {
    const profile = profileFor(provider)
    if (!profile)
      throw new LabError(
        'UNKNOWN_PROVIDER',
        `provider "${provider}" has no conformance profile yet (have: ${profiledProviders().join(', ')})`,
      )
    const applicable = RULES.filter(
      (r) => ruleAppliesTo(r, provider) && (!inputs.rules || inputs.rules.includes(r.id)),
    )
    const notApplicable = profile.notApplicable ?? {}
    const checked: RuleDefinition[] = applicable.filter(
      (r) => ruleIsChecked(r) && notApplicable[r.id] === undefined,
    )
    const seed = providerSeed(inputs.seed, provider)
    const standalone: StandalonePlan[] = []
    for (const rule of checked) {
      if (!rule.standalone) continue
      const { plan, exploration } = await classifyStandalone(rule, {
        provider,
        profile,
        seed,
        runs: inputs.runs,
        ...(inputs.interleavings !== undefined ? { interleavings: inputs.interleavings } : {}),
      })
      standalone.push(plan)
      if (exploration) {
        const planned = explorationPlanOf(exploration, inputs.chunks?.interleavings)
        if (!explorations.has(planned.key)) explorations.set(planned.key, planned)
      }
    }
    providers.push({
      provider,
      profile,
      applicable,
      checked,
      seed,
      timelineRules: checked
        .filter((r) => r.judge !== undefined || r.judgeTrace !== undefined)
        .map((r) => r.id),
      timelineChunks: timelineChunksOf(inputs.runs, inputs.chunks?.timelines),
      standalone,
    })
  }
  return { providers, explorations: [...explorations.values()], quirks: tally.counts() }
}

/**
 * The report rows from the run's parts: timeline chunks merged, standalone results folded in, and the
 * exploring rules judged on their merged explorations. A function of the parts only (plus, for rules
 * that explore, their formatting), so a run on any number of workers or shards assembles the same rows.
 */
async function assembleRows(
  plans: readonly ProviderPlan[],
  parts: RunParts,
  context: { createManager: CreateManager; runs: number; interleavings?: number },
  onProviderDone?: (provider: ProviderId, rows: RuleOutcome[]) => void,
): Promise<{ rules: RuleOutcome[]; harness: RuleOutcome[] }> {
  const outcomes: RuleOutcome[] = []
  const harness: RuleOutcome[] = []
  for (const plan of plans) {
    const results = mergeTimelineChunks(plan.timelineRules, inChunkOrder(parts.timelines[plan.provider]))
    for (const s of plan.standalone) {
      if (s.kind === 'done') {
        foldStandaloneResult(results, s.rule.id, plan.provider, s.result, 0)
      } else if (s.kind === 'job') {
        const own = parts.standalone[`${plan.provider}/${s.rule.id}`]
        if (own) foldStandaloneResult(results, s.rule.id, plan.provider, own.result, own.durationMs)
      } else {
        const chunks = inChunkOrder(parts.explorations[s.exploration]).map(explorationResult)
        if (chunks.length === 0 || !s.rule.standalone) continue
        const merged = mergeExplorations(chunks)
        const elapsed = startStopwatch()
        const judged: InterleavingContext = {
          provider: plan.provider,
          profile: plan.profile,
          createManager: context.createManager,
          seed: plan.seed,
          runs: context.runs,
          ...(context.interleavings !== undefined ? { interleavings: context.interleavings } : {}),
          explore: () => Promise.resolve(merged),
        }
        const own = await s.rule.standalone(standaloneContext(judged))
        foldStandaloneResult(results, s.rule.id, plan.provider, own, elapsed())
      }
    }
    const notApplicable = plan.profile.notApplicable ?? {}
    const rows = plan.applicable.map(
      (rule): RuleOutcome =>
        results.get(rule.id) ?? {
          id: rule.id,
          provider: plan.provider,
          status: 'skip',
          runs: 0,
          checks: 0,
          durationMs: 0,
          note: notApplicable[rule.id] ?? 'no check for this rule on this provider yet',
        },
    )
    onProviderDone?.(plan.provider, rows)
    const harnessIds = new Set(plan.applicable.filter((r) => r.subject === 'harness').map((r) => r.id))
    outcomes.push(...rows.filter((row) => !harnessIds.has(row.id)))
    harness.push(...rows.filter((row) => harnessIds.has(row.id)))
  }
  return { rules: outcomes, harness }
}

/**
 * Quirk coverage of the run's providers: what the mocks counted while the run was planned (the cheap
 * standalone checks run then; merge plans again and counts the same) plus what every unit counted.
 */
function quirkCoverageOf(
  providers: readonly ProviderId[],
  parts: RunParts,
  planned: QuirkCounts,
): QuirkCoverage {
  return buildQuirkCoverage(addQuirkCounts(planned, ...Object.values(parts.quirks)), providers)
}

/** The scripted quirk checks' rows in catalogue order. */
function quirkChecksOf(parts: RunParts): QuirkCheckRow[] {
  return QUIRK_CHECKS.flatMap((c) => {
    const row = parts.quirkChecks[c.quirk]
    return row ? [row] : []
  })
}

function reportOf(
  meta: {
    seed: number
    runs: number
    manager: string
    providers: readonly ProviderId[]
    plannedQuirks: QuirkCounts
  },
  { rules, harness }: { rules: RuleOutcome[]; harness: RuleOutcome[] },
  parts: RunParts,
  shard?: ShardSection,
): ConformanceReport {
  return {
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    seed: meta.seed,
    runs: meta.runs,
    manager: meta.manager,
    rules,
    summary: {
      passed: rules.filter((o) => o.status === 'pass').length,
      failed: rules.filter((o) => o.status === 'fail').length,
      skipped: rules.filter((o) => o.status === 'skip').length,
    },
    harness,
    quirkCoverage: quirkCoverageOf(meta.providers, parts, meta.plannedQuirks),
    quirkChecks: quirkChecksOf(parts),
    weaklyExercised: rules
      .filter((o) => o.status === 'pass' && o.checks < WEAK_CHECKS)
      .map((o) => ({ rule: o.id, provider: o.provider, checks: o.checks })),
    ...(shard ? { shard } : {}),
  }
}

/**
 * Threads only pay when each has more than one unit to do: starting one (tsx, the modules, the
 * manager) costs about a second, so a run with no more units than workers stays in this thread.
 */
function runnerFor(options: ConformanceOptions, units: number): JobRunner {
  const workers = options.workers ?? 1
  if (workers > 1 && units > workers && options.managerSource)
    return createThreadRunner(workers, options.managerSource, options.createManager)
  return createInlineRunner(options.createManager)
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const plan = await planRun(options)
  const all = unitsOf(plan.providers, plan.explorations, options)
  const units = options.shard ? unitsOfShard(all, options.shard) : all
  const progress = options.onProgress
  progress?.({
    type: 'planned',
    timelines: units.reduce((n, u) => n + (u.job.kind === 'timelines' ? u.job.runs : 0), 0),
    interleavings: units.reduce((n, u) => n + (u.job.kind === 'interleavings' ? u.job.runs : 0), 0),
    providers: plan.providers.map((p) => p.provider),
  })
  for (const p of plan.providers)
    progress?.({ type: 'provider_start', provider: p.provider, rules: p.checked.length, runs: options.runs })

  const parts = emptyParts()
  const runner = runnerFor(options, units.length)
  try {
    await Promise.all(
      units.map(async (unit) => {
        const provider = unit.job.provider
        const kind = unit.job.kind === 'interleavings' ? 'interleaving' : 'timeline'
        const onRun =
          progress && unit.job.kind !== 'standalone'
            ? () => progress({ type: 'run', provider, kind })
            : undefined
        const done = await runner.run(unit.job, onRun)
        if (unit.kind === 'timelines' && done.kind === 'timelines') {
          bucket(parts.timelines, unit.provider)[unit.index] = done.rows
        } else if (unit.kind === 'standalone' && done.kind === 'standalone') {
          parts.standalone[`${unit.provider}/${unit.rule}`] = {
            result: done.result,
            durationMs: done.durationMs,
          }
        } else if (unit.kind === 'interleavings' && done.kind === 'interleavings') {
          bucket(parts.explorations, unit.key)[unit.index] = explorationData(done.result)
        } else if (unit.kind === 'quirk-check' && done.kind === 'quirk-check') {
          parts.quirkChecks[unit.quirk] = done.row
        }
        parts.quirks[unit.id] = done.quirks
      }),
    )
  } finally {
    await runner.close()
  }

  const rows = await assembleRows(
    plan.providers,
    parts,
    {
      createManager: options.createManager,
      runs: options.runs,
      ...(options.interleavings !== undefined ? { interleavings: options.interleavings } : {}),
    },
    (provider, outcomes) => progress?.({ type: 'provider_done', provider, outcomes }),
  )
  const shard: ShardSection | undefined = options.shard
    ? {
        ...options.shard,
        providers: plan.providers.map((p) => p.provider),
        ...(options.rules ? { rules: [...options.rules] } : {}),
        ...(options.interleavings !== undefined ? { interleavings: options.interleavings } : {}),
        parts,
      }
    : undefined
  return reportOf(
    {
      seed: options.seed,
      runs: options.runs,
      manager: options.managerLabel,
      providers: plan.providers.map((p) => p.provider),
      plannedQuirks: plan.quirks,
    },
    rows,
    parts,
    shard,
  )
}

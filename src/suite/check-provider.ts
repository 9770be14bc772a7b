import fc from 'fast-check'
import { startStopwatch } from '../clock.ts'
import type { CreateManager } from '../manager/contract.ts'
import type { RuleDefinition, RuleId, StandaloneResult, Violation } from '../rules/types.ts'
import { createMockPool, type MockPool } from '../world/mock-pool.ts'
import type { TimelineEvent } from '../world/types.ts'
import { formatEvent } from '../world/timeline-format.ts'
import { type Counterexample, renderTrace } from './counterexample.ts'
import {
  createSimulation,
  fitEventToOrg,
  playAndJudge,
  replayTimeline,
  setupEvents,
  type Simulation,
} from './play.ts'
import { createStandaloneHarness } from './standalone-harness.ts'
import type { ProviderProfile } from './profile-types.ts'
import { eventArbitrary } from './timeline-arbitrary.ts'
import {
  cachedExplorer,
  type Explorer,
  exploreInterleavings,
  type InterleavingContext,
} from './interleavings.ts'
import { RuleViolationError } from './violation-error.ts'

/** One timeline event as a fast-check command: the oracle is the model, the world is the real system. */
class TimelineCommand implements fc.AsyncCommand<Simulation, Simulation> {
  constructor(readonly event: TimelineEvent) {}
  check(sim: Readonly<Simulation>): boolean {
    return fitEventToOrg(sim.org, this.event) !== undefined
  }
  async run(sim: Simulation): Promise<void> {
    await playAndJudge(sim, fitEventToOrg(sim.org, this.event)!)
  }
  toString(): string {
    return formatEvent(this.event)
  }
}

/** fast-check hands back its own wrappers around our commands; unwrap them to the timeline events. */
function timelineOf(commands: Iterable<unknown>): TimelineEvent[] {
  const events: TimelineEvent[] = []
  for (const item of commands) {
    const command = item instanceof TimelineCommand ? item : (item as { cmd?: unknown }).cmd
    if (command instanceof TimelineCommand) events.push(command.event)
  }
  return events
}

export type RuleStatus = 'pass' | 'fail' | 'skip'

export interface RuleOutcome {
  id: RuleId
  provider: string
  status: RuleStatus
  /** Generated timelines the rule was checked on (up to and including the failing one). */
  runs: number
  /** Steps where the rule had something to say, summed over those timelines. */
  checks: number
  durationMs: number
  counterexample?: Counterexample
  note?: string
}

export interface ProviderCheckOptions {
  profile: ProviderProfile
  createManager: CreateManager
  /** Rules to check; all must have a judge and apply to the profile's provider. */
  rules: readonly RuleDefinition[]
  seed: number
  runs: number
  maxCommands?: number
  managerInstances?: number
  /** Scheduled interleavings for the rules that explore them (see StandaloneContext). */
  interleavings?: number
  onRun?: () => void
  /** The job's mock pool: every timeline leases its mocks there (src/world/mock-pool.ts). */
  mocks?: MockPool
}

export { setupEvents } from './play.ts'

/**
 * Checks a provider's rules over generated timelines. All active rules are judged on every trace; when
 * one breaks, fast-check shrinks the timeline, the rules it broke are marked failed with that
 * counterexample, and the search continues for the rest. A passing suite costs one property run.
 */
export async function checkProvider(options: ProviderCheckOptions): Promise<RuleOutcome[]> {
  // The call owns its mock pool, as a run's job does (selfcheck plays mutants through here).
  const mocks = options.mocks ?? createMockPool()
  const results = await checkTimelines({ ...options, mocks })
  await checkStandaloneRules(
    options,
    results,
    cachedExplorer((explore) => exploreInterleavings({ ...explore, mocks })),
  )
  return options.rules.map((r) => results.get(r.id)).filter((r): r is RuleOutcome => r !== undefined)
}

/**
 * The generated-timeline half of checkProvider: one fast-check property over `runs` timelines with
 * `seed`. A run in chunks calls it once per chunk (see workers/chunks.ts) and merges the rows.
 */
export async function checkTimelines(
  options: Omit<ProviderCheckOptions, 'interleavings'>,
): Promise<Map<RuleId, RuleOutcome>> {
  const { profile } = options
  const results = new Map<RuleId, RuleOutcome>()
  let active = options.rules.filter((r) => r.judge !== undefined || r.judgeTrace !== undefined)
  const commandArb = eventArbitrary(profile).map((event) => new TimelineCommand(event))
  const checks = new Map<RuleId, number>()
  // The rules of one property run share its time: each is charged its share, so the rows of a provider
  // add up to the time it took (JUnit sums them; charging every rule the whole run counted it N times).
  const spentMs = new Map<RuleId, number>()
  const charge = (ids: readonly RuleId[], ms: number) => {
    for (const id of ids) spentMs.set(id, (spentMs.get(id) ?? 0) + ms / ids.length)
  }

  while (active.length > 0) {
    const rules = active
    const elapsed = startStopwatch()
    let runs = 0
    const property = fc.asyncProperty(
      profile.org,
      fc.commands([commandArb], { maxCommands: options.maxCommands ?? 30, size: 'medium' }),
      async (org, commands) => {
        runs++
        options.onRun?.()
        const sim = createSimulation({
          org,
          createManager: options.createManager,
          rules,
          ...(options.managerInstances !== undefined ? { managerInstances: options.managerInstances } : {}),
          ...(options.mocks ? { mocks: options.mocks } : {}),
        })
        try {
          for (const event of setupEvents(org)) await playAndJudge(sim, event)
          await fc.asyncModelRun(() => ({ model: sim, real: sim }), commands)
        } finally {
          await sim.world.close()
          for (const [id, n] of sim.oracle.checks) checks.set(id, (checks.get(id) ?? 0) + n)
        }
      },
    )
    const details = await fc.check(property, { seed: options.seed, numRuns: options.runs })
    charge(
      rules.map((r) => r.id),
      elapsed(),
    )

    if (!details.failed) {
      for (const rule of rules) {
        const ruleChecks = checks.get(rule.id) ?? 0
        // A rule that never had anything to say proved nothing: say so instead of passing it.
        results.set(rule.id, {
          id: rule.id,
          provider: profile.provider,
          status: ruleChecks > 0 ? 'pass' : 'skip',
          runs: details.numRuns,
          checks: ruleChecks,
          durationMs: spentMs.get(rule.id) ?? 0,
          ...(ruleChecks > 0 ? {} : { note: `never exercised in ${details.numRuns} generated timelines` }),
        })
      }
      break
    }

    const error = details.errorInstance
    if (!(error instanceof RuleViolationError) || !details.counterexample) {
      // The harness itself (or a manager crash outside a call) failed: every active rule is unproven.
      const message = error instanceof Error ? error.message : String(error)
      for (const rule of rules) {
        results.set(rule.id, {
          id: rule.id,
          provider: profile.provider,
          status: 'fail',
          runs,
          checks: checks.get(rule.id) ?? 0,
          durationMs: spentMs.get(rule.id) ?? 0,
          note: `the run crashed: ${message}`,
        })
      }
      break
    }

    const [org, commands] = details.counterexample
    const fitted = timelineOf(commands).map((e) => fitEventToOrg(org, e))
    const events = [...setupEvents(org), ...fitted.filter((e): e is TimelineEvent => e !== undefined)]
    const replay = await replayTimeline({
      org,
      createManager: options.createManager,
      rules,
      events,
      ...(options.managerInstances !== undefined ? { managerInstances: options.managerInstances } : {}),
    })
    const violations: Violation[] = replay.violations.length > 0 ? replay.violations : error.violations
    const played = replay.stoppedAt !== undefined ? events.slice(0, replay.stoppedAt + 1) : events
    const broken = new Set(violations.map((v) => v.rule))
    for (const ruleId of broken) {
      results.set(ruleId, {
        id: ruleId,
        provider: profile.provider,
        status: 'fail',
        runs: details.numRuns,
        checks: checks.get(ruleId) ?? 0,
        durationMs: spentMs.get(ruleId) ?? 0,
        counterexample: {
          rule: ruleId,
          provider: profile.provider,
          seed: details.seed,
          path: details.counterexamplePath ?? '',
          org,
          events: played,
          lines: renderTrace(replay.trace, violations),
          violations: violations.filter((v) => v.rule === ruleId),
          reproduced: replay.violations.some((v) => v.rule === ruleId),
        },
      })
    }
    active = active.filter((r) => !broken.has(r.id))
  }
  return results
}

/**
 * The standalone half of checkProvider: each rule's own check, folded into the timeline rows in
 * `results`. `explore` runs the interleaving explorations the rules ask for; the caller owns its cache.
 */
export async function checkStandaloneRules(
  options: ProviderCheckOptions,
  results: Map<RuleId, RuleOutcome>,
  explore: Explorer,
): Promise<void> {
  const { profile } = options
  for (const rule of options.rules) {
    if (!rule.standalone) continue
    // Already failed on a generated timeline: its own check could only add time, not change the verdict.
    if (results.get(rule.id)?.status === 'fail') continue
    const elapsed = startStopwatch()
    const context: InterleavingContext = {
      provider: profile.provider,
      profile,
      createManager: options.createManager,
      seed: options.seed,
      runs: options.runs,
      ...(options.interleavings !== undefined ? { interleavings: options.interleavings } : {}),
      explore,
    }
    const own = await rule.standalone({ ...context, harness: createStandaloneHarness(context) })
    foldStandaloneResult(results, rule.id, profile.provider, own, elapsed())
  }
}

/** Folds a rule's standalone result into its timeline row (a timeline failure stands; counts add up). */
export function foldStandaloneResult(
  results: Map<RuleId, RuleOutcome>,
  ruleId: RuleId,
  provider: string,
  own: StandaloneResult,
  durationMs: number,
): void {
  const previous = results.get(ruleId)
  if (own.status === 'skip' && previous && previous.status !== 'skip') return
  if (previous?.status === 'fail') return
  results.set(ruleId, {
    id: ruleId,
    provider,
    status: own.status,
    runs: (previous?.runs ?? 0) + own.runs,
    checks: (previous?.checks ?? 0) + own.checks,
    durationMs: (previous?.durationMs ?? 0) + durationMs,
    ...(own.counterexample ? { counterexample: own.counterexample } : {}),
    ...(own.note ? { note: own.note } : {}),
  })
}

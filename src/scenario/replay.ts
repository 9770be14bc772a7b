/**
 * Plays a scenario on a fresh world, judging every step, and stops at the first broken rule. An
 * absolute step time (`day 3 09:00`) waits until then; a relative one (`+12h`) waits that long after
 * the previous step ended. Deterministic for a deterministic manager.
 */
import { withRealTimeout } from '../clock.ts'
import type { CreateManager, ProviderId } from '../manager/contract.ts'
import { RULES, ruleAppliesTo, ruleById } from '../rules/catalogue/index.ts'
import type { RuleDefinition, RuleId, Violation } from '../rules/types.ts'
import { replayInterleaving } from '../suite/interleavings.ts'
import { createSimulation, playAndJudge, type Simulation } from '../suite/play.ts'
import { RuleViolationError } from '../suite/violation-error.ts'
import type { OrgSpec, TimelineEvent, TraceStep } from '../world/types.ts'
import { type TriageRow, type TriageVerdict, triageTrace } from '../triage.ts'
import { formatResult } from '../world/timeline-format.ts'
import { formatOutcomeExpectation, outcomeMatches } from './outcome-expectation.ts'
import { type CompiledScenario, stepDurationMs } from './scenario-schema.ts'
import type { ScenarioExpect } from './types.ts'

/** Real-time bound on replaying a recorded interleaving. */
const SCHEDULED_REPLAY_LIMIT_MS = 60_000

export interface ScenarioReplay {
  trace: TraceStep[]
  /** The events actually played, waits included. */
  events: TimelineEvent[]
  violations: Violation[]
  /** The trace index of the step that broke a rule; later steps were not played. */
  stoppedAt?: number
  /** The scenario step (index into `steps`) that broke a rule. */
  stoppedAtStep?: number
  rules: readonly RuleDefinition[]
  /** The manager or the world failed outside a judged step (e.g. clearCredentials threw). */
  crash?: { message: string; step: number }
  /** For each trace step, the scenario step (index into `steps`) it belongs to. */
  stepOfTrace?: number[]
  /** For a scheduled (interleaving) scenario: the interleaving, printed operation by operation. */
  lines?: string[]
  /** Manager processes sharing the store in this replay. */
  instances?: number
}

/** The rules that can judge a timeline on this org: named ones, or every per-step/trace rule of its providers. */
export function timelineRules(org: OrgSpec, ids?: readonly RuleId[]): RuleDefinition[] {
  if (ids && ids.length > 0) return ids.map((id) => ruleById(id))
  const providers = new Set<ProviderId>(org.packs.map((p) => p.provider))
  return RULES.filter(
    (r) =>
      (r.judge !== undefined || r.judgeTrace !== undefined) &&
      [...providers].some((p) => ruleAppliesTo(r, p)),
  )
}

export async function replayScenario(
  scenario: Parameters<typeof replayOnce>[0],
  options: Parameters<typeof replayOnce>[1],
): Promise<ScenarioReplay> {
  const instances = options.managerInstances ?? scenario.definition?.instances ?? 1
  return { ...(await replayOnce(scenario, options)), instances }
}

async function replayOnce(
  scenario: Pick<CompiledScenario, 'org' | 'steps'> & {
    definition?: { rules?: RuleId[]; instances?: number; schedule?: number[]; expect?: ScenarioExpect }
  },
  options: {
    createManager: CreateManager
    rules?: readonly RuleDefinition[]
    managerInstances?: number
    /**
     * Play the whole timeline, collecting every broken rule, instead of stopping at the first
     * (`reconnect-lab scenario`). A counterexample replays to its first violation (the default).
     */
    keepGoing?: boolean
  },
): Promise<ScenarioReplay> {
  const rules = options.rules ?? timelineRules(scenario.org, scenario.definition?.rules)
  const instances = options.managerInstances ?? scenario.definition?.instances
  const schedule = scenario.definition?.schedule
  if (schedule !== undefined)
    return replayScheduled(scenario, schedule, instances ?? 1, rules, options.createManager)
  const sim = createSimulation({
    org: scenario.org,
    createManager: options.createManager,
    rules,
    ...(instances !== undefined ? { managerInstances: instances } : {}),
  })
  const triage = scenario.definition?.expect?.triage
  try {
    return await playSteps(sim, scenario.steps, rules, {
      keepGoing: options.keepGoing === true,
      ...(triage !== undefined ? { triage: typeof triage === 'string' ? { verdict: triage } : triage } : {}),
    })
  } finally {
    // Every manager of this replay is dropped (its dispose awaited), however the replay ended.
    await sim.world.close()
  }
}

async function playSteps(
  sim: Simulation,
  steps: CompiledScenario['steps'],
  rules: readonly RuleDefinition[],
  options: { keepGoing: boolean; triage?: { verdict: TriageVerdict; row?: TriageRow } },
): Promise<ScenarioReplay> {
  const { keepGoing } = options
  const byFile = judgedByFile(rules)
  const start = sim.world.clock.now()
  const events: TimelineEvent[] = []
  const play = async (event: TimelineEvent) => {
    events.push(event)
    await playAndJudge(sim, event)
  }
  const kept: Violation[] = []
  const seen = new Set<string>()
  const stepOfTrace: number[] = []
  for (const [index, step] of steps.entries()) {
    try {
      if (step.at) {
        const elapsed = sim.world.clock.now() - start
        const wait = step.at.kind === 'relative' ? step.at.ms : step.at.elapsedMs - elapsed
        if (wait > 0) await play({ type: 'advance', ms: wait }).finally(() => stepOfTrace.push(index))
      }
      await play(step.event).finally(() => stepOfTrace.push(index))
      if (byFile.length > 0) fileExpectations(sim, byFile, step, index === steps.length - 1, options.triage)
    } catch (error) {
      if (error instanceof RuleViolationError && keepGoing) {
        // Whole-trace rules report the same violation again on every later step: keep each once.
        for (const v of error.violations) {
          const key = `${v.rule}\u0000${v.stepIndex}\u0000${v.because}`
          if (seen.has(key)) continue
          seen.add(key)
          kept.push(v)
        }
        continue
      }
      if (error instanceof RuleViolationError) {
        return {
          trace: sim.world.trace,
          events,
          violations: error.violations,
          stoppedAt: error.step.index,
          stoppedAtStep: index,
          rules,
        }
      }
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      return {
        trace: sim.world.trace,
        events,
        violations: kept,
        rules,
        stepOfTrace,
        crash: { message, step: index },
      }
    }
  }
  return { trace: sim.world.trace, events, violations: kept, rules, stepOfTrace }
}

/**
 * Rules with no judgement of their own on a timeline: the standalone checks (a scripted horizon, the
 * triage table). Named in a file's `rules:` (their counterexample files), they are judged by the
 * file's own expectations, which the check wrote: each step's `expect:` and `expect.triage`.
 */
export function judgedByFile(rules: readonly RuleDefinition[]): RuleDefinition[] {
  return rules.filter(
    (r) => r.judge === undefined && r.judgeTrace === undefined && r.standalone !== undefined,
  )
}

/** Throws RuleViolationError when the step just played is not what the file expects of it (or, last, its triage). */
function fileExpectations(
  sim: Simulation,
  rules: readonly RuleDefinition[],
  step: CompiledScenario['steps'][number],
  last: boolean,
  triage: { verdict: TriageVerdict; row?: TriageRow } | undefined,
): void {
  const played = sim.world.trace[sim.world.trace.length - 1]
  if (!played) return
  const where = step.line !== undefined ? ` (line ${step.line})` : ''
  const problems: string[] = []
  if (step.expect && !outcomeMatches(step.expect, played.result))
    problems.push(
      `the file expects this step to end in ${formatOutcomeExpectation(step.expect)}${where}; it ended in ${formatResult(played.result) || played.result.kind}`,
    )
  if (last && triage) {
    const report = triageTrace(sim.world.trace, sim.org)
    if (report.verdict !== triage.verdict || (triage.row !== undefined && report.row !== triage.row))
      problems.push(
        `the file expects triage ${triage.verdict}${triage.row ? ` (${triage.row})` : ''}; triage said ${report.verdict} (${report.row})`,
      )
  }
  if (problems.length === 0) return
  throw new RuleViolationError(
    rules.flatMap((rule) =>
      problems.map((because) => ({
        rule: rule.id,
        stepIndex: played.index,
        because,
        allowed: [],
        actual: played.result,
      })),
    ),
    played,
  )
}

/**
 * A recorded interleaving: the timeline (times as waits) under the scheduler's recorded choices, via
 * the interleaving explorer's own replay, so the concurrent operations happen in the recorded order.
 */
async function replayScheduled(
  scenario: Pick<CompiledScenario, 'org' | 'steps'>,
  schedule: readonly number[],
  instances: number,
  rules: readonly RuleDefinition[],
  createManager: CreateManager,
): Promise<ScenarioReplay> {
  const events: TimelineEvent[] = []
  const stepOf: number[] = []
  let cursor = 0
  scenario.steps.forEach((step, index) => {
    if (step.at) {
      const wait = step.at.kind === 'relative' ? step.at.ms : step.at.elapsedMs - cursor
      if (wait > 0) {
        events.push({ type: 'advance', ms: wait })
        stepOf.push(index)
        cursor += wait
      }
    }
    events.push(step.event)
    stepOf.push(index)
    cursor += stepDurationMs(step.event)
  })
  // The explorer connects everyone first itself; the file spells those connects out (validated).
  const setup = scenario.org.packs.length * scenario.org.teammates.length
  try {
    // A schedule that no longer fits its timeline (edited by hand) could wait forever: bound it.
    const replayed = await withRealTimeout(
      replayInterleaving({
        scenario: { org: scenario.org, instances, events: events.slice(setup) },
        choices: schedule,
        createManager,
        rules,
      }),
      SCHEDULED_REPLAY_LIMIT_MS,
      () =>
        new Error(
          `the recorded schedule did not finish within ${SCHEDULED_REPLAY_LIMIT_MS / 1000} s: it does not fit this timeline`,
        ),
    )
    const last = replayed.trace.length - 1
    return {
      trace: replayed.trace,
      events: events.slice(0, replayed.trace.length),
      violations: replayed.violations,
      rules,
      lines: replayed.lines,
      // The explorer plays one trace step per event, setup connects and waits included.
      stepOfTrace: stepOf.slice(0, replayed.trace.length),
      ...(replayed.violations.length > 0 ? { stoppedAt: last, stoppedAtStep: stepOf[last] ?? last } : {}),
    }
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    return { trace: [], events, violations: [], rules, crash: { message, step: 0 } }
  }
}

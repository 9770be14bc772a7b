/**
 * Scheduled interleavings: concurrent runs, several manager processes over one credential store,
 * crashes, restarts, lost answers and store outages, explored with fast-check's scheduler.
 *
 * Every IO point of a manager process (a request reaching the source, its answer reaching the
 * process, a store read, a store write) is a task on a fast-check scheduler (`fc.schedulerFor`), and
 * a crash is one more task. Which pending task runs next is decided by a list of choices that
 * fast-check generates and shrinks (`fc.array(fc.nat())`: choice k picks among the tasks pending at
 * decision k; a missing or zero choice runs the oldest pending task). So a failing interleaving
 * shrinks on both axes: the scenario (fewer runs, instances, faults, steps) and the schedule (towards
 * "oldest first", keeping only the preemptions the bug needs). fc.scheduler() explores the same space
 * but cannot shrink its schedule; that is why the ordering is ours and the scheduler is fast-check's.
 *
 * One property run is one scenario played under one schedule: one "scheduled interleaving".
 */
import type { MockPool } from '../world/mock-pool.ts'
import fc from 'fast-check'
import { MINUTE_MS, yieldToEventLoop } from '../clock.ts'
import type { Fault } from '../../mocks/types.ts'
import type { CreateManager } from '../manager/contract.ts'
import { settledOf } from '../manager/settling.ts'
import { Oracle } from '../oracle/oracle.ts'
import { rotationLedgerOf } from '../rules/ledger-invariants.ts'
import { TraceIndexes } from '../rules/trace-indexes.ts'
import type { RuleDefinition, RuleId, StandaloneResult, Violation } from '../rules/types.ts'
import type { OrgSpec, TimelineEvent, TraceStep } from '../world/types.ts'
import { createWorld, type World } from '../world/world.ts'
import type { Counterexample } from './counterexample.ts'
import { renderInterleaving } from './interleavings-render.ts'
import { rotatingSetupOf } from './interleavings-setups.ts'
import type { ProviderProfile } from './profile-types.ts'
import { setupEvents } from './play.ts'
import { RuleViolationError } from './violation-error.ts'

/** Scheduled interleavings per provider in the full suite (`reconnect-lab run`), at least. */
export const DEFAULT_INTERLEAVINGS = 1000

/** A scenario: an org, how many manager processes share its store, and the timeline after everyone connected. */
export interface InterleavingScenario {
  org: OrgSpec
  instances: number
  events: TimelineEvent[]
}

/** A failing interleaving: the scenario, the schedule's choices, and the interleaving printed step by step. */
export interface InterleavingCounterexample extends Counterexample {
  instances: number
  /** The events after the setup (everyone connects), up to the breaking step: replayInterleaving's input. */
  scenarioEvents: TimelineEvent[]
  /** The scheduler's choices (replayInterleaving plays them back). */
  choices: number[]
  /** Interleavings tried before the first failing one was found (before shrinking). */
  foundAfter: number
  /** Shrinking steps fast-check took from the first failing interleaving to this one. */
  shrinks: number
}

export interface ExploreOptions {
  profile: ProviderProfile
  createManager: CreateManager
  rules: readonly RuleDefinition[]
  seed: number
  /** Scheduled interleavings to try (property runs). */
  runs: number
  /** Use the profile's rotating setup (rotation-is-durable needs one) or its ordinary orgs. */
  setup: 'rotating' | 'ordinary'
  /** A run that hangs this long (real time) fails as a crash, not a hung suite. */
  timeoutMs?: number
  /** Called as each interleaving completes (progress). */
  onRun?: () => void
  /** The job's mock pool: every interleaving leases its mocks there (src/world/mock-pool.ts). */
  mocks?: MockPool
}

/** Runs an exploration. The run supplies one (cached, maybe chunked over worker threads); see cachedExplorer. */
export type Explorer = (options: ExploreOptions) => Promise<ExploreResult>

export interface ExploreResult {
  /** Interleavings played. */
  runs: number
  /** Per rule: steps where it had something to say, plus refresh presentations it examined. */
  checks: Map<RuleId, number>
  /** Interleavings in which two or more runs were in flight at once. */
  concurrentInterleavings: number
  /** How many passing interleavings contained each kind of trouble (see coverageOf). */
  coverage: Record<CoverageKind, number>
  failures: Map<RuleId, InterleavingCounterexample>
  /** The exploration itself failed (a manager crash outside a run, a hang): every active rule unproven. */
  crashed?: string
}

const TOKEN_FAULTS: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('http_error' as const), status: fc.constantFrom(500, 502, 503) }),
  fc.record({
    kind: fc.constant('http_error' as const),
    status: fc.constant(429),
    retryAfterSeconds: fc.constantFrom(1, 20, 120),
  }),
  fc.record({ kind: fc.constant('connection_reset' as const) }),
  fc.record({ kind: fc.constant('latency' as const), ms: fc.constantFrom(2000, 30_000) }),
  fc.record({ kind: fc.constant('commit_then_drop' as const) }),
  fc.record({ kind: fc.constant('omit_refresh_token' as const) }),
)

/** Jumps around the lease (5 min), the reuse leeways (3 s, 10 min) and the lingering-trouble window. */
const SHORT_JUMPS = [1000, 10_000, 6 * MINUTE_MS, 11 * MINUTE_MS] as const

function orgOf(profile: ProviderProfile, setup: ExploreOptions['setup']): fc.Arbitrary<OrgSpec> {
  const rotating = rotatingSetupOf(profile)
  return setup === 'rotating' && rotating ? rotating.org : profile.org
}

/** The scenarios: faults, a jump that makes a refresh due, a burst of concurrent runs, then a few more steps. */
export function scenarioArbitrary(
  profile: ProviderProfile,
  setup: ExploreOptions['setup'],
): fc.Arbitrary<InterleavingScenario> {
  const rotating = setup === 'rotating' ? rotatingSetupOf(profile) : undefined
  const due = rotating?.refreshDueMs ?? profile.durationsMs
  return fc
    .record({ org: orgOf(profile, setup), instances: fc.integer({ min: 1, max: 3 }) })
    .chain(({ org, instances }) => {
      const teammate = fc.constantFrom(...org.teammates)
      const pack = fc.constantFrom(...org.packs.map((p) => p.id))
      const instance = fc.integer({ min: 0, max: instances - 1 })
      const crash = fc.record({ instance, atIo: fc.integer({ min: 1, max: 14 }) })
      const burst: fc.Arbitrary<TimelineEvent> = fc
        .record({
          runs: fc.array(fc.record({ teammate, pack, instance }), { minLength: 2, maxLength: 4 }),
          crash: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: crash }),
        })
        .map(
          ({ runs, crash }): TimelineEvent => ({
            type: 'concurrent_runs',
            runs,
            ...(crash === undefined ? {} : { crash: crash.instance, crashAtIo: crash.atIo }),
          }),
        )
      const trouble: fc.Arbitrary<TimelineEvent> = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            type: fc.constant('fault' as const),
            pack,
            endpoint: fc.constant('token' as const),
            fault: TOKEN_FAULTS,
            times: fc.integer({ min: 1, max: 3 }),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            type: fc.constant('store_fault' as const),
            failures: fc.integer({ min: 1, max: 3 }),
            afterWrites: fc.integer({ min: 0, max: 2 }),
          }),
        },
      )
      const dueJump = fc.constantFrom(...due).map((ms): TimelineEvent => ({ type: 'advance', ms }))
      const later: fc.Arbitrary<TimelineEvent> = fc.oneof(
        { weight: 4, arbitrary: burst },
        { weight: 2, arbitrary: dueJump },
        {
          weight: 2,
          arbitrary: fc.constantFrom(...SHORT_JUMPS).map((ms): TimelineEvent => ({ type: 'advance', ms })),
        },
        { weight: 2, arbitrary: trouble },
        { weight: 1, arbitrary: fc.constant<TimelineEvent>({ type: 'restart_manager' }) },
        { weight: 1, arbitrary: fc.record({ type: fc.constant('run' as const), teammate, pack }) },
      )
      // Successful refreshes before the trouble, so faults also strike after one or more rotations
      // (a source's answer without a refresh token means something else once the manager saw it rotate).
      const rotation = fc
        .tuple(dueJump, fc.record({ type: fc.constant('run' as const), teammate, pack }))
        .map(([jump, run]): TimelineEvent[] => [jump, run])
      return fc
        .record({
          warmup: fc.oneof(
            { weight: 2, arbitrary: fc.constant<TimelineEvent[][]>([]) },
            { weight: 1, arbitrary: fc.array(rotation, { minLength: 1, maxLength: 2 }) },
          ),
          before: fc.array(trouble, { maxLength: 2 }),
          jump: dueJump,
          first: burst,
          after: fc.array(later, { maxLength: 4 }),
        })
        .map(({ warmup, before, jump, first, after }) => ({
          org,
          instances,
          events: [...warmup.flat(), ...before, jump, first, ...after],
        }))
    })
}

/**
 * The ordering fast-check's schedulerFor reads: the k-th real decision (two or more tasks pending)
 * takes the pending task at position `choices[k] % pending` (oldest first), 0 once the choices run
 * out; with one task pending there is nothing to decide and no choice is used. fast-check reads each
 * entry several times while it looks the task up, so each decision is taken once and remembered.
 */
function choiceOrdering(choices: readonly number[]): {
  ordering: number[]
  scheduled(label: string): void
  /** Orders the tasks scheduled since the last decision by label (out-of-process managers). */
  sortArrivals(): void
  pendingCount(): number
} {
  const pending: number[] = []
  const labels = new Map<number, string>()
  let sortedUpTo = 0
  const decided = new Map<number, number>()
  let lastId = 0
  let decisions = 0
  const ordering = new Proxy<number[]>([], {
    get(target, property, receiver) {
      if (property === 'length') return Number.MAX_SAFE_INTEGER
      if (typeof property === 'string' && /^\d+$/.test(property)) {
        const k = Number(property)
        const known = decided.get(k)
        if (known !== undefined) return known
        if (pending.length === 0) return undefined
        const choice = pending.length > 1 ? (choices[decisions++] ?? 0) : 0
        const at = choice % pending.length
        const [id] = pending.splice(at, 1)
        if (at < sortedUpTo) sortedUpTo--
        decided.set(k, id!)
        labels.delete(id!)
        return id
      }
      return Reflect.get(target, property, receiver)
    },
  })
  return {
    ordering,
    scheduled: (label) => {
      pending.push(++lastId)
      labels.set(lastId, label)
    },
    pendingCount: () => pending.length,
    sortArrivals() {
      // Arrival order within one batch is real-time order for a manager in another process; the
      // label (process, run, operation, key) is the world's. Ties keep arrival order.
      const batch = pending.splice(sortedUpTo)
      batch.sort((a, b) => {
        const x = labels.get(a) ?? ''
        const y = labels.get(b) ?? ''
        return x < y ? -1 : x > y ? 1 : 0
      })
      pending.push(...batch)
      sortedUpTo = pending.length
    },
  }
}

interface Played {
  trace: TraceStep[]
  violations: Violation[]
  checks: Map<RuleId, number>
  concurrent: boolean
  /** The whole-trace rules' indexes over `trace` (coverage reads the rotation ledger again). */
  indexes: TraceIndexes
}

export type CoverageKind =
  | 'several_processes'
  | 'crash'
  | 'lost_answer'
  | 'missing_refresh_token'
  | 'store_outage'
  | 'lease_wait'
  | 'reuse_excused'
  | 'retry_after'

/** What kinds of trouble one played interleaving met. */
export function coverageOf(
  trace: readonly TraceStep[],
  indexes: TraceIndexes = new TraceIndexes(),
): Set<CoverageKind> {
  const kinds = new Set<CoverageKind>()
  const procs = new Set<number>()
  const leasedBy = new Map<string, string>()
  const procKey = (p: { instance: number; generation: number }) => `${p.instance}.${p.generation}`
  for (const e of trace.flatMap((s) => s.io ?? [])) {
    procs.add(e.proc.instance)
    if (e.kind === 'crash' && e.runs.length > 0) kinds.add('crash')
    if (e.kind === 'token_request') {
      if (e.dropped && e.ledger.some((l) => l.type === 'refresh' && l.result === 'issued'))
        kinds.add('lost_answer')
      if (e.fault === 'omit_refresh_token') kinds.add('missing_refresh_token')
      if (e.retryAfterMs !== undefined) kinds.add('retry_after')
    }
    if (e.kind === 'store_write' && e.result === 'failed') kinds.add('store_outage')
    if (e.kind === 'store_write' && e.result === 'ok') {
      if (e.leased) leasedBy.set(e.key, procKey(e.proc))
      else leasedBy.delete(e.key)
    }
    // A process found the credential under another process's lease.
    if (e.kind === 'store_read' && e.leased && leasedBy.get(e.key) !== procKey(e.proc))
      kinds.add('lease_wait')
  }
  if (procs.size > 1) kinds.add('several_processes')
  if (rotationLedgerOf(trace, indexes).reuses.some((r) => r.excused)) kinds.add('reuse_excused')
  return kinds
}

/** Real-time silence after which a replay takes a call of an out-of-process manager as blocked inside it. */
const REPLAY_SETTLE_SILENCE_MS = 200

/** fast-check's hook around each scheduling decision. */
type SchedulerAct = (release: () => Promise<void>) => Promise<void>

/** Plays one scenario under one schedule, stopping after the first step that breaks a rule. */
async function play(
  scenario: InterleavingScenario,
  choices: readonly number[],
  createManager: CreateManager,
  rules: readonly RuleDefinition[],
  attributeRuns = false,
  mocks?: MockPool,
): Promise<Played> {
  const { ordering, scheduled, sortArrivals, pendingCount } = choiceOrdering(choices)
  const scheduler = fc.schedulerFor(ordering)
  const world = createWorld({
    org: scenario.org,
    createManager,
    managerInstances: scenario.instances,
    attributeRuns,
    ...(mocks ? { mocks } : {}),
    interleave: (label) => {
      scheduled(label)
      return scheduler.schedule(Promise.resolve(), label).then(() => undefined)
    },
  })
  // Before each decision, wait until the manager has nothing in motion, so the pending IO points are
  // the world's, then order what became pending together by the world's labels. In process, that is
  // one turn of the event loop (its work is promises); a manager in another process says when it has
  // settled (settledOf). Both take the same decisions, so the same choices give the same
  // interleaving in process and over the protocol (parity.test.ts).
  const settled = settledOf(createManager)
  const act: SchedulerAct = async (release) => {
    // A replay waits longer for a silent process than the exploration: it must reproduce exactly.
    // Harness-side work (reading a request body, queueing for a mock) also takes event-loop
    // turns before it reaches its IO point: settle until the pending set stops growing.
    for (let round = 0; round < 20; round++) {
      const before = pendingCount()
      if (settled) await settled(attributeRuns ? REPLAY_SETTLE_SILENCE_MS : undefined)
      await yieldToEventLoop()
      if (pendingCount() === before) break
    }
    sortArrivals()
    return release()
  }
  try {
    return await playIn(world, scheduler, scenario, rules, act)
  } finally {
    await world.close()
  }
}

async function playIn(
  world: World,
  scheduler: fc.Scheduler,
  scenario: InterleavingScenario,
  rules: readonly RuleDefinition[],
  act: SchedulerAct,
): Promise<Played> {
  const oracle = new Oracle(scenario.org)
  const indexes = new TraceIndexes()
  let concurrent = false
  for (const event of [...setupEvents(scenario.org), ...scenario.events]) {
    const step = await scheduler.waitFor(world.apply(event), act)
    concurrent ||= overlapped(step)
    const violations = oracle.judge(step, rules)
    for (const rule of rules)
      if (rule.judgeTrace) violations.push(...rule.judgeTrace(world.trace, scenario.org, indexes))
    if (violations.length > 0)
      return { trace: world.trace, violations, checks: new Map(), concurrent, indexes }
  }
  const checks = new Map(oracle.checks)
  const presentations = rotationLedgerOf(world.trace, indexes)
  for (const rule of rules) {
    if (rule.id === 'rotation-is-durable') {
      const refreshes = world.trace
        .flatMap((s) => s.io ?? [])
        .filter((e) => e.kind === 'token_request' && e.grantType === 'refresh_token').length
      checks.set(rule.id, (checks.get(rule.id) ?? 0) + refreshes + presentations.reuses.length)
    }
  }
  return { trace: world.trace, violations: [], checks, concurrent, indexes }
}

/** Two runs of one step were in flight at once (one started before another ended). */
function overlapped(step: TraceStep): boolean {
  let open = 0
  for (const e of step.io ?? []) {
    if (e.kind === 'run_start') {
      if (++open >= 2) return true
    } else if (e.kind === 'run_end' || e.kind === 'crash') open = Math.max(0, open - 1)
  }
  return false
}

export interface ReplayedInterleaving {
  trace: TraceStep[]
  violations: Violation[]
  lines: string[]
}

/** Plays a scenario under recorded choices again, stopping at the first broken rule. */
export async function replayInterleaving(options: {
  scenario: InterleavingScenario
  choices: readonly number[]
  createManager: CreateManager
  rules: readonly RuleDefinition[]
}): Promise<ReplayedInterleaving> {
  const played = await play(options.scenario, options.choices, options.createManager, options.rules, true)
  return {
    trace: played.trace,
    violations: played.violations,
    lines: renderInterleaving(played.trace, played.violations),
  }
}

/**
 * Explores `runs` scheduled interleavings. All rules are judged on every interleaving; when one
 * breaks, fast-check shrinks scenario and schedule, the rules it broke get that counterexample, and
 * the exploration goes on for the rest (as checkProvider does for timelines).
 */
export async function exploreInterleavings(options: ExploreOptions): Promise<ExploreResult> {
  const { profile } = options
  const checks = new Map<RuleId, number>()
  const failures = new Map<RuleId, InterleavingCounterexample>()
  let active = [...options.rules]
  let runs = 0
  let concurrentInterleavings = 0
  const coverage: Record<CoverageKind, number> = {
    several_processes: 0,
    crash: 0,
    lost_answer: 0,
    missing_refresh_token: 0,
    store_outage: 0,
    lease_wait: 0,
    reuse_excused: 0,
    retry_after: 0,
  }
  const scenarios = scenarioArbitrary(profile, options.setup)
  const choices = fc.array(fc.nat({ max: 0xffff }), { maxLength: 96 })

  while (active.length > 0) {
    const rules = active
    const property = fc.asyncProperty(scenarios, choices, async (scenario, picks) => {
      runs++
      options.onRun?.()
      const played = await play(scenario, picks, options.createManager, rules, false, options.mocks)
      if (played.violations.length > 0) {
        throw new RuleViolationError(played.violations, played.trace[played.trace.length - 1]!)
      }
      if (played.concurrent) concurrentInterleavings++
      for (const kind of coverageOf(played.trace, played.indexes)) coverage[kind]++
      for (const [id, n] of played.checks) checks.set(id, (checks.get(id) ?? 0) + n)
    })
    const details = await fc.check(property, {
      seed: options.seed,
      numRuns: options.runs,
      timeout: options.timeoutMs ?? 20_000,
    })
    if (!details.failed) break
    const error = details.errorInstance
    if (!(error instanceof RuleViolationError) || !details.counterexample) {
      const message = error instanceof Error ? error.message : String(error)
      return { runs, checks, concurrentInterleavings, coverage, failures, crashed: message }
    }
    const [scenario, picks] = details.counterexample
    const replay = await replayInterleaving({
      scenario,
      choices: picks,
      createManager: options.createManager,
      rules,
    })
    const violations = replay.violations.length > 0 ? replay.violations : error.violations
    const broken = new Set(violations.map((v) => v.rule))
    const events = [...setupEvents(scenario.org), ...scenario.events]
    for (const rule of broken) {
      failures.set(rule, {
        rule,
        provider: profile.provider,
        seed: details.seed,
        path: details.counterexamplePath ?? '',
        org: scenario.org,
        events: replay.trace.length > 0 ? events.slice(0, replay.trace.length) : events,
        lines: replay.lines,
        violations: violations.filter((v) => v.rule === rule),
        reproduced: replay.violations.some((v) => v.rule === rule),
        instances: scenario.instances,
        scenarioEvents: scenario.events.slice(
          0,
          Math.max(0, replay.trace.length - setupEvents(scenario.org).length),
        ),
        choices: [...picks],
        foundAfter: details.numRuns,
        shrinks: details.numShrinks,
      })
    }
    active = active.filter((r) => !broken.has(r.id))
  }
  return { runs, checks, concurrentInterleavings, coverage, failures }
}

/** What the interleaving exploration of one provider needs (the suite's half of a StandaloneContext). */
export interface InterleavingContext {
  provider: ProviderProfile['provider']
  profile: ProviderProfile
  createManager: CreateManager
  seed: number
  runs: number
  interleavings?: number
  /** The run's explorer (cached, maybe chunked over worker threads); absent: explore here, uncached. */
  explore?: Explorer
}

/** The key under which an exploration is shared: everything that decides its result but the manager. */
export function explorationKey(options: ExploreOptions): string {
  return `${options.profile.provider}/${options.seed}/${options.runs}/${options.setup}/${options.rules.map((r) => r.id).join(',')}`
}

/**
 * An explorer that runs each distinct exploration once. It belongs to the run that creates it (no
 * module-level cache: a second run in the same process explores again, as it must).
 */
export function cachedExplorer(explore: Explorer): Explorer {
  const byKey = new Map<string, Promise<ExploreResult>>()
  return (options) => {
    const key = explorationKey(options)
    let exploration = byKey.get(key)
    if (!exploration) {
      exploration = explore(options)
      byKey.set(key, exploration)
    }
    return exploration
  }
}

/**
 * The standalone check of an interleaving rule: at least DEFAULT_INTERLEAVINGS scheduled
 * interleavings (more when the suite asks for more runs), or `interleavings` when the caller says.
 */
export async function interleavingStandalone(
  ruleId: RuleId,
  context: InterleavingContext,
  rules: readonly RuleDefinition[],
  interleavings: number = context.interleavings ?? Math.max(context.runs, DEFAULT_INTERLEAVINGS),
): Promise<StandaloneResult> {
  const setup = rotatingSetupOf(context.profile) ? 'rotating' : 'ordinary'
  // Without a rotating setup there is no rotation to explore; the rest still is.
  const explored = setup === 'rotating' ? rules : rules.filter((r) => r.id !== 'rotation-is-durable')
  if (ruleId === 'rotation-is-durable' && setup !== 'rotating') {
    return {
      status: 'skip',
      runs: 0,
      checks: 0,
      note: `${context.provider} has no rotating setup (ProviderProfile.rotating or interleavings-setups.ts)`,
    }
  }
  const explore = context.explore ?? exploreInterleavings
  const exploration = explore({
    profile: context.profile,
    createManager: context.createManager,
    rules: explored,
    seed: context.seed,
    runs: interleavings,
    setup,
  })
  const result = await exploration
  const checks = result.checks.get(ruleId) ?? 0
  const covered = Object.entries(result.coverage)
    .map(([kind, n]) => `${kind.replaceAll('_', ' ')} ${n}`)
    .join(', ')
  const summary = `${result.runs} scheduled interleavings (${result.concurrentInterleavings} with runs in flight together; ${covered})`
  if (result.crashed !== undefined) {
    return { status: 'fail', runs: result.runs, checks, note: `the exploration crashed: ${result.crashed}` }
  }
  const failure = result.failures.get(ruleId)
  if (failure) return { status: 'fail', runs: result.runs, checks, counterexample: failure, note: summary }
  return { status: 'pass', runs: result.runs, checks, note: summary }
}

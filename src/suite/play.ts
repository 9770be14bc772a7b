import type { CreateManager } from '../manager/contract.ts'
import { Oracle } from '../oracle/oracle.ts'
import { TraceIndexes } from '../rules/trace-indexes.ts'
import type { RuleDefinition, Violation } from '../rules/types.ts'
import type { MockPool } from '../world/mock-pool.ts'
import { createWorld, type World } from '../world/world.ts'
import type { OrgSpec, TimelineEvent, TraceStep } from '../world/types.ts'
import { RuleViolationError } from './violation-error.ts'

/** One simulated org under test: the world, the oracle following it, and the rules being checked. */
export interface Simulation {
  org: OrgSpec
  world: World
  oracle: Oracle
  rules: readonly RuleDefinition[]
  /** What the whole-trace rules build over this simulation's trace: owned by it, gone with it. */
  indexes: TraceIndexes
}

export interface SimulationOptions {
  org: OrgSpec
  createManager: CreateManager
  rules: readonly RuleDefinition[]
  managerInstances?: number
  /** The job's mock pool (src/world/mock-pool.ts): the world leases its mocks there. */
  mocks?: MockPool
}

export function createSimulation(options: SimulationOptions): Simulation {
  const world = createWorld({
    org: options.org,
    createManager: options.createManager,
    ...(options.managerInstances !== undefined ? { managerInstances: options.managerInstances } : {}),
    ...(options.mocks ? { mocks: options.mocks } : {}),
  })
  return {
    org: options.org,
    world,
    oracle: new Oracle(options.org),
    rules: options.rules,
    indexes: new TraceIndexes(),
  }
}

/** Plays one event and judges it; throws RuleViolationError on the first broken rule. */
export async function playAndJudge(sim: Simulation, event: TimelineEvent): Promise<TraceStep> {
  const step = await sim.world.apply(event)
  const violations = sim.oracle.judge(step, sim.rules)
  for (const rule of sim.rules) {
    if (!rule.judgeTrace) continue
    if (rule.judgesStep === undefined || rule.judgesStep(step, sim.org))
      sim.oracle.checks.set(rule.id, (sim.oracle.checks.get(rule.id) ?? 0) + 1)
    violations.push(...rule.judgeTrace(sim.world.trace, sim.org, sim.indexes))
  }
  if (violations.length > 0) throw new RuleViolationError(violations, step)
  return step
}

/** Whether an event makes sense in this org (generated timelines draw from a fixed cast and filter here). */
export function eventFitsOrg(org: OrgSpec, event: TimelineEvent): boolean {
  const teammates = new Set(org.teammates)
  const pack = (id: string) => org.packs.find((p) => p.id === id)
  switch (event.type) {
    case 'advance':
    case 'restart_manager':
    case 'store_fault':
      return true
    case 'rotate_secret':
    case 'update_secret':
      return pack(event.pack)?.setup === 'custom'
    case 'fault':
    case 'approve_app':
      return pack(event.pack) !== undefined
    case 'indexing':
      return pack(event.pack)?.options?.['indexingConnector'] === true
    case 'concurrent_runs':
      return (
        event.runs.length > 0 &&
        event.runs.every((r) => teammates.has(r.teammate) && pack(r.pack) !== undefined)
      )
    default:
      return teammates.has(event.teammate) && pack(event.pack) !== undefined
  }
}

/** A stable pick among `n` for a name (the same name always lands on the same member). */
function pick(name: string, n: number): number {
  let h = 0
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0
  return Math.abs(h) % n
}

/**
 * The event as this org can play it: generated timelines draw teammates and packs from the profile's
 * whole cast, and an org uses part of it, so a teammate or pack the org lacks stands for one it has
 * (always the same one). Without this, about a third of a generated timeline named someone absent and
 * was dropped, and the disruptive events (revocations, secret rotations, resets) rarely met a run.
 * A secret rotation or update stands for one of the org's custom packs. Undefined when the event
 * still cannot happen here (a secret rotation in an org without a custom pack, ...).
 */
export function fitEventToOrg(org: OrgSpec, event: TimelineEvent): TimelineEvent | undefined {
  const teammates = new Set(org.teammates)
  const packs = new Set(org.packs.map((p) => p.id))
  const teammate = (t: string) => (teammates.has(t) ? t : org.teammates[pick(t, org.teammates.length)]!)
  const pack = (p: string) => (packs.has(p) ? p : org.packs[pick(p, org.packs.length)]!.id)
  let fitted: TimelineEvent = event
  if (event.type === 'concurrent_runs') {
    fitted = {
      ...event,
      runs: event.runs.map((r) => ({ ...r, teammate: teammate(r.teammate), pack: pack(r.pack) })),
    }
  } else if ('teammate' in event) {
    fitted = { ...event, teammate: teammate(event.teammate), pack: pack(event.pack) }
  } else if (event.type === 'rotate_secret' || event.type === 'update_secret') {
    // Only a custom app has a secret the org can rotate: stand for one of those.
    const custom = org.packs.filter((p) => p.setup === 'custom').map((p) => p.id)
    const own = custom.includes(event.pack) ? event.pack : custom[pick(event.pack, custom.length)]
    if (own === undefined) return undefined
    fitted = { ...event, pack: own }
  } else if ('pack' in event) {
    fitted = { ...event, pack: pack(event.pack) }
  }
  return eventFitsOrg(org, fitted) ? fitted : undefined
}

export interface ReplayResult {
  trace: TraceStep[]
  violations: Violation[]
  /** Steps after the first violation are not played. */
  stoppedAt?: number
}

/** Plays a whole timeline, stopping at the first step that breaks a rule. Deterministic for a deterministic manager. */
export async function replayTimeline(
  options: SimulationOptions & { events: readonly TimelineEvent[] },
): Promise<ReplayResult> {
  const sim = createSimulation(options)
  try {
    for (const event of options.events) {
      try {
        await playAndJudge(sim, event)
      } catch (error) {
        if (error instanceof RuleViolationError) {
          return { trace: sim.world.trace, violations: error.violations, stoppedAt: error.step.index }
        }
        throw error
      }
    }
    return { trace: sim.world.trace, violations: [] }
  } finally {
    await sim.world.close()
  }
}

/** Every teammate starts connected to every pack: the common case, and it puts the timeline straight to work. */
export function setupEvents(org: OrgSpec): TimelineEvent[] {
  return org.packs.flatMap((p) =>
    org.teammates.map((t) => ({ type: 'connect' as const, teammate: t, pack: p.id })),
  )
}

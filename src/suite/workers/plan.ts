/**
 * A run as a list of units: timeline chunks, standalone checks that do their own work, and chunks of
 * the interleaving explorations the rules ask for. Units have stable ids, so a shard can own a fixed
 * subset of them whatever runs where.
 */
import { LabError } from '../../errors.ts'
import type { CreateManager, ProviderId } from '../../manager/contract.ts'
import type { RuleDefinition, RuleId, StandaloneResult } from '../../rules/types.ts'
import { type ExploreOptions, explorationKey, type InterleavingContext } from '../interleavings.ts'
import type { ProviderProfile } from '../profile-types.ts'
import { QUIRK_CHECKS } from '../quirk-checks.ts'
import { standaloneContext } from '../standalone-harness.ts'
import { chunkSeed, chunkSizes, INTERLEAVING_CHUNK, TIMELINE_CHUNK } from './chunks.ts'
import type { Job } from './jobs.ts'

export type StandalonePlan =
  /** The check does its own work (a scripted horizon): a unit of its own. */
  | { rule: RuleDefinition; kind: 'job' }
  /** The check is cheap and needs no manager (setup validation, a skip): its result, computed here. */
  | { rule: RuleDefinition; kind: 'done'; result: StandaloneResult }
  /** The check judges an interleaving exploration: it runs after that exploration's chunks. */
  | { rule: RuleDefinition; kind: 'explores'; exploration: string }

export interface ProviderPlan {
  provider: ProviderId
  profile: ProviderProfile
  /** The rules that apply here (rows in the report), and the subset the suite checks. */
  applicable: RuleDefinition[]
  checked: RuleDefinition[]
  seed: number
  timelineRules: RuleId[]
  timelineChunks: number[]
  standalone: StandalonePlan[]
}

export interface ExplorationPlan {
  key: string
  provider: ProviderId
  rules: RuleId[]
  seed: number
  setup: ExploreOptions['setup']
  chunks: number[]
  timeoutMs?: number
}

export type Unit =
  | { id: string; kind: 'timelines'; provider: ProviderId; index: number; job: Job }
  | { id: string; kind: 'standalone'; provider: ProviderId; rule: RuleId; job: Job }
  | { id: string; kind: 'interleavings'; key: string; index: number; job: Job }
  | { id: string; kind: 'quirk-check'; quirk: string; job: Job }

/** The probe's stops (payload: the exploration asked for); caught in classifyStandalone, never further. */
class ExplorationRequested extends LabError {
  constructor(readonly options: ExploreOptions) {
    super('PLAN_PROBE', 'exploration requested')
  }
}
class ManagerRequested extends LabError {
  constructor() {
    super('PLAN_PROBE', 'manager requested')
  }
}

/**
 * Which kind of standalone check a rule has, found by calling it once with a manager factory and an
 * explorer that both stop it at once: a check that asks for interleavings stops at the explorer
 * (before any work), one that builds a world stops at the factory, and one that needs neither
 * finishes (cheaply) with its result.
 */
export async function classifyStandalone(
  rule: RuleDefinition,
  context: Omit<InterleavingContext, 'createManager' | 'explore'>,
): Promise<{ plan: StandalonePlan; exploration?: ExploreOptions }> {
  let managerAsked = false
  const probe: InterleavingContext = {
    ...context,
    createManager: () => {
      managerAsked = true
      throw new ManagerRequested()
    },
    explore: (options) => {
      throw new ExplorationRequested(options)
    },
  }
  try {
    const result = await rule.standalone?.(standaloneContext(probe))
    if (result && !managerAsked) return { plan: { rule, kind: 'done', result } }
    return { plan: { rule, kind: 'job' } }
  } catch (error) {
    if (error instanceof ExplorationRequested)
      return {
        plan: { rule, kind: 'explores', exploration: explorationKey(error.options) },
        exploration: error.options,
      }
    return { plan: { rule, kind: 'job' } }
  }
}

export function explorationPlanOf(options: ExploreOptions, chunk = INTERLEAVING_CHUNK): ExplorationPlan {
  return {
    key: explorationKey(options),
    provider: options.profile.provider,
    rules: options.rules.map((r) => r.id),
    seed: options.seed,
    setup: options.setup,
    chunks: chunkSizes(options.runs, chunk),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  }
}

export function timelineChunksOf(runs: number, chunk = TIMELINE_CHUNK): number[] {
  return chunkSizes(runs, chunk)
}

/** Every unit of the run, in a fixed order: per provider its timeline chunks and standalone jobs, then explorations. */
export function unitsOf(
  providers: readonly ProviderPlan[],
  explorations: readonly ExplorationPlan[],
  options: { runs: number; interleavings?: number; rules?: readonly RuleId[] },
): Unit[] {
  const units: Unit[] = []
  for (const p of providers) {
    p.timelineChunks.forEach((runs, index) => {
      if (p.timelineRules.length === 0) return
      units.push({
        id: `timelines/${p.provider}/${index}`,
        kind: 'timelines',
        provider: p.provider,
        index,
        job: {
          kind: 'timelines',
          provider: p.provider,
          seed: chunkSeed(p.seed, index),
          runs,
          rules: p.timelineRules,
        },
      })
    })
    for (const s of p.standalone) {
      if (s.kind !== 'job') continue
      units.push({
        id: `standalone/${p.provider}/${s.rule.id}`,
        kind: 'standalone',
        provider: p.provider,
        rule: s.rule.id,
        job: {
          kind: 'standalone',
          provider: p.provider,
          rule: s.rule.id,
          seed: p.seed,
          runs: options.runs,
          ...(options.interleavings !== undefined ? { interleavings: options.interleavings } : {}),
        },
      })
    }
  }
  for (const x of explorations) {
    x.chunks.forEach((runs, index) => {
      units.push({
        id: `interleavings/${x.key}/${index}`,
        kind: 'interleavings',
        key: x.key,
        index,
        job: {
          kind: 'interleavings',
          provider: x.provider,
          seed: chunkSeed(x.seed, index),
          runs,
          rules: x.rules,
          setup: x.setup,
          ...(x.timeoutMs !== undefined ? { timeoutMs: x.timeoutMs } : {}),
        },
      })
    })
  }
  // The scripted quirk checks judge with every rule, so a run that selects rules plays none.
  if (!options.rules) {
    const planned = new Set(providers.map((p) => p.provider))
    for (const check of QUIRK_CHECKS) {
      if (!planned.has(check.provider)) continue
      units.push({
        id: `quirk-check/${check.quirk}`,
        kind: 'quirk-check',
        quirk: check.quirk,
        job: { kind: 'quirk-check', provider: check.provider, quirk: check.quirk },
      })
    }
  }
  return units
}

/**
 * The units shard `index` of `count` (1-based) runs: every count-th unit of the fixed order, so the
 * slices are disjoint, cover the run, and mix providers and kinds of work.
 */
export function unitsOfShard(units: readonly Unit[], shard: { index: number; count: number }): Unit[] {
  return units.filter((_, i) => i % shard.count === shard.index - 1)
}

/** A stand-in manager for assembling a report from recorded parts (merge): nothing may call it. */
export const NO_MANAGER: CreateManager = () => {
  throw new Error('reconnect-lab merge assembles recorded results and cannot run a manager')
}

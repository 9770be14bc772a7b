/**
 * Scripted horizons for the Zendesk and Databricks connector suites: one teammate connects, runs every
 * `everyMs` for `horizonMs` and clicks Connect whenever prompted, and every outcome that is neither ok
 * nor a prompt is kept for the assertion message. The expected number of prompts is the rule
 * policy-sets-the-pace's, computed from the scenario's `expected` lifetimes alone (never from the mock).
 */
import type { CreateManager } from '../../../src/manager/contract.ts'
import { formatOutcome } from '../../../src/manager/contract.ts'
import { expectedPrompts } from '../../../src/rules/catalogue/policy-sets-the-pace.ts'
import type { PaceScenario } from '../../../src/suite/profiles.ts'
import { createWorld } from '../../../src/world/world.ts'

export interface PaceResult {
  prompts: number
  runs: number
  /** Runs (or Connects) that ended in anything but ok or a prompt, as `+<day>d outcome`. */
  unexpected: string[]
  /** Day numbers (from the start) of the runs that prompted. */
  promptDays: number[]
}

export async function playPace(scenario: PaceScenario, createManager: CreateManager): Promise<PaceResult> {
  const teammate = 'alice'
  const pack = scenario.pack.id
  const world = createWorld({ org: { teammates: [teammate], packs: [scenario.pack] }, createManager })
  const result: PaceResult = { prompts: 0, runs: 0, unexpected: [], promptDays: [] }
  const day = (ms: number): string => `+${(ms / 86_400_000).toFixed(2)}d`
  const connect = async (atMs: number): Promise<void> => {
    const step = await world.apply({ type: 'connect', teammate, pack })
    if (step.result.kind !== 'outcome' || step.result.outcome.kind !== 'ok') {
      result.unexpected.push(`${day(atMs)} connect -> ${JSON.stringify(step.result)}`)
    }
  }
  await connect(0)
  for (let t = scenario.everyMs; t <= scenario.horizonMs; t += scenario.everyMs) {
    await world.apply({ type: 'advance', ms: scenario.everyMs })
    const step = await world.apply({ type: 'run', teammate, pack })
    result.runs++
    if (step.result.kind !== 'outcome') {
      result.unexpected.push(`${day(t)} run -> ${step.result.kind}`)
      continue
    }
    const outcome = step.result.outcome
    if (outcome.kind === 'ok') continue
    if (outcome.kind === 'connect_required') {
      result.prompts++
      result.promptDays.push(Math.floor(t / 86_400_000))
      await connect(t)
      continue
    }
    result.unexpected.push(`${day(t)} run -> ${formatOutcome(outcome)}`)
  }
  return result
}

export { expectedPrompts }

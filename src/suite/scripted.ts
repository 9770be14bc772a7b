import type { CreateManager } from '../manager/contract.ts'
import type { RuleDefinition, RuleId, ScriptedRun, Violation } from '../rules/types.ts'
import type { OrgSpec, StepResult, TimelineEvent } from '../world/types.ts'
import { type Counterexample, renderTrace } from './counterexample.ts'
import { createSimulation, playAndJudge } from './play.ts'
import { RuleViolationError } from './violation-error.ts'

export type { ScriptedRun } from '../rules/types.ts'

/**
 * Plays a timeline that reacts to outcomes (e.g. "click Connect whenever prompted"), judging every
 * step against `rules`; stops at the first violation. The events actually played are returned, so a
 * failure becomes an ordinary counterexample that replays without the script.
 */
export async function playScripted(options: {
  org: OrgSpec
  createManager: CreateManager
  rules: readonly RuleDefinition[]
  script: (play: (event: TimelineEvent) => Promise<StepResult>) => Promise<void>
}): Promise<ScriptedRun> {
  const sim = createSimulation({
    org: options.org,
    createManager: options.createManager,
    rules: options.rules,
  })
  const events: TimelineEvent[] = []
  let violations: Violation[] = []
  class Stop extends Error {}
  try {
    await options.script(async (event) => {
      events.push(event)
      try {
        return (await playAndJudge(sim, event)).result
      } catch (error) {
        if (error instanceof RuleViolationError) {
          violations = error.violations
          throw new Stop()
        }
        throw error
      }
    })
  } catch (error) {
    if (!(error instanceof Stop)) throw error
  } finally {
    // The harness will not call these managers again: let them release what they hold (dispose).
    await sim.world.close()
  }
  return { trace: sim.world.trace, events, violations }
}

export function scriptedCounterexample(
  rule: RuleId,
  provider: string,
  org: OrgSpec,
  run: ScriptedRun,
  extra: Violation[] = [],
  file: Pick<Counterexample, 'expected' | 'unreplayable'> = {},
): Counterexample {
  const violations = [...run.violations, ...extra]
  return {
    ...file,
    rule,
    provider,
    seed: 0,
    path: 'scripted',
    org,
    events: run.events,
    lines: renderTrace(run.trace, violations),
    violations,
    reproduced: true,
  }
}

import { formatDuration } from '../../clock.ts'
import type { OrgSpec } from '../../world/types.ts'
import type { PaceScenario, RuleDefinition } from '../types.ts'

/**
 * The prompts a documented lifetime implies for a teammate who runs every `everyMs` and reconnects
 * at once when prompted. Computed from the documented numbers only, never from the mock, so a mock
 * and a manager that agree on a wrong lifetime are both caught.
 */
export function expectedPrompts(scenario: Pick<PaceScenario, 'everyMs' | 'horizonMs' | 'expected'>): number {
  const { absoluteMs, idleMs } = scenario.expected
  let grantedAt = 0
  let lastUse = 0
  let prompts = 0
  for (let t = scenario.everyMs; t <= scenario.horizonMs; t += scenario.everyMs) {
    const dead =
      (absoluteMs !== null && t >= grantedAt + absoluteMs) || (idleMs !== null && t >= lastUse + idleMs)
    if (dead) {
      prompts++
      grantedAt = t
    }
    lastUse = t
  }
  return prompts
}

export const policySetsThePace: RuleDefinition = {
  id: 'policy-sets-the-pace',
  statement:
    "Over a horizon, the number of reconnect prompts equals what the source's refresh policy implies (e.g. Databricks 7-day vs 90-day refresh TTL): no more, no fewer.",
  source:
    'Troubleshooting page tip: "If teammates are being prompted to re-authenticate frequently with a custom OAuth app, check the refresh token lifetime policy in the source system."',
  providers: ['databricks', 'google', 'jira', 'salesforce'],
  async standalone({ provider, profile, createManager, harness }) {
    const scenarios = profile.paceScenarios ?? []
    if (scenarios.length === 0)
      return { status: 'skip', runs: 0, checks: 0, note: 'the profile has no pace scenarios' }
    let checks = 0
    for (const scenario of scenarios) {
      const pack = scenario.pack.id
      const org: OrgSpec = { teammates: ['alice'], packs: [scenario.pack] }
      let prompts = 0
      const run = await harness.playScripted({
        org,
        createManager,
        rules: [],
        async script(play) {
          await play({ type: 'connect', teammate: 'alice', pack })
          for (let t = scenario.everyMs; t <= scenario.horizonMs; t += scenario.everyMs) {
            await play({ type: 'advance', ms: scenario.everyMs })
            const result = await play({ type: 'run', teammate: 'alice', pack })
            if (result.kind === 'outcome' && result.outcome.kind === 'connect_required') {
              prompts++
              await play({ type: 'connect', teammate: 'alice', pack })
            }
          }
        },
      })
      checks++
      const expected = expectedPrompts(scenario)
      if (prompts !== expected) {
        const last = run.trace[run.trace.length - 1]
        const because = `"${scenario.name}": running every ${formatDuration(scenario.everyMs)} for ${formatDuration(scenario.horizonMs)} should prompt ${expected} time(s) (${scenario.source}), saw ${prompts}`
        return {
          status: 'fail',
          runs: checks,
          checks,
          counterexample: harness.scriptedCounterexample('policy-sets-the-pace', provider, org, run, [
            {
              rule: 'policy-sets-the-pace',
              stepIndex: last?.index ?? 0,
              because,
              allowed: [],
              actual: { kind: 'none' },
            },
          ]),
          note: because,
        }
      }
    }
    return { status: 'pass', runs: checks, checks }
  },
}

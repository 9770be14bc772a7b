import { formatDuration } from '../../clock.ts'
import type { OrgSpec, StepResult, TimelineEvent } from '../../world/types.ts'
import type { PaceScenario, RuleDefinition } from '../types.ts'

/**
 * The prompts a documented lifetime implies for a teammate who runs every `everyMs` and reconnects
 * at once when prompted. Computed from the documented numbers only, never from the mock, so a mock
 * and a manager that agree on a wrong lifetime are both caught.
 */
export function expectedPrompts(scenario: Pick<PaceScenario, 'everyMs' | 'horizonMs' | 'expected'>): number {
  return expectedPromptRuns(scenario).filter(Boolean).length
}

/** For each run of the horizon, in order: does the documented policy say this run finds the grant dead? */
export function expectedPromptRuns(
  scenario: Pick<PaceScenario, 'everyMs' | 'horizonMs' | 'expected'>,
): boolean[] {
  const { absoluteMs, idleMs } = scenario.expected
  let grantedAt = 0
  let lastUse = 0
  const runs: boolean[] = []
  for (let t = scenario.everyMs; t <= scenario.horizonMs; t += scenario.everyMs) {
    const dead =
      (absoluteMs !== null && t >= grantedAt + absoluteMs) || (idleMs !== null && t >= lastUse + idleMs)
    if (dead) grantedAt = t
    runs.push(dead)
    lastUse = t
  }
  return runs
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
      const expectedRuns = expectedPromptRuns(scenario)
      const expected = expectedRuns.filter(Boolean).length
      let prompts = 0
      // The first run whose outcome disagrees with the policy: the counterexample stops there, so it replays.
      let deviation: { because: string; actual: StepResult } | undefined
      // What each run must end in, for the counterexample file (a replay judges the rule by it).
      const outcomes: Array<string | undefined> = []
      const run = await harness.playScripted({
        org,
        createManager,
        rules: [],
        async script(playEvent) {
          const play = (event: TimelineEvent, expect?: string) => {
            outcomes.push(expect)
            return playEvent(event)
          }
          await play({ type: 'connect', teammate: 'alice', pack })
          let n = 0
          for (let t = scenario.everyMs; t <= scenario.horizonMs; t += scenario.everyMs, n++) {
            await play({ type: 'advance', ms: scenario.everyMs })
            const shouldPrompt = expectedRuns[n] === true
            const result = await play(
              { type: 'run', teammate: 'alice', pack },
              shouldPrompt ? 'connect_required' : 'ok',
            )
            checks++
            const prompted = result.kind === 'outcome' && result.outcome.kind === 'connect_required'
            const ok = result.kind === 'outcome' && result.outcome.kind === 'ok'
            if (prompted) prompts++
            if ((shouldPrompt && !prompted) || (!shouldPrompt && !ok)) {
              deviation = {
                because: `"${scenario.name}": the run at ${formatDuration(t)} should ${shouldPrompt ? 'ask to reconnect' : 'succeed silently'} (${scenario.source}); ${expected} prompt(s) over ${formatDuration(scenario.horizonMs)} running every ${formatDuration(scenario.everyMs)}`,
                actual: result,
              }
              return
            }
            if (prompted) await play({ type: 'connect', teammate: 'alice', pack })
          }
        },
      })
      if (deviation) {
        const last = run.trace[run.trace.length - 1]
        const because = `${deviation.because}, saw ${prompts} prompt(s) by then`
        return {
          status: 'fail',
          runs: scenarios.indexOf(scenario) + 1,
          checks,
          counterexample: harness.scriptedCounterexample(
            'policy-sets-the-pace',
            provider,
            org,
            run,
            [
              {
                rule: 'policy-sets-the-pace',
                stepIndex: last?.index ?? 0,
                because,
                allowed: [],
                actual: deviation.actual,
              },
            ],
            { expected: { outcomes } },
          ),
          note: because,
        }
      }
    }
    return { status: 'pass', runs: checks, checks }
  },
}

import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../../manager/reference-manager.ts'
import { counterexampleFile } from '../../scenario/counterexample-file.ts'
import { parseScenario } from '../../scenario/load.ts'
import { replayScenario } from '../../scenario/replay.ts'
import { checkProvider } from '../../suite/check-provider.ts'
import { profileFor } from '../../suite/profiles.ts'
import { triageTrace } from '../../triage.ts'
import type { ProviderId } from '../../manager/contract.ts'
import {
  BROKEN_TRIAGE,
  createTriageMatchesTable,
  type Triage,
  triageMatchesTable,
} from './triage-matches-table.ts'

async function check(provider: ProviderId, rule = triageMatchesTable) {
  const [outcome] = await checkProvider({
    profile: profileFor(provider)!,
    createManager: referenceManager,
    rules: [rule],
    seed: 1,
    runs: 1,
  })
  return outcome!
}

describe('triage-matches-table', () => {
  it.each([
    'baseline',
    'jira',
    'slack',
    'salesforce',
    'google',
    'zendesk',
    'databricks',
  ] as const)('passes on %s with every row in each of its situations checked', async (provider) => {
    const outcome = await check(provider)
    expect(outcome.status, outcome.note).toBe('pass')
    expect(outcome.checks).toBeGreaterThanOrEqual(30)
  })

  it('fails on a triage that never blames the admin for prompts that come back (the old behaviour)', async () => {
    const noLoops: Triage = (trace, org) => {
      const report = triageTrace(trace, org)
      return report.row === 'prompted-every-time'
        ? { ...report, verdict: 'no_action', row: 'connect-resolves' }
        : report
    }
    const outcome = await check('baseline', createTriageMatchesTable(noLoops))
    expect(outcome.status).toBe('fail')
    expect(outcome.note).toContain("You're prompted to reconnect every time you run the action")
    expect(outcome.counterexample?.rule).toBe('triage-matches-table')
    // The row's product forgets credentials after every run: a pack setting, written in the file.
    const file = await counterexampleFile(outcome.counterexample!, { createManager: referenceManager })
    expect(file.text).toContain('product: { forgetsCredentialsAfterRun: true }')
    expect(file.text).toContain('triage: { verdict: admin, row: prompted-every-time }')
    // The catch is the broken triage's, which a file (judged by the real triage) cannot replay: it says so.
    expect(file.reproduced).toBe(false)
    expect(file.differed).toBe(BROKEN_TRIAGE)
    expect(file.text).toContain(`# Not a faithful replay: ${BROKEN_TRIAGE}.`)
    // ...and rightly: the file, replayed on the real triage, breaks nothing (the row is right there).
    const replay = await replayScenario(parseScenario(file.text, file.name), {
      createManager: referenceManager,
    })
    expect(replay.violations).toEqual([])
    expect(triageTrace(replay.trace, outcome.counterexample!.org)).toMatchObject({
      verdict: 'admin',
      row: 'prompted-every-time',
    })
  })

  it('fails on a triage that calls every outage no action', async () => {
    const noSupport: Triage = (trace, org) => {
      const report = triageTrace(trace, org)
      return report.verdict === 'support' ? { ...report, verdict: 'no_action', row: 'quiet' } : report
    }
    const outcome = await check('baseline', createTriageMatchesTable(noSupport))
    expect(outcome.status).toBe('fail')
    expect(outcome.note).toContain('Multiple teammates')
    // The file states the row's verdict; the catch is the triage's, and the file says why it does not replay.
    const file = await counterexampleFile(outcome.counterexample!, { createManager: referenceManager })
    expect(file.text).toContain('triage: { verdict: support, row: many-teammates }')
    expect(file.reproduced).toBe(false)
    expect(file.differed).toBe(BROKEN_TRIAGE)
  })
})

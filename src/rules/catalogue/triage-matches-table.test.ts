import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../../manager/reference-manager.ts'
import { counterexampleFile } from '../../scenario/counterexample-file.ts'
import { checkProvider } from '../../suite/check-provider.ts'
import { profileFor } from '../../suite/profiles.ts'
import { triageTrace } from '../../triage.ts'
import type { ProviderId } from '../../manager/contract.ts'
import { createTriageMatchesTable, type Triage, triageMatchesTable } from './triage-matches-table.ts'

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
    // That row plays a wrapped product, which no file can say: its file says so instead of lying.
    const file = await counterexampleFile(outcome.counterexample!, { createManager: referenceManager })
    expect(file.reproduced).toBe(false)
    expect(file.differed).toContain('wrapped to forget every teammate')
    expect(file.text).toContain('# Not a faithful replay:')
    expect(file.text).toContain('triage: { verdict: admin, row: prompted-every-time }')
  })

  it('fails on a triage that calls every outage no action', async () => {
    const noSupport: Triage = (trace, org) => {
      const report = triageTrace(trace, org)
      return report.verdict === 'support' ? { ...report, verdict: 'no_action', row: 'quiet' } : report
    }
    const outcome = await check('baseline', createTriageMatchesTable(noSupport))
    expect(outcome.status).toBe('fail')
    expect(outcome.note).toContain('Multiple teammates')
    // A row played on the manager as it is: its file states the row's verdict, and replaying it on
    // the same (broken) triage is what the suite saw; on the real triage the file passes its check.
    const file = await counterexampleFile(outcome.counterexample!, { createManager: referenceManager })
    expect(file.text).toContain('triage: { verdict: support, row: many-teammates }')
    expect(file.differed).toContain('broke no triage-matches-table')
  })
})

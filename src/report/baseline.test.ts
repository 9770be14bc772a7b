import { describe, expect, it } from 'vitest'
import type { RuleOutcome } from '../suite/check-provider.ts'
import type { ConformanceReport } from '../suite/conformance.ts'
import { LabError } from '../errors.ts'
import { evaluateGate, formatGate, parseBaseline, renderBaselineFile } from './baseline.ts'

function row(id: RuleOutcome['id'], provider: string, status: RuleOutcome['status']): RuleOutcome {
  return { id, provider, status, runs: 10, checks: status === 'skip' ? 0 : 5, durationMs: 1 }
}

function report(rules: RuleOutcome[]): ConformanceReport {
  return {
    tool: 'reconnect-lab',
    version: '0.1.0',
    seed: 1,
    runs: 10,
    manager: 'm.ts',
    rules,
    summary: {
      passed: rules.filter((r) => r.status === 'pass').length,
      failed: rules.filter((r) => r.status === 'fail').length,
      skipped: rules.filter((r) => r.status === 'skip').length,
    },
  }
}

const BASELINE = `# known failures
knownFailures:
  - rule: silent-refresh
    provider: slack
    note: TICKET-1
  - rule: admin-reset
    provider: baseline
  - rule: pack-isolation
    provider: jira
  - rule: rotation-is-durable
    provider: zendesk
`

describe('the baseline gate', () => {
  const baseline = parseBaseline(BASELINE, 'ci/baseline.yaml')

  it('reads entries with their lines', () => {
    expect(baseline.entries).toEqual([
      { rule: 'silent-refresh', provider: 'slack', note: 'TICKET-1', line: 3 },
      { rule: 'admin-reset', provider: 'baseline', line: 6 },
      { rule: 'pack-isolation', provider: 'jira', line: 8 },
      { rule: 'rotation-is-durable', provider: 'zendesk', line: 10 },
    ])
  })

  it('fails on a new failure and on a stale entry, and says which', () => {
    const gate = evaluateGate(
      report([
        row('silent-refresh', 'slack', 'fail'), // known
        row('admin-reset', 'baseline', 'pass'), // stale: listed but passes now
        row('silent-refresh', 'baseline', 'fail'), // new
        row('pack-isolation', 'jira', 'skip'), // not checked
        // rotation-is-durable on zendesk was not run at all: not checked
      ]),
      baseline,
    )
    expect(gate.passed).toBe(false)
    expect(gate.newFailures).toEqual([{ rule: 'silent-refresh', provider: 'baseline' }])
    expect(gate.staleEntries.map((e) => `${e.rule}/${e.provider}`)).toEqual(['admin-reset/baseline'])
    expect(gate.knownFailures.map((e) => `${e.rule}/${e.provider}`)).toEqual(['silent-refresh/slack'])
    expect(gate.unchecked.map((e) => `${e.rule}/${e.provider}`)).toEqual([
      'pack-isolation/jira',
      'rotation-is-durable/zendesk',
    ])
    expect(formatGate(gate)).toEqual([
      'baseline ci/baseline.yaml: gate FAILED',
      '  NEW failure: silent-refresh on baseline (not in the baseline)',
      '  STALE entry: admin-reset on baseline passes now; remove it from the baseline (ci/baseline.yaml:6)',
      '  known failure: silent-refresh on slack (TICKET-1)',
      '  not checked by this run: pack-isolation on jira (ci/baseline.yaml:8)',
      '  not checked by this run: rotation-is-durable on zendesk (ci/baseline.yaml:10)',
    ])
  })

  it('passes when every failure is listed and every listed pair still fails', () => {
    const gate = evaluateGate(
      report([
        row('silent-refresh', 'slack', 'fail'),
        row('admin-reset', 'baseline', 'fail'),
        row('connect-resolves', 'slack', 'pass'),
      ]),
      baseline,
    )
    expect(gate.passed).toBe(true)
    expect(gate.knownFailures).toHaveLength(2)
  })

  it('writes a baseline from a run that reads back to the same pairs', () => {
    const run = report([row('silent-refresh', 'slack', 'fail'), row('admin-reset', 'baseline', 'pass')])
    const text = renderBaselineFile(run)
    const again = parseBaseline(text, 'b.yaml')
    expect(again.entries.map((e) => [e.rule, e.provider])).toEqual([['silent-refresh', 'slack']])
    expect(evaluateGate(run, again).passed).toBe(true)
    expect(parseBaseline(renderBaselineFile(report([])), 'b.yaml').entries).toEqual([])
  })

  it.each([
    [
      'knownFailures:\n  - rule: be-nice\n    provider: slack\n',
      'b.yaml:2:11: knownFailures[0].rule: unknown rule "be-nice"',
    ],
    [
      'knownFailures:\n  - rule: admin-reset\n    provider: myspace\n',
      'b.yaml:3:15: knownFailures[0].provider: expected one of',
    ],
    ['knownFailures:\n  - rule: admin-reset\n', 'b.yaml:2:5: knownFailures[0].provider: is required'],
    [
      'knownFailures:\n  - { rule: admin-reset, provider: slack }\n  - { rule: admin-reset, provider: slack }\n',
      'b.yaml:3:5: knownFailures[1]: admin-reset on slack is listed twice (first on line 2)',
    ],
    ['known: []\n', 'b.yaml:1:1: known: unknown field (a baseline has knownFailures)'],
    ['', 'b.yaml: the file is empty'],
    ['knownFailures: [\n', 'b.yaml:2:1: (yaml): '],
  ])('refuses a bad baseline, naming file, line and field: %j', (text, message) => {
    let error: unknown
    try {
      parseBaseline(text, 'b.yaml')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(LabError)
    expect((error as LabError).code).toBe('BASELINE_INVALID')
    expect((error as Error).message).toContain(message)
  })
})

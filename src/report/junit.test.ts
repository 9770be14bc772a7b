import { describe, expect, it } from 'vitest'
import type { RuleOutcome } from '../suite/check-provider.ts'
import type { ConformanceReport } from '../suite/conformance.ts'
import { evaluateGate, parseBaseline } from './baseline.ts'
import { escapeXml, renderJunitReport } from './junit.ts'

const failing: RuleOutcome = {
  id: 'silent-refresh',
  provider: 'slack',
  status: 'fail',
  runs: 12,
  checks: 30,
  durationMs: 1234,
  counterexample: {
    rule: 'silent-refresh',
    provider: 'slack',
    seed: 7,
    path: '1:2',
    org: { teammates: ['alice'], packs: [{ id: 'slack', provider: 'slack', setup: 'custom' }] },
    events: [],
    lines: [
      '+0s        connect(alice, slack) -> ok',
      '+12h1m     run(alice, slack) -> connect_required(grant_invalid) <sent rt_12>',
    ],
    violations: [
      {
        rule: 'silent-refresh',
        stepIndex: 1,
        because: 'the source still honours the grant & the "client" secret matches',
        allowed: [{ kind: 'ok' }],
        actual: { kind: 'outcome', outcome: { kind: 'connect_required', reason: 'grant_invalid' } },
      },
    ],
    reproduced: true,
  },
}

const report: ConformanceReport = {
  tool: 'reconnect-lab',
  version: '0.1.0',
  seed: 7,
  runs: 12,
  manager: 'my <manager>.ts',
  rules: [
    failing,
    { id: 'admin-reset', provider: 'slack', status: 'pass', runs: 12, checks: 4, durationMs: 20 },
    {
      id: 'pack-isolation',
      provider: 'jira',
      status: 'skip',
      runs: 0,
      checks: 0,
      durationMs: 0,
      note: 'no check yet',
    },
  ],
  summary: { passed: 1, failed: 1, skipped: 1 },
}

describe('the JUnit reporter', () => {
  it('writes one suite per provider and one case per rule, with the counterexample as the failure', () => {
    const xml = renderJunitReport(report)
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="reconnect-lab" tests="3" failures="1" errors="0" skipped="1" time="1.254">/,
    )
    expect(xml).toContain(
      '<testsuite name="reconnect-lab slack" tests="2" failures="1" errors="0" skipped="0" time="1.254">',
    )
    expect(xml).toContain('<property name="manager" value="my &lt;manager&gt;.ts"/>')
    expect(xml).toContain(
      '<testcase classname="reconnect-lab.slack" name="silent-refresh" time="1.234">\n      <failure type="RuleViolation" message="silent-refresh broken on slack: the source still honours the grant &amp; the &quot;client&quot; secret matches">',
    )
    expect(xml).toContain('run(alice, slack) -&gt; connect_required(grant_invalid)')
    expect(xml).toContain('<testcase classname="reconnect-lab.slack" name="admin-reset" time="0.020"/>')
    expect(xml).toContain('<skipped message="no check yet"/>')
    // Secrets are redacted even inside the failure body.
    expect(xml).not.toContain('rt_12')
    expect(xml.match(/<testsuite /g)).toHaveLength(2)
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(2)
  })

  it('shows the gate: a known failure is skipped, a stale entry is a failure', () => {
    const baseline = parseBaseline(
      'knownFailures:\n  - { rule: silent-refresh, provider: slack }\n  - { rule: admin-reset, provider: slack }\n',
      'baseline.yaml',
    )
    const xml = renderJunitReport(report, evaluateGate(report, baseline))
    expect(xml).toContain('<skipped message="known failure, listed in baseline.yaml"/>')
    expect(xml).toContain(
      '<failure type="StaleBaselineEntry" message="stale baseline entry: admin-reset on slack passes now; remove it from baseline.yaml"/>',
    )
    expect(xml).toMatch(/<testsuites name="reconnect-lab" tests="3" failures="1" errors="0" skipped="2"/)
  })

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c'\u0001\u0007d`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;d')
  })
})

describe('junit quirk checks', () => {
  it('puts the scripted quirk checks in a suite of their own, a failed one as a <failure>', () => {
    const xml = renderJunitReport({
      ...report,
      quirkChecks: [
        {
          quirk: 'google.live-token-limit-100',
          provider: 'google',
          title: '101st token',
          status: 'pass',
          checks: 4,
        },
        {
          quirk: 'salesforce.five-approvals-per-user',
          provider: 'salesforce',
          title: 'sixth approval',
          status: 'fail',
          checks: 3,
          note: 'the quirk never fired',
        },
      ],
    })
    expect(xml).toContain('<testsuite name="reconnect-lab quirk checks" tests="2" failures="1"')
    expect(xml).toMatch(/name="salesforce\.five-approvals-per-user"[^>]*>\s*<failure type="QuirkCheck"/)
    expect(xml).toMatch(/name="google\.live-token-limit-100"[^>]*\/>/)
  })
})

import { describe, expect, it } from 'vitest'
import { quirksOf } from '../../mocks/quirk-registry.ts'
import type { ConformanceReport } from '../suite/conformance.ts'
import { buildQuirkCoverage } from '../suite/quirk-coverage.ts'
import {
  coverageMarkdown,
  quirkCheckFailures,
  quirkCheckLines,
  quirkLines,
  quirkStderr,
} from './coverage-sections.ts'
import { renderJsonReport } from './json.ts'
import { renderMarkdownSummary } from './markdown.ts'

const jira = quirksOf('jira').map((q) => q.id)
const [FIRED, UNREACHABLE, GAP] = jira as [string, string, string]

const report: ConformanceReport = {
  tool: 'reconnect-lab',
  version: '0.1.0',
  seed: 1,
  runs: 10,
  manager: 'reference',
  rules: [],
  summary: { passed: 0, failed: 0, skipped: 0 },
  quirkCoverage: buildQuirkCoverage({ [FIRED]: 7 }, ['jira'], {
    [UNREACHABLE]: 'an option | no profile selects',
  }),
  quirkChecks: [
    {
      quirk: 'jira.absolute-expiry-365-days',
      provider: 'jira',
      title: 'a run every 30 days for 13 months',
      status: 'pass',
      checks: 45,
    },
    {
      quirk: 'google.deleted-client',
      provider: 'google',
      title: 'the OAuth client is deleted',
      status: 'fail',
      checks: 3,
      note: 'secret-mismatch-is-admin: the run answered connect_required',
    },
  ],
}

describe('report sections: quirk checks and quirk coverage', () => {
  it('summary.md lists every quirk with its count, the reason for an unreachable one, and marks a gap', () => {
    const md = renderMarkdownSummary(report)
    for (const id of jira) expect(md).toContain(`\`${id}\``)
    expect(md).toContain(`| \`${FIRED}\` | 7 |  |`)
    // A `|` in a reason must not end the table cell.
    expect(md).toContain(`| \`${UNREACHABLE}\` | 0 | an option \\| no profile selects |`)
    expect(md).toContain(`| \`${GAP}\` | 0 | **never fired**`)
    expect(md).toContain('## Quirk checks (scripted)')
    expect(md).toContain('| `google.deleted-client` | google | ❌ fail | 3 |')
  })

  it('the terminal lines say how many fired, and name the gaps and each failed check with its reason', () => {
    const lines = quirkLines(report).join('\n')
    expect(lines).toContain(`1 of ${jira.length} quirks fired`)
    expect(lines).toContain(`never fired (a gap in the suite): `)
    expect(lines).toContain(GAP)
    expect(quirkCheckLines(report)[0]).toContain('1 of 2 passed')
    expect(quirkCheckFailures(report)).toEqual([
      'quirk check failed: google.deleted-client on google: secret-mismatch-is-admin: the run answered connect_required',
    ])
    const stderr = quirkStderr(report)
    expect(stderr.failed).toBe(true)
    expect(stderr.lines[0]).toMatch(/^warning: quirks that never fired and have no reason: .*/)
    expect(stderr.lines[0]).toContain(GAP)
    expect(stderr.lines[1]).toContain('quirk check failed: google.deleted-client')
    // A shortened run (--quick) cannot reach every quirk: a note, not a gap warning; failures still fail.
    const quick = quirkStderr(report, { shortened: true })
    expect(quick.failed).toBe(true)
    expect(quick.lines[0]).toMatch(
      /^note: \d+ quirk\(s\) did not fire in this shortened run \(.*\); the full run reaches each or gives its reason$/,
    )
    expect(quick.lines[0]).toContain(GAP)
  })

  it('report.json carries both sections as they are', () => {
    const json = JSON.parse(renderJsonReport(report)) as ConformanceReport
    expect(json.quirkCoverage?.fired[FIRED]).toBe(7)
    expect(json.quirkCoverage?.neverFired).toContain(GAP)
    expect(json.quirkChecks?.map((r) => r.status)).toEqual(['pass', 'fail'])
  })

  it('a report without the sections renders none of them', () => {
    const bare: ConformanceReport = { ...report }
    delete bare.quirkCoverage
    delete bare.quirkChecks
    expect(coverageMarkdown(bare)).toEqual([])
    expect(quirkCheckFailures(bare)).toEqual([])
  })
})

import type { ConformanceReport } from '../suite/conformance.ts'
import { formatCounterexample } from '../suite/counterexample.ts'
import { redactSecrets } from '../redact.ts'
import { coverageMarkdown } from './coverage-sections.ts'

const ICON = { pass: '✅ pass', fail: '❌ fail', skip: '⏭️ skip' } as const

/** summary.md: what a reviewer reads in a CI artifact or a pull-request comment. */
export function renderMarkdownSummary(report: ConformanceReport): string {
  const { summary } = report
  const lines = [
    `# reconnect-lab conformance: ${summary.failed === 0 ? 'passed' : 'FAILED'}`,
    '',
    `Manager \`${report.manager}\`, seed \`${report.seed}\`, ${report.runs} timelines per provider. ` +
      `**${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped.**`,
    '',
    '| rule | provider | status | timelines | checks | time (ms) |',
    '|---|---|---|---|---|---|',
    ...report.rules.map(
      (r) =>
        `| \`${r.id}\` | ${r.provider} | ${ICON[r.status]} | ${r.runs} | ${r.checks} | ${Math.round(r.durationMs)} |`,
    ),
  ]
  const failures = report.rules.filter((r) => r.status === 'fail')
  if (failures.length > 0) {
    lines.push('', '## Counterexamples', '')
    for (const f of failures) {
      lines.push(`### \`${f.id}\` on ${f.provider}`, '')
      if (f.note) lines.push(f.note, '')
      if (f.counterexample) lines.push('```', formatCounterexample(f.counterexample), '```', '')
    }
  }
  const skipped = report.rules.filter((r) => r.status === 'skip')
  if (skipped.length > 0) {
    lines.push(
      '',
      `Skipped rows are rules the suite does not check on that provider yet; they are never counted as passing.`,
    )
  }
  lines.push(...coverageMarkdown(report))
  return `${redactSecrets(lines.join('\n'))}\n`
}

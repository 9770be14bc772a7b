import pc from 'picocolors'
import type { ConformanceReport } from '../suite/conformance.ts'
import { formatCounterexample } from '../suite/counterexample.ts'
import { redactSecrets } from '../redact.ts'
import { harnessLines, quirkCheckLines, quirkLines, weakLines } from './coverage-sections.ts'

/** The terminal table: one row per rule and provider, then every counterexample. */
export function renderPrettyReport(report: ConformanceReport, colors = pc.isColorSupported): string {
  const c = pc.createColors(colors)
  const status = { pass: c.green('pass'), fail: c.red('FAIL'), skip: c.dim('skip') } as const
  const ruleWidth = Math.max(4, ...report.rules.map((r) => r.id.length))
  const providerWidth = Math.max(8, ...report.rules.map((r) => r.provider.length))
  const header = `${'rule'.padEnd(ruleWidth)}  ${'provider'.padEnd(providerWidth)}  status  ${'timelines'.padStart(9)}  ${'checks'.padStart(7)}  ${'ms'.padStart(7)}`
  const lines = [c.bold(header)]
  for (const r of report.rules) {
    lines.push(
      `${r.id.padEnd(ruleWidth)}  ${r.provider.padEnd(providerWidth)}  ${status[r.status]}${' '.repeat(6 - 4)}  ${String(r.runs).padStart(9)}  ${String(r.checks).padStart(7)}  ${String(Math.round(r.durationMs)).padStart(7)}`,
    )
  }
  const { summary } = report
  for (const f of report.rules.filter((r) => r.status === 'fail')) {
    lines.push('', c.red(`✗ ${f.id} on ${f.provider}`))
    if (f.note) lines.push(`  ${f.note}`)
    if (f.counterexample) lines.push(formatCounterexample(f.counterexample))
  }
  lines.push(
    '',
    `${summary.failed === 0 ? c.green('✓') : c.red('✗')} ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped` +
      ` (manager ${report.manager}, seed ${report.seed}, ${report.runs} timelines per provider)`,
  )
  for (const section of [
    harnessLines(report),
    weakLines(report),
    quirkCheckLines(report),
    quirkLines(report),
  ])
    if (section.length > 0) lines.push('', ...section.map((l) => c.dim(l)))
  return redactSecrets(lines.join('\n'))
}

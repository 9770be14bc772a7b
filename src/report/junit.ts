/**
 * JUnit XML for CI test-report widgets: one <testsuite> per provider, one <testcase> per rule, and
 * one suite for the scripted quirk checks.
 * A failing rule is a <failure> whose body is the counterexample; a rule the suite does not check yet
 * is <skipped>. With a baseline, a known failure is <skipped> (it does not fail CI) and a stale entry
 * is a <failure> on the now-passing rule, so the widget says what the gate says.
 * Names and order are deterministic; only the times vary between runs with the same seed.
 */
import { redactSecrets } from '../redact.ts'
import type { RuleOutcome } from '../suite/check-provider.ts'
import type { ConformanceReport } from '../suite/conformance.ts'
import { formatCounterexample } from '../suite/counterexample.ts'
import type { GateResult } from './baseline.ts'

export function escapeXml(text: string): string {
  return (
    text
      // Characters XML 1.0 cannot carry at all (control characters other than tab, newline, return).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  )
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text
}

function failureMessage(row: RuleOutcome): string {
  const violation = row.counterexample?.violations[0]
  if (violation) return `${row.id} broken on ${row.provider}: ${firstLine(violation.because)}`
  return `${row.id} failed on ${row.provider}${row.note ? `: ${firstLine(row.note)}` : ''}`
}

function detail(row: RuleOutcome): string {
  const parts: string[] = []
  if (row.note) parts.push(row.note)
  if (row.counterexample) parts.push(formatCounterexample(row.counterexample))
  return parts.join('\n\n')
}

export function renderJunitReport(report: ConformanceReport, gate?: GateResult): string {
  const key = (rule: string, provider: string) => `${rule}\u0000${provider}`
  const known = new Set(gate?.knownFailures.map((e) => key(e.rule, e.provider)) ?? [])
  const stale = new Set(gate?.staleEntries.map((e) => key(e.rule, e.provider)) ?? [])
  const providers = [...new Set(report.rules.map((r) => r.provider))]
  let total = 0
  let failures = 0
  let skipped = 0
  let totalMs = 0
  const suites: string[] = []
  for (const provider of providers) {
    const rows = report.rules.filter((r) => r.provider === provider)
    const cases: string[] = []
    let suiteFailures = 0
    let suiteSkipped = 0
    let suiteMs = 0
    for (const row of rows) {
      suiteMs += row.durationMs
      const open = `    <testcase classname="reconnect-lab.${escapeXml(provider)}" name="${escapeXml(row.id)}" time="${seconds(row.durationMs)}"`
      const k = key(row.id, row.provider)
      if (row.status === 'fail' && known.has(k)) {
        suiteSkipped++
        cases.push(
          `${open}>`,
          `      <skipped message="${escapeXml(`known failure, listed in ${gate?.baseline}`)}"/>`,
          `      <system-out>${escapeXml(detail(row))}</system-out>`,
          '    </testcase>',
        )
      } else if (row.status === 'fail') {
        suiteFailures++
        cases.push(
          `${open}>`,
          `      <failure type="RuleViolation" message="${escapeXml(failureMessage(row))}">${escapeXml(detail(row))}</failure>`,
          '    </testcase>',
        )
      } else if (row.status === 'pass' && stale.has(k)) {
        suiteFailures++
        const message = `stale baseline entry: ${row.id} on ${row.provider} passes now; remove it from ${gate?.baseline}`
        cases.push(
          `${open}>`,
          `      <failure type="StaleBaselineEntry" message="${escapeXml(message)}"/>`,
          '    </testcase>',
        )
      } else if (row.status === 'skip') {
        suiteSkipped++
        cases.push(
          `${open}>`,
          `      <skipped message="${escapeXml(row.note ?? 'not checked')}"/>`,
          '    </testcase>',
        )
      } else {
        cases.push(`${open}/>`)
      }
    }
    total += rows.length
    failures += suiteFailures
    skipped += suiteSkipped
    totalMs += suiteMs
    suites.push(
      `  <testsuite name="reconnect-lab ${escapeXml(provider)}" tests="${rows.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="${seconds(suiteMs)}">`,
      '    <properties>',
      `      <property name="manager" value="${escapeXml(report.manager)}"/>`,
      `      <property name="seed" value="${report.seed}"/>`,
      `      <property name="runs" value="${report.runs}"/>`,
      '    </properties>',
      ...cases,
      '  </testsuite>',
    )
  }
  // The scripted quirk checks fail `run` too (exit 1), so CI widgets show them: one suite of their own.
  const checks = report.quirkChecks ?? []
  if (checks.length > 0) {
    const cases = checks.flatMap((c) => {
      const open = `    <testcase classname="reconnect-lab.quirk-checks.${escapeXml(c.provider)}" name="${escapeXml(c.quirk)}" time="0.000"`
      if (c.status === 'pass') return [`${open}/>`]
      const message = `${c.quirk} (${c.title}) failed${c.note ? `: ${firstLine(c.note)}` : ''}`
      return [
        `${open}>`,
        `      <failure type="QuirkCheck" message="${escapeXml(message)}">${escapeXml(c.note ?? '')}</failure>`,
        '    </testcase>',
      ]
    })
    const checkFailures = checks.filter((c) => c.status === 'fail').length
    total += checks.length
    failures += checkFailures
    suites.push(
      `  <testsuite name="reconnect-lab quirk checks" tests="${checks.length}" failures="${checkFailures}" errors="0" skipped="0" time="0.000">`,
      ...cases,
      '  </testsuite>',
    )
  }
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="reconnect-lab" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(totalMs)}">`,
    ...suites,
    '</testsuites>',
  ]
  return `${redactSecrets(xml.join('\n'))}\n`
}

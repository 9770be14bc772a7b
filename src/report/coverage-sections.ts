/**
 * The report sections about how well the run exercised things, shared by the Markdown summary and the
 * terminal table: harness checks (apart from the manager's rows), weakly exercised rule/provider
 * pairs, quirk coverage and findings. Each returns lines; nothing when the report lacks the field.
 */
import type { ConformanceReport } from '../suite/conformance.ts'

export function harnessLines(report: ConformanceReport): string[] {
  const rows = report.harness ?? []
  if (rows.length === 0) return []
  return [
    'Harness checks (reconnect-lab itself, not the manager; never counted for it):',
    ...rows.map(
      (r) => `  ${r.id} on ${r.provider}: ${r.status} (${r.checks} checks)${r.note ? `: ${r.note}` : ''}`,
    ),
  ]
}

export function weakLines(report: ConformanceReport): string[] {
  const weak = report.weaklyExercised ?? []
  if (weak.length === 0) return []
  return [
    `Weakly exercised (a pass on fewer than 30 checks proves little; raise --runs or weight the profile):`,
    ...weak.map((w) => `  ${w.rule} on ${w.provider}: ${w.checks} checks`),
  ]
}

export function quirkLines(report: ConformanceReport): string[] {
  const q = report.quirkCoverage
  if (!q) return []
  const ids = Object.keys(q.fired)
  const fired = ids.filter((id) => (q.fired[id] ?? 0) > 0)
  const never = ids.filter((id) => q.fired[id] === 0)
  const unreachable = Object.entries(q.unreachable)
  const lines = [
    `Quirk coverage: ${fired.length} of ${ids.length + unreachable.length + q.undetected.length} quirks fired; ${never.length} never fired; ${unreachable.length} unreachable by generated timelines; ${q.undetected.length} not detectable yet.`,
  ]
  if (never.length > 0) lines.push(`  never fired: ${never.join(', ')}`)
  for (const [id, why] of unreachable) lines.push(`  unreachable: ${id}: ${why}`)
  if (q.undetected.length > 0) lines.push(`  not detectable yet: ${q.undetected.join(', ')}`)
  return lines
}

/** The Markdown sections, after the rule table. */
export function coverageMarkdown(report: ConformanceReport): string[] {
  const out: string[] = []
  const harness = report.harness ?? []
  if (harness.length > 0) {
    out.push(
      '',
      '## Harness checks',
      '',
      'These check reconnect-lab itself (its pack validation), not the manager, and never count for it.',
      '',
    )
    out.push('| rule | provider | status | checks |', '|---|---|---|---|')
    for (const r of harness) out.push(`| \`${r.id}\` | ${r.provider} | ${r.status} | ${r.checks} |`)
  }
  const weak = report.weaklyExercised ?? []
  if (weak.length > 0) {
    out.push('', '## Weakly exercised', '', 'Passing rows with fewer than 30 checks:', '')
    for (const w of weak) out.push(`- \`${w.rule}\` on ${w.provider}: ${w.checks} checks`)
  }
  const q = report.quirkCoverage
  if (q) {
    out.push('', '## Quirk coverage', '', '| quirk | fired |', '|---|---|')
    for (const [id, n] of Object.entries(q.fired)) out.push(`| \`${id}\` | ${n} |`)
    for (const [id, why] of Object.entries(q.unreachable)) out.push(`| \`${id}\` | unreachable: ${why} |`)
    for (const id of q.undetected) out.push(`| \`${id}\` | not detectable yet |`)
  }
  return out
}

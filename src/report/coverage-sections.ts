/**
 * The report sections about how well the run exercised things, shared by the Markdown summary and the
 * terminal table: harness checks (apart from the manager's rows), weakly exercised rule/provider
 * pairs, the scripted quirk checks and quirk coverage. Each returns lines; nothing when the report
 * lacks the field.
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

export function quirkCheckLines(report: ConformanceReport): string[] {
  const rows = report.quirkChecks ?? []
  if (rows.length === 0) return []
  const passed = rows.filter((r) => r.status === 'pass').length
  return [
    `Quirk checks (scripted, for quirks generated timelines cannot reach): ${passed} of ${rows.length} passed`,
    ...rows.map(
      (r) =>
        `  ${r.quirk}: ${r.status} (${r.checks} checks)${r.status === 'fail' && r.note ? `: ${r.note}` : ''}`,
    ),
  ]
}

/** One stderr line per failed quirk check; `run` exits 1 when there is any. */
export function quirkCheckFailures(report: ConformanceReport): string[] {
  return (report.quirkChecks ?? [])
    .filter((r) => r.status === 'fail')
    .map((r) => `quirk check failed: ${r.quirk} on ${r.provider}: ${r.note ?? r.title}`)
}

/**
 * What `run` writes on stderr about quirks (a gap warning, each failed check), and whether a check
 * failed. A shortened run (`--quick`, fewer `--runs`, selected `--rule`s) cannot be expected to reach every quirk, so its
 * silent quirks are a note, not a gap warning.
 */
export function quirkStderr(
  report: ConformanceReport,
  options: { shortened?: boolean } = {},
): { lines: string[]; failed: boolean } {
  const failures = quirkCheckFailures(report)
  const never = report.quirkCoverage?.neverFired ?? []
  const lines =
    never.length === 0
      ? []
      : options.shortened
        ? [
            `note: ${never.length} quirk(s) did not fire in this shortened run (${never.join(', ')}); the full run reaches each or gives its reason`,
          ]
        : [`warning: quirks that never fired and have no reason: ${never.join(', ')}`]
  return { lines: [...lines, ...failures], failed: failures.length > 0 }
}

export function quirkLines(report: ConformanceReport): string[] {
  const q = report.quirkCoverage
  if (!q) return []
  const ids = Object.keys(q.fired)
  const fired = ids.filter((id) => (q.fired[id] ?? 0) > 0)
  const unreachable = Object.entries(q.unreachable)
  const lines = [
    `Quirk coverage (counted by the mocks): ${fired.length} of ${ids.length} quirks fired; ${unreachable.length} unreachable in the default run; ${q.neverFired.length} never fired without a reason.`,
  ]
  if (q.neverFired.length > 0) lines.push(`  never fired (a gap in the suite): ${q.neverFired.join(', ')}`)
  for (const [id, why] of unreachable) lines.push(`  unreachable: ${id}: ${why}`)
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
  const checks = report.quirkChecks ?? []
  if (checks.length > 0) {
    out.push(
      '',
      '## Quirk checks (scripted)',
      '',
      'One short scripted timeline per quirk that generated timelines cannot reach; a check passes only if its quirk fired.',
      '',
      '| quirk | provider | status | checks | situation |',
      '|---|---|---|---|---|',
    )
    for (const r of checks)
      out.push(
        `| \`${r.quirk}\` | ${r.provider} | ${QUIRK_CHECK_ICON[r.status]} | ${r.checks} | ${cell(r.title)}${r.note ? `: ${cell(r.note)}` : ''} |`,
      )
  }
  const q = report.quirkCoverage
  if (q) {
    const ids = Object.keys(q.fired)
    const fired = ids.filter((id) => (q.fired[id] ?? 0) > 0).length
    out.push(
      '',
      '## Quirk coverage',
      '',
      `Counted by the mocks: ${fired} of ${ids.length} quirks fired; ${Object.keys(q.unreachable).length} unreachable in the default run; ${q.neverFired.length} never fired without a reason.`,
      '',
      '| quirk | fired | note |',
      '|---|---|---|',
    )
    for (const id of ids) {
      const n = q.fired[id] ?? 0
      const note =
        n > 0 ? '' : (q.unreachable[id] ?? '**never fired** (no reason recorded: a gap in the suite)')
      out.push(`| \`${id}\` | ${n} | ${cell(note)} |`)
    }
  }
  return out
}

const QUIRK_CHECK_ICON = { pass: '✅ pass', fail: '❌ fail' } as const

/** Text in a Markdown table cell: a `|` would end the cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|')

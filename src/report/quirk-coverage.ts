/**
 * Quirk coverage: which provider quirks (mocks/<provider>/quirks.ts) the mocks actually exercised in a
 * run, and how often. The counts come from the mocks themselves (mocks/quirk-tally.ts): a quirk is
 * counted where the mock's code departs from the baseline because of it. A quirk that never fired is
 * either listed as unreachable in this run, with the reason, or reported as a gap.
 *
 * Also the "weakly exercised" check: a rule and provider pair with fewer than MIN_CHECKS checks proved
 * little, even when it passed.
 */
import { allQuirks } from '../../mocks/quirk-registry.ts'
import type { QuirkCounts } from '../../mocks/quirk-tally.ts'
import type { RuleOutcome } from '../suite/check-provider.ts'

/** Checks a rule needs on a provider before its row counts as well exercised. */
export const MIN_CHECKS = 30

export interface QuirkCoverage {
  /** Every quirk id of the providers in this run, with how many times it fired (0 included). */
  fired: QuirkCounts
  /** Quirks that did not fire, and why this run cannot reach them. */
  unreachable: Record<string, string>
  /** Quirks that did not fire and have no reason: a gap in the suite. */
  neverFired: string[]
}

export interface WeakPair {
  rule: string
  provider: string
  checks: number
}

/**
 * Builds the section from the counts a run collected. `reasons` says why a quirk cannot fire in this
 * run (an option the default run does not select, a manager that never takes that path); it is used
 * only for quirks that in fact did not fire.
 */
export function buildQuirkCoverage(
  counts: QuirkCounts,
  providers: readonly string[],
  reasons: Readonly<Record<string, string>>,
): QuirkCoverage {
  const fired: QuirkCounts = {}
  const unreachable: Record<string, string> = {}
  const neverFired: string[] = []
  for (const quirk of allQuirks()) {
    if (!providers.includes(quirk.provider)) continue
    const n = counts[quirk.id] ?? 0
    fired[quirk.id] = n
    if (n > 0) continue
    const reason = reasons[quirk.id]
    if (reason !== undefined) unreachable[quirk.id] = reason
    else neverFired.push(quirk.id)
  }
  return { fired, unreachable, neverFired }
}

/** Rows that were checked (pass or fail) but fewer than `min` times. Skipped rows say so themselves. */
export function weaklyExercised(rows: readonly RuleOutcome[], min = MIN_CHECKS): WeakPair[] {
  return rows
    .filter((r) => r.status !== 'skip' && r.checks < min)
    .map((r) => ({ rule: r.id, provider: r.provider, checks: r.checks }))
}

/** One line per warning, for stderr and the Markdown summary. */
export function coverageWarnings(coverage: QuirkCoverage | undefined, weak: readonly WeakPair[]): string[] {
  const lines = weak.map(
    (w) =>
      `weakly exercised: ${w.rule} on ${w.provider} had ${w.checks} checks (want at least ${MIN_CHECKS})`,
  )
  if (coverage && coverage.neverFired.length > 0)
    lines.push(`quirks that never fired and have no reason: ${coverage.neverFired.join(', ')}`)
  return lines
}

/** The Markdown section of summary.md: every quirk and its count, then what did not fire and why. */
export function renderQuirkCoverageMarkdown(coverage: QuirkCoverage, weak: readonly WeakPair[]): string[] {
  const ids = Object.keys(coverage.fired)
  const firedCount = ids.filter((id) => (coverage.fired[id] ?? 0) > 0).length
  const lines = [
    '',
    '## Quirk coverage',
    '',
    `${firedCount} of ${ids.length} quirks fired; ${Object.keys(coverage.unreachable).length} unreachable in this run; ` +
      `${coverage.neverFired.length} never fired without a reason.`,
    '',
    '| quirk | fired | note |',
    '|---|---|---|',
    ...ids.map((id) => {
      const n = coverage.fired[id] ?? 0
      const note =
        n > 0 ? '' : (coverage.unreachable[id] ?? '**never fired** (no reason recorded: a gap in the suite)')
      return `| \`${id}\` | ${n} | ${note.replace(/\|/g, '\\|')} |`
    }),
  ]
  if (weak.length > 0) {
    lines.push('', `### Weakly exercised rule and provider pairs (fewer than ${MIN_CHECKS} checks)`, '')
    lines.push('| rule | provider | checks |', '|---|---|---|')
    for (const w of weak) lines.push(`| \`${w.rule}\` | ${w.provider} | ${w.checks} |`)
  }
  return lines
}

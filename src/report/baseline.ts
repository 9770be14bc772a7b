/**
 * The CI gate's baseline: a file listing known failing (rule, provider) pairs. With a baseline, a run
 * fails CI on a *new* failure (not listed) and on a *stale* entry (listed, but the rule now passes on
 * that provider: remove it, so a regression cannot hide behind it). Listed pairs that still fail are
 * known failures and do not fail CI; listed pairs this run did not check (filtered out, or skipped)
 * are reported as unchecked, never as stale.
 *
 * ```yaml
 * # reconnect-lab baseline
 * knownFailures:
 *   - rule: rotation-is-durable
 *     provider: slack
 *     note: cross-process single-flight lands in TICKET-123
 * ```
 */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { LineCounter, parseAllDocuments } from 'yaml'
import { isRuleId } from '../rules/catalogue/index.ts'
import type { RuleId } from '../rules/types.ts'
import { formatIssues } from '../scenario/load.ts'
import { entries, list, object, oneOf, Reader, type Schema, text } from '../scenario/schema.ts'
import type { ConformanceReport } from '../suite/conformance.ts'
import { LabError } from '../errors.ts'
import { PROVIDER_IDS } from '../world/org.ts'

export interface RuleProviderPair {
  rule: RuleId
  provider: string
}

export interface BaselineEntry extends RuleProviderPair {
  note?: string
  /** 1-based line of the entry in the file. */
  line?: number
}

export interface Baseline {
  /** The file as the user named it. */
  file: string
  entries: BaselineEntry[]
}

export interface GateResult {
  baseline: string
  /** Failing now and not listed: fails CI. */
  newFailures: RuleProviderPair[]
  /** Listed, but passing now: fails CI until the entry is removed. */
  staleEntries: BaselineEntry[]
  /** Listed and still failing. */
  knownFailures: BaselineEntry[]
  /** Listed, but this run did not check the pair (filtered out or skipped). */
  unchecked: BaselineEntry[]
  passed: boolean
}

const ruleId: Schema<RuleId> = (node, path, reader) => {
  const value = text({ hint: 'a rule id' })(node, path, reader)
  if (value === undefined) return undefined
  return isRuleId(value) ? value : reader.report(node, path, `unknown rule "${value}"`)
}

const entrySchema = object({
  rule: { schema: ruleId, required: true },
  provider: { schema: oneOf(PROVIDER_IDS), required: true },
  note: { schema: text() },
})

function baselineError(file: string, message: string): LabError {
  return new LabError('BASELINE_INVALID', `${file}: ${message}`)
}

/** Parses and checks a baseline file's text; problems name the file, line and field. */
export function parseBaseline(source: string, file: string): Baseline {
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(source, { lineCounter, prettyErrors: true, uniqueKeys: true })
  if (!Array.isArray(docs) || docs.length === 0)
    throw baselineError(file, 'the file is empty (write `knownFailures: []` for an empty baseline)')
  if (docs.length > 1) throw baselineError(file, 'one baseline per file (found a second YAML document)')
  const doc = docs[0]!
  const reader = new Reader(lineCounter)
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      path: '(yaml)',
      message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
      ...(e.linePos?.[0] ? { line: e.linePos[0].line, col: e.linePos[0].col } : {}),
    }))
    throw new LabError('BASELINE_INVALID', formatIssues(file, issues, 'baseline'))
  }
  const items = entries(doc.contents, '', reader)
  const out: BaselineEntry[] = []
  if (items) {
    for (const { key, pair } of items) {
      if (key !== 'knownFailures') reader.report(pair, key, 'unknown field (a baseline has knownFailures)')
    }
    const field = items.find((i) => i.key === 'knownFailures')
    if (!field) reader.report(doc.contents, 'knownFailures', 'is required (a list of { rule, provider })')
    else {
      const seq = field.value
      const read = list(entrySchema)(seq, 'knownFailures', reader)
      if (read && seq && 'items' in seq) {
        const seen = new Map<string, number | undefined>()
        read.forEach((entry, i) => {
          const node = (seq.items as unknown[])[i] as Parameters<Reader['lineOf']>[0]
          const line = reader.lineOf(node)
          const key = `${entry.rule}\u0000${entry.provider}`
          if (seen.has(key)) {
            const first = seen.get(key)
            reader.report(
              node,
              `knownFailures[${i}]`,
              `${entry.rule} on ${entry.provider} is listed twice${first !== undefined ? ` (first on line ${first})` : ''}`,
            )
          } else seen.set(key, line)
          out.push({
            rule: entry.rule,
            provider: entry.provider,
            ...(entry.note !== undefined ? { note: entry.note } : {}),
            ...(line !== undefined ? { line } : {}),
          })
        })
      }
    }
  }
  if (reader.issues.length > 0)
    throw new LabError('BASELINE_INVALID', formatIssues(file, reader.issues, 'baseline'))
  return { file, entries: out }
}

export async function loadBaselineFile(path: string, cwd: string): Promise<Baseline> {
  const absolute = resolve(cwd, path)
  const label = relative(cwd, absolute) || path
  let source: string
  try {
    source = await readFile(absolute, 'utf8')
  } catch {
    throw baselineError(label, 'no such baseline file')
  }
  return parseBaseline(source, label)
}

const pairKey = (p: RuleProviderPair) => `${p.rule}\u0000${p.provider}`

/** Compares a run with the baseline: new failures and stale entries fail the gate. */
export function evaluateGate(report: ConformanceReport, baseline: Baseline): GateResult {
  const listed = new Map(baseline.entries.map((e) => [pairKey(e), e]))
  const rows = new Map(report.rules.map((r) => [pairKey({ rule: r.id, provider: r.provider }), r]))
  const newFailures: RuleProviderPair[] = []
  for (const row of report.rules) {
    if (row.status === 'fail' && !listed.has(pairKey({ rule: row.id, provider: row.provider })))
      newFailures.push({ rule: row.id, provider: row.provider })
  }
  const staleEntries: BaselineEntry[] = []
  const knownFailures: BaselineEntry[] = []
  const unchecked: BaselineEntry[] = []
  for (const entry of baseline.entries) {
    const row = rows.get(pairKey(entry))
    if (!row || row.status === 'skip') unchecked.push(entry)
    else if (row.status === 'pass') staleEntries.push(entry)
    else knownFailures.push(entry)
  }
  return {
    baseline: baseline.file,
    newFailures,
    staleEntries,
    knownFailures,
    unchecked,
    passed: newFailures.length === 0 && staleEntries.length === 0,
  }
}

/** A baseline file listing every failure of `report` (for `--write-baseline`). */
export function renderBaselineFile(report: ConformanceReport): string {
  const failures = report.rules.filter((r) => r.status === 'fail')
  const lines = [
    '# reconnect-lab baseline: known failing rule and provider pairs.',
    '# CI fails on a failure not listed here, and on a listed pair that passes again (remove it then).',
    `# Written from a run of ${report.manager} (seed ${report.seed}, ${report.runs} timelines per provider).`,
  ]
  if (failures.length === 0) lines.push('knownFailures: []')
  else {
    lines.push('knownFailures:')
    for (const f of failures) lines.push(`  - rule: ${f.id}`, `    provider: ${f.provider}`)
  }
  return `${lines.join('\n')}\n`
}

const at = (e: BaselineEntry, file: string) => (e.line !== undefined ? ` (${file}:${e.line})` : '')

/** The gate's verdict as plain lines (terminal and CI logs). */
export function formatGate(gate: GateResult): string[] {
  const lines = [`baseline ${gate.baseline}: ${gate.passed ? 'gate passed' : 'gate FAILED'}`]
  for (const f of gate.newFailures)
    lines.push(`  NEW failure: ${f.rule} on ${f.provider} (not in the baseline)`)
  for (const e of gate.staleEntries)
    lines.push(
      `  STALE entry: ${e.rule} on ${e.provider} passes now; remove it from the baseline${at(e, gate.baseline)}`,
    )
  for (const e of gate.knownFailures)
    lines.push(`  known failure: ${e.rule} on ${e.provider}${e.note ? ` (${e.note})` : ''}`)
  for (const e of gate.unchecked)
    lines.push(`  not checked by this run: ${e.rule} on ${e.provider}${at(e, gate.baseline)}`)
  return lines
}

export function renderGateMarkdown(gate: GateResult): string {
  const lines = [
    '',
    `## Baseline gate: ${gate.passed ? 'passed' : 'FAILED'}`,
    '',
    `Baseline \`${gate.baseline}\`: ${gate.newFailures.length} new, ${gate.staleEntries.length} stale, ${gate.knownFailures.length} known, ${gate.unchecked.length} not checked.`,
    '',
  ]
  for (const f of gate.newFailures) lines.push(`- ❌ **new failure**: \`${f.rule}\` on ${f.provider}`)
  for (const e of gate.staleEntries)
    lines.push(`- ❌ **stale entry**: \`${e.rule}\` on ${e.provider} passes now; remove it from the baseline`)
  for (const e of gate.knownFailures)
    lines.push(`- ⚠️ known failure: \`${e.rule}\` on ${e.provider}${e.note ? ` (${e.note})` : ''}`)
  for (const e of gate.unchecked) lines.push(`- ⏭️ not checked: \`${e.rule}\` on ${e.provider}`)
  return `${lines.join('\n')}\n`
}

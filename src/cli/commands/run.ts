import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CreateManager, ProviderId } from '../../manager/contract.ts'
import {
  evaluateGate,
  formatGate,
  type GateResult,
  loadBaselineFile,
  renderBaselineFile,
  renderGateMarkdown,
} from '../../report/baseline.ts'
import { renderJsonReport } from '../../report/json.ts'
import { renderJunitReport } from '../../report/junit.ts'
import { renderMarkdownSummary } from '../../report/markdown.ts'
import { renderPrettyReport } from '../../report/pretty.ts'
import { quirkStderr } from '../../report/coverage-sections.ts'
import { renderTimelineMarkdown } from '../../report/timeline-markdown.ts'
import type { RuleId } from '../../rules/types.ts'
import { counterexampleFile } from '../../scenario/counterexample-file.ts'
import { type ConformanceReport, runConformance, TOOL_NAME, TOOL_VERSION } from '../../suite/conformance.ts'
import { profiledProviders } from '../../suite/profiles.ts'
import { type CliIo, EXIT_NOTHING_CHECKED, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { ensureWritableDir, ensureWritableFile } from '../output-paths.ts'
import { resolveManager, type ResolvedManager } from '../manager-option.ts'
import { createProgress } from '../progress.ts'
import { runTimelinePage, TIMELINE_FILE, writeRunTimeline } from './timeline-output.ts'

export const REPORTERS = ['pretty', 'json', 'junit', 'markdown', 'html'] as const
export type ReporterName = (typeof REPORTERS)[number]

/**
 * Without --reporter, a run prints the table and writes the canonical report.json and summary.md
 * (what `npm start` promises); an explicit --reporter list replaces this set.
 */
export const DEFAULT_REPORTERS: readonly ReporterName[] = ['pretty', 'json', 'markdown', 'html']

/** Where each file reporter writes, under --report-dir. */
export const REPORT_FILES = {
  json: 'report.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: TIMELINE_FILE,
} as const
export const COUNTEREXAMPLE_DIR = 'counterexamples'
export const MANAGER_STDERR_FILE = 'manager-stderr.txt'

export interface RunCommandOptions {
  seed?: number
  runs: number
  providers?: ProviderId[]
  rules?: RuleId[]
  reportDir: string
  /** Default: pretty only. */
  reporters?: readonly ReporterName[]
  /** A baseline file of known failing (rule, provider) pairs: CI then fails only on new failures and stale entries. */
  baseline?: string
  /** Write the run's failures as a baseline file. */
  writeBaseline?: string
  /** A module exporting `createManager` (the adapter contract). */
  managerPath?: string
  /** A command speaking the manager protocol (docs/PROTOCOL.md). */
  managerCmd?: string
  callTimeoutMs?: number
  createManager?: CreateManager
  managerLabel?: string
  /** Worker threads (default 1). With an injected createManager, the run stays in this thread. */
  workers?: number
  /** Run slice `index` of `count` only; `reconnect-lab merge` combines the shard reports. */
  shard?: { index: number; count: number }
  /** Generated interleavings per provider (default max(runs, 1000)); --quick lowers it. */
  interleavings?: number
}

/** The canonical report plus what the CI gate and the counterexample files add. */
export type RunReport = ConformanceReport & {
  gate?: GateResult
  /** Counterexample scenario files, relative to the report dir, with whether replaying the file reproduced the failure. */
  counterexampleFiles?: Array<{
    rule: RuleId
    provider: string
    file: string
    reproduced: boolean
    steps: number
    /** When it did not reproduce: what differed. */
    differed?: string
  }>
}

export const DEFAULT_RUNS = 100
export const DEFAULT_REPORT_DIR = 'reports/latest'

/**
 * `reconnect-lab run`: the conformance suite on the reference manager or on `--manager <module>`.
 * Writes a replayable scenario file per failing rule under `<report-dir>/counterexamples/`, renders
 * the chosen reporters, and applies the baseline gate when one is given.
 */
export async function runCommand(
  options: RunCommandOptions,
  io: CliIo,
): Promise<{ exitCode: number; report: RunReport }> {
  const seed = options.seed ?? io.freshSeed()
  const reporters = new Set<ReporterName>(options.reporters ?? DEFAULT_REPORTERS)
  // Read inputs first: a bad baseline or manager module is a usage error before any work is done.
  const baseline =
    options.baseline !== undefined ? await loadBaselineFile(options.baseline, io.cwd) : undefined
  const dir = await ensureWritableDir('--report-dir', options.reportDir, io.cwd)
  const baselineTarget =
    options.writeBaseline !== undefined
      ? await ensureWritableFile('--write-baseline', options.writeBaseline, io.cwd)
      : undefined
  const resolved = await resolveManager(options, {
    cwd: io.cwd,
    probeProviders: options.providers ?? profiledProviders(),
    ...(options.createManager ? { fallback: options.createManager } : {}),
    ...(options.managerLabel !== undefined ? { fallbackLabel: options.managerLabel } : {}),
  })
  try {
    return await runWith(options, io, seed, reporters, baseline, resolved, { dir, baselineTarget })
  } finally {
    await resolved.close()
  }
}

async function runWith(
  options: RunCommandOptions,
  io: CliIo,
  seed: number,
  reporters: Set<ReporterName>,
  baseline: Awaited<ReturnType<typeof loadBaselineFile>> | undefined,
  resolved: ResolvedManager,
  paths: { dir: string; baselineTarget: string | undefined },
): Promise<{ exitCode: number; report: RunReport }> {
  const { createManager, label: managerLabel } = resolved
  const { dir, baselineTarget } = paths

  const conformance = await runConformance({
    createManager,
    managerLabel,
    seed,
    runs: options.runs,
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.interleavings !== undefined ? { interleavings: options.interleavings } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(resolved.source ? { managerSource: resolved.source } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    onProgress: createProgress(io, {
      managerProcess: options.managerCmd !== undefined,
      managerSettles: resolved.settles === true,
    }),
  })

  const files = await writeCounterexamples(conformance, join(dir, COUNTEREXAMPLE_DIR), {
    createManager,
    manager: managerLabel,
    runs: options.runs,
  })
  const gate = baseline ? evaluateGate(conformance, baseline) : undefined
  const report: RunReport = {
    ...conformance,
    ...(files.length > 0 ? { counterexampleFiles: files } : {}),
    ...(gate ? { gate } : {}),
  }

  const written: string[] = []
  // The timeline picture of every counterexample file, replayed from the file (html; its summary goes into summary.md).
  const timeline =
    reporters.has('html') || (reporters.has('markdown') && files.length > 0)
      ? await runTimelinePage(withSuiteLines(files, conformance), {
          reportDir: dir,
          reportLabel: options.reportDir,
          createManager,
          manager: managerLabel,
          seed,
        })
      : undefined
  if (timeline && reporters.has('html')) {
    await writeRunTimeline(dir, timeline)
    written.push(REPORT_FILES.html)
  }
  if (reporters.has('json')) {
    await writeFile(join(dir, REPORT_FILES.json), renderJsonReport(report))
    written.push(REPORT_FILES.json)
  }
  if (reporters.has('markdown')) {
    await writeFile(
      join(dir, REPORT_FILES.markdown),
      renderMarkdownSummary(report) +
        (gate ? renderGateMarkdown(gate) : '') +
        (files.length > 0 && timeline ? `\n${renderTimelineMarkdown(timeline)}` : ''),
    )
    written.push(REPORT_FILES.markdown)
  }
  if (reporters.has('junit')) {
    await writeFile(join(dir, REPORT_FILES.junit), renderJunitReport(report, gate))
    written.push(REPORT_FILES.junit)
  }
  if (options.writeBaseline !== undefined && baselineTarget !== undefined) {
    await writeFile(baselineTarget, renderBaselineFile(report))
    io.err(`baseline written to ${options.writeBaseline} (${report.summary.failed} known failures)\n`)
  }

  if (reporters.has('pretty')) {
    const lines = [renderPrettyReport(report, io.colors)]
    if (files.length > 0) {
      lines.push('', 'Counterexamples (replay with `reconnect-lab replay <file>`):')
      const manager =
        options.managerPath !== undefined
          ? ` --manager ${managerLabel}`
          : options.managerCmd !== undefined
            ? ` --manager-cmd ${JSON.stringify(options.managerCmd)}`
            : ''
      for (const f of files)
        lines.push(
          `  ${options.reportDir}/${f.file}${f.reproduced ? '' : `  [the file did NOT reproduce the failure: ${f.differed ?? 'non-deterministic manager?'}]`}`,
        )
      if (manager) lines.push(`  e.g. reconnect-lab replay ${options.reportDir}/${files[0]?.file}${manager}`)
    }
    if (gate) lines.push('', ...formatGate(gate))
    io.out(`${lines.join('\n')}\n`)
  } else {
    const { summary } = report
    io.err(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (seed ${seed})\n`)
    if (gate) io.err(`${formatGate(gate).join('\n')}\n`)
  }
  const stderr = resolved.stderr?.() ?? ''
  if (stderr.trim() !== '') {
    // The manager process's own log, kept (redacted) beside the report.
    await writeFile(join(dir, MANAGER_STDERR_FILE), stderr)
    written.push(MANAGER_STDERR_FILE)
  }
  const outputs = [...written, ...(files.length > 0 ? [`${COUNTEREXAMPLE_DIR}/ (${files.length})`] : [])]
  if (outputs.length > 0) io.err(`reports written to ${options.reportDir}/: ${outputs.join(', ')}\n`)

  // The suite's default interleaving count is max(runs, 1000) (src/suite/conformance.ts). A run of
  // selected rules plays no quirk checks (src/suite/workers/plan.ts), so it cannot reach every quirk either.
  const shortened =
    options.runs < DEFAULT_RUNS ||
    (options.rules !== undefined && options.rules.length > 0) ||
    (options.interleavings !== undefined && options.interleavings < Math.max(options.runs, 1000))
  const quirks = quirkStderr(report, { shortened })
  for (const line of quirks.lines) io.err(`${line}\n`)
  const failed = (gate ? !gate.passed : report.summary.failed > 0) || quirks.failed
  if (failed) return { exitCode: EXIT_RULE_FAILED, report }
  // Every selected rule skipped: nothing was checked, so nothing passed (a green CI here would lie).
  if (report.summary.passed === 0 && report.summary.failed === 0) {
    io.err(
      `nothing was checked: every selected rule was skipped or does not apply on the selected providers (exit ${EXIT_NOTHING_CHECKED})\n`,
    )
    return { exitCode: EXIT_NOTHING_CHECKED, report }
  }
  return { exitCode: EXIT_OK, report }
}

/** Each written file with the suite's own lines for its failure (the picture shows them when the file did not reproduce). */
function withSuiteLines(
  files: NonNullable<RunReport['counterexampleFiles']>,
  report: ConformanceReport,
): Array<(typeof files)[number] & { lines?: readonly string[] }> {
  return files.map((f) => {
    const lines = report.rules.find((r) => r.id === f.rule && r.provider === f.provider)?.counterexample
      ?.lines
    return lines ? { ...f, lines } : f
  })
}

/** Replaces the counterexample files of a previous run with this run's, each proven by a replay from the file. */
async function writeCounterexamples(
  report: ConformanceReport,
  dir: string,
  options: { createManager: CreateManager; manager: string; runs: number },
): Promise<NonNullable<RunReport['counterexampleFiles']>> {
  let existing: string[] = []
  try {
    existing = await readdir(dir)
  } catch {
    // no previous run
  }
  for (const name of existing) if (name.endsWith('.yaml')) await rm(join(dir, name), { force: true })
  const out: NonNullable<RunReport['counterexampleFiles']> = []
  for (const row of report.rules) {
    if (row.status !== 'fail' || !row.counterexample) continue
    const file = await counterexampleFile(row.counterexample, {
      ...options,
      tool: `${TOOL_NAME} ${TOOL_VERSION}`,
    })
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, file.name), file.text)
    out.push({
      rule: row.id,
      provider: row.provider,
      file: `${COUNTEREXAMPLE_DIR}/${file.name}`,
      reproduced: file.reproduced,
      steps: file.steps,
      ...(file.differed !== undefined ? { differed: file.differed } : {}),
    })
  }
  return out
}

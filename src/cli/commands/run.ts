import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
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
import type { RuleId } from '../../rules/types.ts'
import { counterexampleFile } from '../../scenario/counterexample-file.ts'
import { type ConformanceReport, runConformance, TOOL_NAME, TOOL_VERSION } from '../../suite/conformance.ts'
import { profiledProviders } from '../../suite/profiles.ts'
import { type CliIo, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { resolveManager, type ResolvedManager } from '../manager-option.ts'
import { createProgress } from '../progress.ts'

export const REPORTERS = ['pretty', 'json', 'junit', 'markdown'] as const
export type ReporterName = (typeof REPORTERS)[number]

/**
 * Without --reporter, a run prints the table and writes the canonical report.json and summary.md
 * (what `npm start` promises); an explicit --reporter list replaces this set.
 */
export const DEFAULT_REPORTERS: readonly ReporterName[] = ['pretty', 'json', 'markdown']

/** Where each file reporter writes, under --report-dir. */
export const REPORT_FILES = { json: 'report.json', junit: 'junit.xml', markdown: 'summary.md' } as const
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
  const resolved = await resolveManager(options, {
    cwd: io.cwd,
    probeProviders: options.providers ?? profiledProviders(),
    ...(options.createManager ? { fallback: options.createManager } : {}),
    ...(options.managerLabel !== undefined ? { fallbackLabel: options.managerLabel } : {}),
  })
  try {
    return await runWith(options, io, seed, reporters, baseline, resolved)
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
): Promise<{ exitCode: number; report: RunReport }> {
  const { createManager, label: managerLabel } = resolved

  const conformance = await runConformance({
    createManager,
    managerLabel,
    seed,
    runs: options.runs,
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    onProgress: createProgress(io),
  })

  const dir = resolve(io.cwd, options.reportDir)
  await mkdir(dir, { recursive: true })
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
  if (reporters.has('json')) {
    await writeFile(join(dir, REPORT_FILES.json), renderJsonReport(report))
    written.push(REPORT_FILES.json)
  }
  if (reporters.has('markdown')) {
    await writeFile(
      join(dir, REPORT_FILES.markdown),
      renderMarkdownSummary(report) + (gate ? renderGateMarkdown(gate) : ''),
    )
    written.push(REPORT_FILES.markdown)
  }
  if (reporters.has('junit')) {
    await writeFile(join(dir, REPORT_FILES.junit), renderJunitReport(report, gate))
    written.push(REPORT_FILES.junit)
  }
  if (options.writeBaseline !== undefined) {
    const target = resolve(io.cwd, options.writeBaseline)
    await writeFile(target, renderBaselineFile(report))
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
          `  ${options.reportDir}/${f.file}${f.reproduced ? '' : '  [the file did NOT reproduce the failure: non-deterministic manager?]'}`,
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

  const failed = gate ? !gate.passed : report.summary.failed > 0
  return { exitCode: failed ? EXIT_RULE_FAILED : EXIT_OK, report }
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
    })
  }
  return out
}

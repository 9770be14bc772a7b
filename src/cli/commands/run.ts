import { mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { CreateManager, ProviderId } from '../../manager/contract.ts'
import { createManager as createReferenceManager } from '../../manager/reference-manager.ts'
import { renderJsonReport } from '../../report/json.ts'
import { renderMarkdownSummary } from '../../report/markdown.ts'
import { renderPrettyReport } from '../../report/pretty.ts'
import type { RuleId } from '../../rules/types.ts'
import { type ConformanceReport, runConformance } from '../../suite/conformance.ts'
import { type CliIo, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { createProgress } from '../progress.ts'

export interface RunCommandOptions {
  seed?: number
  runs: number
  providers?: ProviderId[]
  rules?: RuleId[]
  reportDir: string
  createManager?: CreateManager
  managerLabel?: string
}

export const DEFAULT_RUNS = 100
export const DEFAULT_REPORT_DIR = 'reports/latest'

/** `reconnect-lab run`: the conformance suite, a table on stdout, report.json and summary.md on disk. */
export async function runCommand(
  options: RunCommandOptions,
  io: CliIo,
): Promise<{ exitCode: number; report: ConformanceReport }> {
  const seed = options.seed ?? io.freshSeed()
  const report = await runConformance({
    createManager: options.createManager ?? createReferenceManager,
    managerLabel: options.managerLabel ?? 'reference',
    seed,
    runs: options.runs,
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    onProgress: createProgress(io),
  })
  const dir = resolve(io.cwd, options.reportDir)
  await mkdir(dir, { recursive: true })
  await writeFile(resolve(dir, 'report.json'), renderJsonReport(report))
  await writeFile(resolve(dir, 'summary.md'), renderMarkdownSummary(report))
  io.out(`${renderPrettyReport(report, io.colors)}\n`)
  io.err(`reports written to ${options.reportDir}/report.json and ${options.reportDir}/summary.md\n`)
  return { exitCode: report.summary.failed > 0 ? EXIT_RULE_FAILED : EXIT_OK, report }
}

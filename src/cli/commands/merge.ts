/**
 * `reconnect-lab merge <report.json...>`: the shard reports of one run (`run --shard k/n`) combined
 * into the report a single run gives: report.json, junit.xml and summary.md, with the counterexample
 * files the shards wrote copied alongside.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { renderJsonReport } from '../../report/json.ts'
import { renderJunitReport } from '../../report/junit.ts'
import { renderMarkdownSummary } from '../../report/markdown.ts'
import { assembleReport, type ConformanceReport, type ShardSection } from '../../suite/conformance.ts'
import { combineParts } from '../../suite/workers/parts.ts'
import { LabError } from '../../errors.ts'
import { type CliIo, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { REPORT_FILES, type RunReport } from './run.ts'

type ShardReport = RunReport & { shard: ShardSection }

function isShardReport(value: unknown): value is ShardReport {
  if (typeof value !== 'object' || value === null) return false
  const shard = (value as { shard?: unknown }).shard
  return typeof shard === 'object' && shard !== null && 'parts' in shard && 'index' in shard
}

async function readShard(path: string, cwd: string): Promise<ShardReport> {
  let text: string
  try {
    text = await readFile(resolve(cwd, path), 'utf8')
  } catch {
    throw new LabError('USAGE', `${path}: cannot read the file`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new LabError(
      'USAGE',
      `${path}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    )
  }
  if (!isShardReport(parsed))
    throw new LabError(
      'USAGE',
      `${path}: field "shard" is missing: not a shard report (write it with \`run --shard k/n\`)`,
    )
  return parsed
}

/** What must agree between the shards of one run. */
function runIdentity(r: ShardReport): string {
  const { seed, runs, manager, version } = r
  const { count, providers, rules, interleavings } = r.shard
  return JSON.stringify({ version, seed, runs, manager, count, providers, rules, interleavings })
}

export async function mergeCommand(
  options: { files: readonly string[]; reportDir: string },
  io: CliIo,
): Promise<{ exitCode: number; report: RunReport }> {
  const shards: Array<{ file: string; report: ShardReport }> = []
  for (const file of options.files) shards.push({ file, report: await readShard(file, io.cwd) })
  const first = shards[0]
  if (!first)
    throw new LabError('USAGE', 'merge needs the shard reports, e.g. reconnect-lab merge shard-*/report.json')
  for (const s of shards) {
    if (runIdentity(s.report) !== runIdentity(first.report))
      throw new LabError(
        'USAGE',
        `${s.file}: field "shard" belongs to another run than ${first.file} (seed, runs, manager, providers, rules and shard count must agree)`,
      )
  }
  const count = first.report.shard.count
  const seen = new Map<number, string>()
  for (const s of shards) {
    const other = seen.get(s.report.shard.index)
    if (other !== undefined)
      throw new LabError(
        'USAGE',
        `${s.file}: field "shard.index" ${s.report.shard.index} is also in ${other}`,
      )
    seen.set(s.report.shard.index, s.file)
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
  if (missing.length > 0)
    throw new LabError('USAGE', `merge: shard ${missing.map((i) => `${i}/${count}`).join(', ')} missing`)

  const { shard } = first.report
  let parts: ShardSection['parts']
  try {
    parts = combineParts(shards.map((s) => s.report.shard.parts))
  } catch (error) {
    throw new LabError('USAGE', `merge: ${error instanceof Error ? error.message : String(error)}`)
  }
  const conformance: ConformanceReport = await assembleReport(
    {
      seed: first.report.seed,
      runs: first.report.runs,
      manager: first.report.manager,
      providers: shard.providers,
      ...(shard.rules ? { rules: shard.rules } : {}),
      ...(shard.interleavings !== undefined ? { interleavings: shard.interleavings } : {}),
    },
    parts,
  )

  // Each failing row's counterexample file is the one the shard holding that counterexample wrote.
  const dir = resolve(io.cwd, options.reportDir)
  await mkdir(dir, { recursive: true })
  const files: NonNullable<RunReport['counterexampleFiles']> = []
  for (const row of conformance.rules) {
    if (row.status !== 'fail' || !row.counterexample) continue
    const wanted = JSON.stringify(row.counterexample)
    for (const s of shards) {
      const own = s.report.rules.find((r) => r.id === row.id && r.provider === row.provider)
      const entry = s.report.counterexampleFiles?.find(
        (f) => f.rule === row.id && f.provider === row.provider,
      )
      if (!own || !entry || JSON.stringify(own.counterexample) !== wanted) continue
      await mkdir(dirname(join(dir, entry.file)), { recursive: true })
      await copyFile(join(dirname(resolve(io.cwd, s.file)), entry.file), join(dir, entry.file)).catch(
        () => undefined,
      )
      files.push(entry)
      break
    }
  }
  const report: RunReport = { ...conformance, ...(files.length > 0 ? { counterexampleFiles: files } : {}) }
  await writeFile(join(dir, REPORT_FILES.json), renderJsonReport(report))
  await writeFile(join(dir, REPORT_FILES.junit), renderJunitReport(report))
  await writeFile(join(dir, REPORT_FILES.markdown), renderMarkdownSummary(report))
  const { summary } = report
  io.err(
    `merged ${shards.length} shards: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (seed ${report.seed})\n`,
  )
  io.err(`reports written to ${options.reportDir}/: ${Object.values(REPORT_FILES).join(', ')}\n`)
  return { exitCode: summary.failed > 0 ? EXIT_RULE_FAILED : EXIT_OK, report }
}

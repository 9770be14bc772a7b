/**
 * `npm run bench`: how fast reconnect-lab is, as ratios against yardsticks measured in the same run
 * (these machines are shared and noisy: absolute numbers mean little, same-run ratios do). Every
 * figure is the median of trials after a warm-up, with min and max. Each section is its own module
 * under scripts/bench/ and runs alone too (`node --import tsx scripts/bench/<section>.ts`).
 *
 *   (a) cost per mock request            scripts/bench/mock-requests.ts
 *   (b) default run, 1 worker and all    scripts/bench/default-run.ts
 *   (c) serve refresh throughput         scripts/bench/serve-throughput.ts
 *   (d) token cost by stored grants      scripts/bench/token-cost.ts
 *   (e) serve memory over 50,000 refreshes  scripts/bench/serve-memory.ts
 *   (f) mutants caught and shrunk        scripts/bench/mutants.ts
 *   (g) out-of-process manager           scripts/bench/protocol.ts
 *
 * Writes reports/bench/latest.json and prints the Markdown table (docs/PERFORMANCE.md explains it).
 * Options: --trials N (default 3), --quick (1 trial, small runs: a smoke test of the bench itself),
 * --only a,c (some sections).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { join } from 'node:path'
import { startStopwatch } from '../src/clock.ts'
import { renderBenchTable } from './bench/figures.ts'
import type { BenchSection } from './bench/section.ts'

type Section = (opts: { trials: number; quick?: boolean }) => Promise<BenchSection>

const SECTIONS: ReadonlyArray<readonly [string, () => Promise<{ run: Section }>]> = [
  ['a', () => import('./bench/mock-requests.ts')],
  ['b', () => import('./bench/default-run.ts')],
  ['c', () => import('./bench/serve-throughput.ts')],
  ['d', () => import('./bench/token-cost.ts')],
  ['e', () => import('./bench/serve-memory.ts')],
  ['f', () => import('./bench/mutants.ts')],
  ['g', () => import('./bench/protocol.ts')],
]

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const quick = process.argv.includes('--quick')
const trialsArg = argValue('--trials')
const trials = quick ? 1 : trialsArg === undefined ? 3 : Number(trialsArg)
if (!Number.isInteger(trials) || trials <= 0) {
  console.error(`bench: --trials must be a positive integer, got "${trialsArg}"`)
  process.exit(2)
}
const only = argValue('--only')
  ?.split(',')
  .map((s) => s.trim())

const started = startStopwatch()
const sections: BenchSection[] = []
const failed: string[] = []
for (const [key, load] of SECTIONS) {
  if (only && !only.includes(key)) continue
  const elapsed = startStopwatch()
  try {
    const { run } = await load()
    sections.push(await run({ trials, quick }))
  } catch (error) {
    // A section that breaks is reported as broken, never left out silently.
    failed.push(key)
    sections.push({
      name: `(${key}) FAILED`,
      figures: [],
      notes: [error instanceof Error ? error.message : String(error)],
    })
  }
  console.error(`(${key}) done in ${(elapsed() / 1000).toFixed(0)} s`)
}

const out = {
  node: process.version,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  trials,
  quick,
  note: 'Ratios are against yardsticks measured in the same run; on a shared machine absolute numbers vary with load.',
  sections,
  benchSeconds: started() / 1000,
}
mkdirSync(join(import.meta.dirname, '..', 'reports', 'bench'), { recursive: true })
writeFileSync(
  join(import.meta.dirname, '..', 'reports', 'bench', 'latest.json'),
  `${JSON.stringify(out, null, 2)}\n`,
)
console.log(renderBenchTable(sections))
for (const s of sections) for (const n of s.notes ?? []) console.log(`- ${s.name}: ${n}`)
console.error(`bench done in ${(started() / 1000).toFixed(0)} s; wrote reports/bench/latest.json`)
process.exitCode = failed.length > 0 ? 1 : 0

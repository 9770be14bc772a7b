/**
 * `npm run bench`: how fast reconnect-lab is, as ratios against yardsticks measured in the same run
 * (these machines are shared and noisy: absolute numbers mean little, same-run ratios do).
 * Every figure is the median of `--trials` trials after a warm-up, with min and max. Writes
 * reports/bench/latest.json and prints a Markdown table (docs/PERFORMANCE.md shows the latest).
 *
 *   (a) cost per mock request: a scripted timeline per provider, wall ms / mock requests, over one
 *       bare `app.request` on a trivial Hono route (measured alongside);
 *   (b) the default `run` (a child process, /usr/bin/time): wall, CPU, peak RSS, with 1 worker and all cores;
 *   (f) each shipped mutant: time to be caught and shrunk (selfcheck, one mutant at a time);
 *   (g) out-of-process manager vs in-process: scripts/bench-protocol.ts when present;
 *   (c) (d) (e) serve throughput against peers, token cost by grant count, serve memory: pending
 *       (see docs/PERFORMANCE.md, "What is not measured yet").
 *
 * Options: --trials N (default 3), --quick (1 trial, small runs: a smoke test of the bench itself).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Hono } from 'hono'
import { MUTANTS } from '../scenarios/mutants/index.ts'
import { HOUR_MS, startStopwatch } from '../src/clock.ts'
import { runSelfcheck } from '../src/cli/commands/selfcheck.ts'
import { createManager } from '../src/manager/reference-manager.ts'
import { profileFor, profiledProviders } from '../src/suite/profiles.ts'
import type { TimelineEvent } from '../src/world/types.ts'
import { createWorld } from '../src/world/world.ts'

const ROOT = join(import.meta.dirname, '..')
const quick = process.argv.includes('--quick')
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`)
  return v
}
const trials = quick ? 1 : arg('--trials', 3)

interface Figure {
  median: number
  min: number
  max: number
  trials: number
}
function figure(xs: readonly number[]): Figure {
  const sorted = [...xs].sort((a, b) => a - b)
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    trials: xs.length,
  }
}
const fmt = (f: Figure, digits = 1) =>
  `${f.median.toFixed(digits)} (${f.min.toFixed(digits)}-${f.max.toFixed(digits)})`

/** The yardstick: ms per sequential in-process request to a trivial Hono route (a form echo). */
async function yardstickMs(n = 3000): Promise<number> {
  const app = new Hono().post('/echo', async (c) => c.json(await c.req.parseBody()))
  const elapsed = startStopwatch()
  for (let i = 0; i < n; i++) {
    const res = await app.request('/echo', { method: 'POST', body: new URLSearchParams({ i: String(i) }) })
    await res.json()
  }
  return elapsed() / n
}

/** (a) A scripted timeline on one provider's world: everyone connects, then runs every two hours. */
async function msPerMockRequest(provider: string, steps: number): Promise<number> {
  const profile = profileFor(provider as Parameters<typeof profileFor>[0])
  if (!profile) throw new Error(`no profile for ${provider}`)
  const [org] = fc.sample(profile.org, { seed: 1, numRuns: 1 })
  if (!org) throw new Error(`no org for ${provider}`)
  const world = createWorld({ org, createManager })
  const events: TimelineEvent[] = org.packs.flatMap((p) =>
    org.teammates.map((t): TimelineEvent => ({ type: 'connect', teammate: t, pack: p.id })),
  )
  for (let i = 0; i < steps; i++) {
    events.push({ type: 'advance', ms: 2 * HOUR_MS })
    for (const p of org.packs)
      for (const t of org.teammates) events.push({ type: 'run', teammate: t, pack: p.id })
  }
  const elapsed = startStopwatch()
  for (const e of events) await world.apply(e)
  const ms = elapsed()
  const requests = world.trace.reduce((n, s) => n + s.requests.length, 0)
  await world.close()
  return ms / Math.max(1, requests)
}

/** (b) The default run in a child process, measured by /usr/bin/time. */
function defaultRun(workers: number): { wallS: number; cpuS: number; peakRssMb: number } {
  const dir = mkdtempSync(join(tmpdir(), 'reconnect-lab-bench-'))
  const args = [
    '-f',
    '%e %U %S %M',
    process.execPath,
    '--import',
    'tsx',
    'src/cli/main.ts',
    'run',
    '--seed',
    '1',
  ]
  args.push('--workers', String(workers), '--reporter', 'json', '--report-dir', dir)
  if (quick) args.push('--quick')
  const child = spawnSync('/usr/bin/time', args, { cwd: ROOT, encoding: 'utf8' })
  const last = child.stderr.trim().split('\n').pop() ?? ''
  const [wall, user, sys, rssKb] = last.split(' ').map(Number)
  if (![wall, user, sys, rssKb].every((n) => Number.isFinite(n)))
    throw new Error(`could not read /usr/bin/time output: ${last}`)
  return {
    wallS: wall as number,
    cpuS: (user as number) + (sys as number),
    peakRssMb: (rssKb as number) / 1024,
  }
}

const started = startStopwatch()
const out: Record<string, unknown> = {
  node: process.version,
  cores: availableParallelism(),
  trials,
  quick,
  note: 'Ratios are against yardsticks measured in the same run; on a shared machine the absolute numbers vary with load.',
}

// Warm-up: the JIT, module loading and the yardstick's own first calls.
await yardstickMs(1000)
await msPerMockRequest('baseline', 5)

// (a)
const perRequest: Record<string, Figure> = {}
const stickMs: number[] = []
for (const provider of profiledProviders()) {
  const ratios: number[] = []
  for (let k = 0; k < trials; k++) {
    const stick = await yardstickMs()
    stickMs.push(stick)
    ratios.push((await msPerMockRequest(provider, quick ? 10 : 40)) / stick)
  }
  perRequest[provider] = figure(ratios)
}
out['a_costPerMockRequest'] = {
  unit: 'yardsticks (one bare app.request on a trivial Hono route) per mock request',
  target: 3,
  yardstickMs: figure(stickMs),
  byProvider: perRequest,
}
console.error(`(a) done at ${(started() / 1000).toFixed(0)} s`)

// (b)
const cores = availableParallelism()
const runs: Record<string, unknown> = {}
for (const workers of [...new Set([1, cores])]) {
  const wall: number[] = []
  const cpu: number[] = []
  const rss: number[] = []
  const inSticks: number[] = []
  for (let k = 0; k < (quick ? 1 : Math.min(trials, 2)); k++) {
    const before = await yardstickMs()
    const r = defaultRun(workers)
    const stick = (before + (await yardstickMs())) / 2
    wall.push(r.wallS)
    cpu.push(r.cpuS)
    rss.push(r.peakRssMb)
    inSticks.push((r.wallS * 1000) / stick)
  }
  runs[`workers${workers}`] = {
    workers,
    wallS: figure(wall),
    cpuS: figure(cpu),
    cpuPerWall: figure(cpu.map((c, i) => c / (wall[i] as number))),
    peakRssMb: figure(rss),
    wallInYardsticks: figure(inSticks),
  }
}
out['b_defaultRun'] = {
  command: `reconnect-lab run --seed 1${quick ? ' --quick' : ''}`,
  targets: { wallS: 20, peakRssMb: 300 },
  ...runs,
}
console.error(`(b) done at ${(started() / 1000).toFixed(0)} s`)

// (f)
const mutants: Record<string, Figure & { caught: boolean; rule?: string }> = {}
for (const mutant of MUTANTS) {
  const ms: number[] = []
  let caught = false
  let rule: string | undefined
  for (let k = 0; k < (quick ? 1 : Math.min(trials, 3)); k++) {
    const elapsed = startStopwatch()
    const result = await runSelfcheck({ mutants: [mutant.id], checkReference: false, runs: quick ? 20 : 100 })
    ms.push(elapsed())
    const row = result.mutants?.[0]
    caught = row?.status === 'caught'
    rule = row?.caught?.rule
  }
  mutants[mutant.id] = { ...figure(ms.map((m) => m / 1000)), caught, ...(rule ? { rule } : {}) }
}
out['f_mutantCaughtAndShrunkS'] = { unit: 's', target: 5, byMutant: mutants }
console.error(`(f) done at ${(started() / 1000).toFixed(0)} s`)

// (g)
const protocolScript = join(ROOT, 'scripts', 'bench-protocol.ts')
if (existsSync(protocolScript)) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', protocolScript, ...(quick ? ['--quick'] : [])],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
  const line = child.stdout.trim().split('\n').pop() ?? ''
  try {
    out['g_outOfProcessManager'] = JSON.parse(line)
  } catch {
    out['g_outOfProcessManager'] = { status: 'failed', stderr: child.stderr.slice(-2000) }
  }
} else {
  out['g_outOfProcessManager'] = {
    status: 'pending',
    why: 'scripts/bench-protocol.ts (h11) is not in this tree yet',
  }
}
const pending = { status: 'pending', why: 'not measured yet; see docs/PERFORMANCE.md' }
out['c_serveRefreshThroughput'] = pending
out['d_tokenCostByGrants'] = pending
out['e_serveMemory50k'] = pending
out['benchSeconds'] = started() / 1000

mkdirSync(join(ROOT, 'reports', 'bench'), { recursive: true })
writeFileSync(join(ROOT, 'reports', 'bench', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`)

const lines = ['| figure | median (min-max) | target |', '|---|---|---|']
for (const [p, f] of Object.entries(perRequest))
  lines.push(`| (a) ${p}: yardsticks per mock request | ${fmt(f)} | <= 3 |`)
for (const r of Object.values(runs) as Array<Record<string, Figure & number>>) {
  const w = r['workers'] as number
  lines.push(`| (b) default run, ${w} worker(s): wall s | ${fmt(r['wallS'] as Figure)} | <= 20 |`)
  lines.push(`| (b) default run, ${w} worker(s): CPU / wall | ${fmt(r['cpuPerWall'] as Figure, 2)} | |`)
  lines.push(
    `| (b) default run, ${w} worker(s): peak RSS MB | ${fmt(r['peakRssMb'] as Figure, 0)} | <= 300 |`,
  )
}
for (const [id, f] of Object.entries(mutants))
  lines.push(`| (f) ${id}: caught and shrunk, s${f.caught ? '' : ' (NOT caught)'} | ${fmt(f)} | <= 5 |`)
console.log(lines.join('\n'))
console.error(`bench done in ${(started() / 1000).toFixed(0)} s; wrote reports/bench/latest.json`)

/**
 * Bench (b): the default `reconnect-lab run` in a child process, measured by /usr/bin/time: wall,
 * CPU (user + sys) and peak RSS, with 1 worker and with every core, plus `--quick`. The yardstick
 * (bare app.request) is measured before and after each trial, so a loaded machine shows as a
 * larger yardstick rather than as a slower run.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { figureOf, isMain, spread, yardstickMs } from './figures.ts'
import type { BenchFigure, BenchSection } from './section.ts'

const ROOT = join(import.meta.dirname, '..', '..')

interface Measured {
  wallS: number
  cpuS: number
  peakRssMb: number
}

function timedRun(args: readonly string[]): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'reconnect-lab-bench-'))
  try {
    const child = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        '%e %U %S %M',
        process.execPath,
        // What `npm start` runs: the CLI from its cached bundle (bin/launch.mjs).
        'bin/reconnect-lab.mjs',
        'run',
        '--seed',
        '1',
        '--reporter',
        'json',
        '--report-dir',
        dir,
        ...args,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
    const last = child.stderr.trim().split('\n').pop() ?? ''
    const [wall, user, sys, rssKb] = last.split(' ').map(Number)
    if (![wall, user, sys, rssKb].every((n) => Number.isFinite(n)))
      throw new Error(`could not read /usr/bin/time's output: ${last}`)
    // /usr/bin/time's %M is the peak RSS of the process (worker threads included: they share it).
    return {
      wallS: wall as number,
      cpuS: (user as number) + (sys as number),
      peakRssMb: (rssKb as number) / 1024,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function measure(
  label: string,
  args: readonly string[],
  trials: number,
  /** Absent: a comparison figure, with no target of its own. */
  wallTarget?: string,
): Promise<BenchFigure[]> {
  const wall: number[] = []
  const cpu: number[] = []
  const rss: number[] = []
  const sticks: number[] = []
  for (let k = 0; k < trials; k++) {
    const before = await yardstickMs(1000)
    const r = timedRun(args)
    const stick = (before + (await yardstickMs(1000))) / 2
    wall.push(r.wallS)
    cpu.push(r.cpuS)
    rss.push(r.peakRssMb)
    sticks.push((r.wallS * 1000) / stick)
  }
  return [
    figureOf(`${label}: wall`, 's', wall, wallTarget === undefined ? {} : { target: wallTarget }),
    figureOf(
      `${label}: CPU / wall`,
      'cores',
      cpu.map((c, i) => c / (wall[i] as number)),
    ),
    figureOf(`${label}: peak RSS`, 'MB', rss, wallTarget === undefined ? {} : { target: '<= 300' }),
    figureOf(`${label}: wall in yardsticks`, 'yardsticks', sticks, {
      yardstick: 'bare app.request',
      ratio: spread(sticks).median,
    }),
  ]
}

export async function run(opts: { trials: number; quick?: boolean }): Promise<BenchSection> {
  const cores = availableParallelism()
  const trials = opts.quick ? 1 : Math.min(opts.trials, 2)
  const figures: BenchFigure[] = []
  if (!opts.quick) {
    figures.push(...(await measure('default run, 1 worker', ['--workers', '1'], trials, '<= 20')))
    if (cores > 1)
      figures.push(
        ...(await measure(`default run, ${cores} workers`, ['--workers', String(cores)], trials, '<= 20')),
      )
  }
  // --quick plays in one thread by default (QUICK_WORKERS): the figure with every core is for comparison.
  figures.push(...(await measure('run --quick (its default, 1 worker)', ['--quick'], trials, '<= 5')))
  if (cores > 1 && !opts.quick)
    figures.push(
      ...(await measure(`run --quick, ${cores} workers`, ['--quick', '--workers', String(cores)], trials)),
    )
  return {
    name: '(b) default run',
    figures,
    notes: [`reconnect-lab run --seed 1 --reporter json (child process, /usr/bin/time), ${cores} cores`],
  }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run({ trials: 3 }), null, 2))

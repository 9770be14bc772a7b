/**
 * `npm run bench`: how fast the conformance suite is, as ratios against a yardstick measured in the
 * same process and the same minute (these machines are noisy, so absolute numbers mean little).
 *
 * Yardstick: sequential in-process requests to a trivial Hono app (a JSON echo through app.request).
 * Reported: per provider, the cost of one generated timeline in yardstick requests, and the whole
 * default suite's wall time. Options: --runs N (default 100), --repeat K (default 3, medians).
 */
import { Hono } from 'hono'
import { startStopwatch } from '../src/clock.ts'
import { createManager } from '../src/manager/reference-manager.ts'
import { runConformance } from '../src/suite/conformance.ts'
import { profiledProviders } from '../src/suite/profiles.ts'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`)
  return v
}

const runs = arg('--runs', 100)
const repeat = arg('--repeat', 3)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function yardstickMsPerRequest(n = 5000): Promise<number> {
  const app = new Hono().post('/echo', async (c) => c.json(await c.req.parseBody()))
  const elapsed = startStopwatch()
  for (let i = 0; i < n; i++) {
    const res = await app.request('/echo', { method: 'POST', body: new URLSearchParams({ i: String(i) }) })
    await res.json()
  }
  return elapsed() / n
}

const rows: Array<{ provider: string; msPerTimeline: number; yardstickMs: number; ratio: number }> = []
await yardstickMsPerRequest(1000) // warm-up
for (const provider of profiledProviders()) {
  const ratios: number[] = []
  const perTimeline: number[] = []
  const sticks: number[] = []
  for (let k = 0; k < repeat; k++) {
    const stick = await yardstickMsPerRequest()
    let timelines = 0
    const elapsed = startStopwatch()
    await runConformance({
      createManager,
      managerLabel: 'reference',
      seed: 1000 + k,
      runs,
      providers: [provider],
      onProgress: (e) => {
        if (e.type === 'run') timelines++
      },
    })
    const ms = elapsed() / Math.max(1, timelines)
    perTimeline.push(ms)
    sticks.push(stick)
    ratios.push(ms / stick)
  }
  rows.push({
    provider,
    msPerTimeline: median(perTimeline),
    yardstickMs: median(sticks),
    ratio: median(ratios),
  })
}

const suiteElapsed = startStopwatch()
await runConformance({ createManager, managerLabel: 'reference', seed: 1, runs })
const suiteMs = suiteElapsed()
const stick = await yardstickMsPerRequest()

console.log(
  `reconnect-lab bench: --runs ${runs}, medians of ${repeat}; yardstick = one in-process Hono request`,
)
console.log('provider      ms/timeline  yardstick ms  timeline cost (yardstick requests)')
for (const r of rows) {
  console.log(
    `${r.provider.padEnd(12)}  ${r.msPerTimeline.toFixed(2).padStart(11)}  ${r.yardstickMs.toFixed(4).padStart(12)}  ${r.ratio.toFixed(0).padStart(10)}`,
  )
}
console.log(
  `whole default suite (${runs} timelines per provider): ${(suiteMs / 1000).toFixed(2)} s = ${(suiteMs / stick).toFixed(0)} yardstick requests`,
)
console.log(JSON.stringify({ runs, repeat, rows, suiteMs, suiteInYardsticks: suiteMs / stick }))

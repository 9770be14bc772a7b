/**
 * `npm run bench`: how fast the conformance suite is, as ratios against a yardstick measured in the
 * same process and the same minute (these machines are noisy, so absolute numbers mean little).
 *
 * Yardstick: sequential in-process requests to a trivial Hono app (a form echo through app.request).
 * Reported per provider: the cost of one generated timeline (per-step rules only) and of one
 * scheduled interleaving (rotation-is-durable), in yardstick requests; then the whole default suite's
 * wall time. Options: --runs N timelines (default 100), --repeat K (default 3; medians).
 */
import { Hono } from 'hono'
import { startStopwatch } from '../src/clock.ts'
import { createManager } from '../src/manager/reference-manager.ts'
import { RULES, ruleAppliesTo } from '../src/rules/catalogue/index.ts'
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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

async function yardstickMsPerRequest(n = 5000): Promise<number> {
  const app = new Hono().post('/echo', async (c) => c.json(await c.req.parseBody()))
  const elapsed = startStopwatch()
  for (let i = 0; i < n; i++) {
    const res = await app.request('/echo', { method: 'POST', body: new URLSearchParams({ i: String(i) }) })
    await res.json()
  }
  return elapsed() / n
}

/** Per-step rules only: what one generated timeline costs. */
const stepRules = RULES.filter(
  (r) => (r.judge !== undefined || r.judgeTrace !== undefined) && r.standalone === undefined,
).map((r) => r.id)

const rows: Array<{ provider: string; timelineRatio: number; interleavingRatio: number | null }> = []
await yardstickMsPerRequest(1000) // warm-up
for (const provider of profiledProviders()) {
  const timelineRatios: number[] = []
  const interleavingRatios: number[] = []
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
      rules: stepRules,
      onProgress: (e) => {
        if (e.type === 'run') timelines++
      },
    })
    timelineRatios.push(elapsed() / Math.max(1, timelines) / stick)

    if (RULES.some((r) => r.id === 'rotation-is-durable' && ruleAppliesTo(r, provider))) {
      const start = startStopwatch()
      const report = await runConformance({
        createManager,
        managerLabel: 'reference',
        seed: 2000 + k,
        runs,
        providers: [provider],
        rules: ['rotation-is-durable'],
      })
      const row = report.rules.find((r) => r.id === 'rotation-is-durable')
      if (row && row.status !== 'skip' && row.runs > 0) interleavingRatios.push(start() / row.runs / stick)
    }
  }
  rows.push({
    provider,
    timelineRatio: median(timelineRatios),
    interleavingRatio: interleavingRatios.length > 0 ? median(interleavingRatios) : null,
  })
}

const stickBefore = await yardstickMsPerRequest()
const suiteElapsed = startStopwatch()
await runConformance({ createManager, managerLabel: 'reference', seed: 1, runs })
const suiteMs = suiteElapsed()
const stick = (stickBefore + (await yardstickMsPerRequest())) / 2

console.log(
  `reconnect-lab bench: --runs ${runs}, medians of ${repeat}; unit = one in-process Hono request (measured alongside)`,
)
console.log('provider      one timeline   one interleaving   (in yardstick requests)')
for (const r of rows) {
  const inter = r.interleavingRatio === null ? 'n/a' : r.interleavingRatio.toFixed(0)
  console.log(`${r.provider.padEnd(12)}  ${r.timelineRatio.toFixed(0).padStart(12)}   ${inter.padStart(16)}`)
}
console.log(
  `whole default suite (${runs} timelines per provider, interleavings included): ${(suiteMs / stick).toFixed(0)} yardstick requests (${(suiteMs / 1000).toFixed(1)} s here)`,
)
console.log(
  JSON.stringify({ runs, repeat, rows, suiteMs, yardstickMs: stick, suiteInYardsticks: suiteMs / stick }),
)

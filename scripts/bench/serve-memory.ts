/**
 * Bench section (e): `reconnect-lab serve` memory under load. A fresh serve process (baseline
 * provider, serve's defaults: request log, ledger and token history bounded) takes 50,000 refreshes
 * from the bench client, 16 in flight on 16 rotating token chains; its RSS is read after 5,000 and
 * after 50,000. Target: RSS at 50,000 within 20% of RSS at 5,000 (the yardstick, same process).
 *
 * Standalone: `node --import tsx scripts/bench/serve-memory.ts [--trials N] [--quick]` prints the JSON.
 */
import { startClient, startTarget } from './children.ts'
import { type BenchOptions, type BenchSection, figure, isMain, median, standaloneOptions } from './section.ts'

const CHAINS = 16
const TARGET_RATIO = 1.2
const MB = 1024 * 1024

export async function run(opts: BenchOptions): Promise<BenchSection> {
  const early = opts.quick ? 2_000 : 5_000
  const late = opts.quick ? 20_000 : 50_000
  // One pass is ~50,000 refreshes: two passes at most keep the section within its time budget.
  const passes = opts.quick ? 1 : Math.min(opts.trials, 2)
  const atEarly: number[] = []
  const atLate: number[] = []
  const ratios: number[] = []
  const heapEarly: number[] = []
  const heapLate: number[] = []
  const totalEarly: number[] = []
  const totalLate: number[] = []
  const client = startClient()
  try {
    for (let pass = 0; pass < passes; pass++) {
      const target = await startTarget('lab', CHAINS, ['--expose-gc'])
      try {
        let tokens = target.ready.refreshTokens
        const step = async (count: number): Promise<void> => {
          const result = await client.run({ ...target.ready, refreshTokens: tokens, inflight: CHAINS, count })
          if (result.errors > 0)
            throw new Error(`serve-memory: ${result.errors} refreshes failed (${result.firstError ?? ''})`)
          tokens = result.refreshTokens
        }
        await step(early)
        const firstUsage = await target.usage()
        await step(late - early)
        const lastUsage = await target.usage()
        const first = firstUsage.rss
        const last = lastUsage.rss
        heapEarly.push(firstUsage.heapUsed / MB)
        heapLate.push(lastUsage.heapUsed / MB)
        totalEarly.push(firstUsage.heapTotal / MB)
        totalLate.push(lastUsage.heapTotal / MB)
        atEarly.push(first / MB)
        atLate.push(last / MB)
        ratios.push(last / first)
      } finally {
        await target.stop()
      }
    }
  } finally {
    await client.stop()
  }
  const ratio = median(ratios)
  return {
    name: 'serve-memory',
    figures: [
      figure(`serve RSS after ${early.toLocaleString('en')} refreshes`, atEarly, 'MB'),
      figure(`serve RSS after ${late.toLocaleString('en')} refreshes`, atLate, 'MB'),
      figure(
        `serve RSS, ${late.toLocaleString('en')} vs ${early.toLocaleString('en')} refreshes`,
        ratios,
        'x',
        {
          yardstick: `RSS after ${early.toLocaleString('en')} refreshes, same process`,
          ratio,
          target: `<= ${TARGET_RATIO}x`,
          met: ratio <= TARGET_RATIO,
        },
      ),
      // Not a target: what the V8 heap retains after a full GC (RSS also keeps pages the heap grew into).
      figure(`serve V8 heap used after ${early.toLocaleString('en')} refreshes`, heapEarly, 'MB'),
      figure(`serve V8 heap used after ${late.toLocaleString('en')} refreshes`, heapLate, 'MB'),
      // Not a target: the pages V8 has committed for its heap (it keeps them for reuse after a GC).
      figure(`serve V8 heap committed after ${early.toLocaleString('en')} refreshes`, totalEarly, 'MB'),
      figure(`serve V8 heap committed after ${late.toLocaleString('en')} refreshes`, totalLate, 'MB'),
    ],
    notes: [
      `${passes} pass(es), each a fresh serve process (baseline provider, serve defaults: request log 10,000, ledger 10,000, token retention 100); ${CHAINS} rotating chains, ${CHAINS} in flight`,
      'RSS is read as the process has it; the heap figure after a full GC (the server runs with --expose-gc, and nothing else calls gc)',
    ],
  }
}

if (isMain(import.meta.url)) {
  const section = await run(standaloneOptions(process.argv, 1))
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
}

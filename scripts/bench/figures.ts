/** Small helpers the bench sections share: medians of trials, the bare yardstick, the Markdown table. */
import { Hono } from 'hono'
import { startStopwatch } from '../../src/clock.ts'
import { type BenchFigure, type BenchSection, figure, isMain, median } from './section.ts'

export interface Spread {
  median: number
  min: number
  max: number
}

/** Median, min and max of trial values (the median of an even count is the mean of the middle two). */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new Error('a figure needs at least one trial')
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }
}

/** section.ts's `figure`, with `met` decided from the median when `target` is "<= N" or ">= N". */
export function figureOf(
  name: string,
  unit: string,
  trials: readonly number[],
  extra: { yardstick?: string; ratio?: number; target?: string } = {},
): BenchFigure {
  const built = figure(name, trials, unit, extra)
  const met = extra.target === undefined ? undefined : meets(built.median, extra.target)
  return met === undefined ? built : { ...built, met }
}

export function meets(value: number, target: string): boolean | undefined {
  const m = /^(<=|>=)\s*(-?[\d.]+)/.exec(target)
  if (!m) return undefined
  const bound = Number(m[2])
  return m[1] === '<=' ? value <= bound : value >= bound
}

/** The yardstick of (a): ms per sequential in-process request to a trivial Hono route (a form echo). */
export async function yardstickMs(n = 3000): Promise<number> {
  const app = new Hono().post('/echo', async (c) => c.json(await c.req.parseBody()))
  const elapsed = startStopwatch()
  for (let i = 0; i < n; i++) {
    const res = await app.request('/echo', { method: 'POST', body: new URLSearchParams({ i: String(i) }) })
    await res.json()
  }
  return elapsed() / n
}

const num = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2)

/** The Markdown table `npm run bench` prints and docs/PERFORMANCE.md shows. */
export function renderBenchTable(sections: readonly BenchSection[]): string {
  const lines = [
    '| section | figure | median (min-max) | unit | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const s of sections)
    for (const f of s.figures)
      lines.push(
        `| ${s.name} | ${f.name} | ${num(f.median)} (${num(f.min)}-${num(f.max)}) | ${f.unit} | ${
          f.ratio === undefined ? '' : `${num(f.ratio)}${f.yardstick ? ` vs ${f.yardstick}` : ''}`
        } | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'yes' : 'NO'} |`,
      )
  return lines.join('\n')
}

export { isMain }

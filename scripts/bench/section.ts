/**
 * What every bench section returns: plain JSON the lead's `scripts/bench.ts` writes into
 * `reports/bench/latest.json`. Each figure is a median of repeated trials with min and max; a figure
 * measured against a yardstick carries the yardstick's name and the ratio taken in the same run.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface BenchFigure {
  name: string
  median: number
  min: number
  max: number
  unit: string
  yardstick?: string
  ratio?: number
  target?: string
  met?: boolean
}

export interface BenchSection {
  name: string
  figures: BenchFigure[]
  notes?: string[]
}

export interface BenchOptions {
  trials: number
  quick?: boolean
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

const round = (x: number): number => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x)

/** A figure from the trials' values (medians with min and max, rounded for the JSON). */
export function figure(
  name: string,
  values: readonly number[],
  unit: string,
  extra: Omit<BenchFigure, 'name' | 'median' | 'min' | 'max' | 'unit'> = {},
): BenchFigure {
  return {
    name,
    median: round(median(values)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    unit,
    ...extra,
    ...(extra.ratio === undefined ? {} : { ratio: round(extra.ratio) }),
  }
}

/** `--trials N` and `--quick` from argv, for running a section on its own. */
export function standaloneOptions(argv: readonly string[], defaultTrials: number): BenchOptions {
  const at = argv.indexOf('--trials')
  const trials = at >= 0 ? Number(argv[at + 1]) : defaultTrials
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError('--trials must be a positive integer')
  return { trials, quick: argv.includes('--quick') }
}

/** True when this module is the entry point (`node --import tsx scripts/bench/x.ts`). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1]
  return entry !== undefined && moduleUrl === pathToFileURL(resolve(entry)).href
}

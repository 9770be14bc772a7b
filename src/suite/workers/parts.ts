/**
 * The raw results of a run's units, keyed by unit and chunk index, as JSON-friendly data: what a
 * shard's report carries so `reconnect-lab merge` can assemble the report a single run gives.
 */
import type { RuleId, StandaloneResult } from '../../rules/types.ts'
import type { QuirkCounts } from '../../../mocks/quirk-tally.ts'
import type { RuleOutcome } from '../check-provider.ts'
import type { QuirkCheckRow } from '../quirk-checks.ts'
import type { CoverageKind, ExploreResult, InterleavingCounterexample } from '../interleavings.ts'

/** An ExploreResult with its Maps as records (JSON has no Map). */
export interface ExplorationData {
  runs: number
  checks: Partial<Record<RuleId, number>>
  concurrentInterleavings: number
  coverage: Record<CoverageKind, number>
  failures: Partial<Record<RuleId, InterleavingCounterexample>>
  crashed?: string
}

export interface RunParts {
  /** provider -> chunk index -> the rows of that timeline chunk. */
  timelines: Record<string, Record<number, RuleOutcome[]>>
  /** unit id -> how often each quirk fired while that unit played, as the mocks counted (quirk-coverage.ts). */
  quirks: Record<string, QuirkCounts>
  /** quirk id -> the row of its scripted quirk check (quirk-checks.ts). */
  quirkChecks: Record<string, QuirkCheckRow>
  /** `provider/rule` -> that rule's standalone result. */
  standalone: Record<string, { result: StandaloneResult; durationMs: number }>
  /** exploration key -> chunk index -> that chunk's exploration. */
  explorations: Record<string, Record<number, ExplorationData>>
}

export function emptyParts(): RunParts {
  return { timelines: {}, quirks: {}, quirkChecks: {}, standalone: {}, explorations: {} }
}

export function explorationData(result: ExploreResult): ExplorationData {
  return {
    runs: result.runs,
    checks: Object.fromEntries(result.checks),
    concurrentInterleavings: result.concurrentInterleavings,
    coverage: { ...result.coverage },
    failures: Object.fromEntries(result.failures),
    ...(result.crashed !== undefined ? { crashed: result.crashed } : {}),
  }
}

export function explorationResult(data: ExplorationData): ExploreResult {
  return {
    runs: data.runs,
    checks: new Map(Object.entries(data.checks) as Array<[RuleId, number]>),
    concurrentInterleavings: data.concurrentInterleavings,
    coverage: { ...data.coverage },
    failures: new Map(Object.entries(data.failures) as Array<[RuleId, InterleavingCounterexample]>),
    ...(data.crashed !== undefined ? { crashed: data.crashed } : {}),
  }
}

/** The record under `key`, created empty on first use. */
export function bucket<T>(record: Record<string, Record<number, T>>, key: string): Record<number, T> {
  const existing = record[key]
  if (existing !== undefined) return existing
  const created: Record<number, T> = {}
  record[key] = created
  return created
}

/** Chunks of one unit in index order. */
export function inChunkOrder<T>(byIndex: Record<number, T> | undefined): T[] {
  if (!byIndex) return []
  return Object.keys(byIndex)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => byIndex[i] as T)
}

/** Combines the parts of several shards; a unit present twice is a usage error (the same shard given twice). */
export function combineParts(all: readonly RunParts[]): RunParts {
  const out = emptyParts()
  const clash = (what: string) => {
    throw new Error(`the shards overlap: ${what} is in two of them (the same shard given twice?)`)
  }
  for (const parts of all) {
    for (const [provider, chunks] of Object.entries(parts.timelines)) {
      const into = bucket(out.timelines, provider)
      for (const [i, rows] of Object.entries(chunks)) {
        if (into[Number(i)] !== undefined) clash(`timeline chunk ${i} of ${provider}`)
        into[Number(i)] = rows
      }
    }
    for (const [unit, counts] of Object.entries(parts.quirks)) {
      if (out.quirks[unit] !== undefined) clash(`the quirk counts of ${unit}`)
      out.quirks[unit] = counts
    }
    for (const [quirk, row] of Object.entries(parts.quirkChecks)) {
      if (out.quirkChecks[quirk] !== undefined) clash(`the quirk check ${quirk}`)
      out.quirkChecks[quirk] = row
    }
    for (const [key, value] of Object.entries(parts.standalone)) {
      if (out.standalone[key] !== undefined) clash(`the standalone check ${key}`)
      out.standalone[key] = value
    }
    for (const [key, chunks] of Object.entries(parts.explorations)) {
      const into = bucket(out.explorations, key)
      for (const [i, data] of Object.entries(chunks)) {
        if (into[Number(i)] !== undefined) clash(`interleaving chunk ${i} of ${key}`)
        into[Number(i)] = data
      }
    }
  }
  return out
}

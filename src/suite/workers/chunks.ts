/**
 * How a run is cut into independent work: fixed-size chunks of generated timelines and of scheduled
 * interleavings, each with its own seed derived from the provider's seed and the chunk's index.
 * The cut depends on the run's inputs only (seed, runs, interleavings), never on how many workers
 * there are, so a run's report is the same on one core, on sixteen, or split over CI shards.
 */

/** Generated timelines per chunk. */
export const TIMELINE_CHUNK = 25
/** Scheduled interleavings per chunk. */
export const INTERLEAVING_CHUNK = 100

/** The sizes of the chunks `total` runs are cut into: full chunks, then the remainder. */
export function chunkSizes(total: number, size: number): number[] {
  const sizes: number[] = []
  for (let left = total; left > 0; left -= size) sizes.push(Math.min(size, left))
  return sizes
}

/**
 * The seed of chunk `index`. Chunk 0 keeps the seed itself, so a run no larger than one chunk
 * generates what a single fast-check property with that seed generates.
 */
export function chunkSeed(seed: number, index: number): number {
  if (index === 0) return seed
  let h = (seed ^ 0x9e3779b9) | 0
  h = Math.imul(h ^ index, 0x85ebca6b) | 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) | 0
  return (h ^ (h >>> 16)) | 0
}

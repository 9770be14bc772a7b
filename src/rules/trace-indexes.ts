/**
 * Indexes over one trace that whole-trace rules build incrementally (judgeTrace runs after every
 * step): the rotation ledger, the announced expiries, which pack issued each token. They belong to
 * whoever plays the trace (one per simulation or played interleaving, created with it), so none
 * outlives its run or is shared between runs (issue 12: no module-level caches).
 */
export interface TraceIndex<T> {
  /** For messages only. */
  readonly name: string
  create(): T
}

/** Declares an index (once, at module level: the key, not the data). */
export function defineTraceIndex<T>(name: string, create: () => T): TraceIndex<T> {
  return { name, create }
}

export class TraceIndexes {
  private readonly built = new Map<TraceIndex<unknown>, unknown>()

  /** This trace's instance of `index`, created on first use. */
  of<T>(index: TraceIndex<T>): T {
    if (!this.built.has(index)) this.built.set(index, index.create())
    // The map only ever holds index.create()'s value under `index`.
    return this.built.get(index) as T
  }
}

/**
 * Per-key single-flight inside one process: while work for a key is in flight, later callers for the
 * same key share its promise instead of starting their own. This is what stops two concurrent runs
 * of one teammate from presenting the same single-use refresh token twice. It is only an
 * in-process optimisation; across processes the store's compare-and-set is what keeps things right.
 */
export interface SingleFlight<T> {
  run(key: string, work: () => Promise<T>): Promise<T>
  /** Keys with work in flight (for tests and diagnostics). */
  inFlight(): string[]
}

export function createSingleFlight<T>(): SingleFlight<T> {
  const flights = new Map<string, Promise<T>>()
  return {
    run(key, work) {
      const existing = flights.get(key)
      if (existing !== undefined) return existing
      // Start the work only after registering, so a synchronous throw in `work` still clears the key.
      const flight = Promise.resolve()
        .then(work)
        .finally(() => {
          if (flights.get(key) === flight) flights.delete(key)
        })
      flights.set(key, flight)
      return flight
    },
    inFlight() {
      return [...flights.keys()]
    },
  }
}

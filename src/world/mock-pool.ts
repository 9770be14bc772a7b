/**
 * Provider mocks reused across the worlds of one job (a chunk of timelines or interleavings), through
 * `reset()`. Building a mock (its store, its Hono app and router, its control surface) cost about 9%
 * of a default run when every timeline and interleaving built its own; a reset mock costs a few Map
 * clears. The suite creates one pool per job (src/suite/workers/jobs.ts), so the pool never outlives
 * the run that owns it and never crosses a thread.
 *
 * A mock is built from its pack's options and bound to its world's clock and ids. A pooled mock is
 * bound to a forwarding clock and id source instead, pointed at the leasing world's on each lease, and
 * shared only between packs with exactly the same factory input (provider, issuer, instance, options,
 * approval). `reset()` puts every piece of the mock's state back as the factory left it (the store,
 * faults, request log, learnt secrets, quirk counts, skew, and each provider's own state through
 * `onReset`), so a world on a reused mock plays exactly as on a new one: mock-pool.test.ts plays the
 * same timelines both ways and compares the traces.
 */
import type { Clock } from '../clock.ts'
import type { IdSource } from '../ids.ts'
import type { MockProvider } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import { type MockFactoryInput, mockFactoryFor } from './mock-registry.ts'

/** What a pack's mock is built from, apart from the clock and ids the leasing world lends it. */
export type PooledMockInput = Omit<MockFactoryInput, 'clock' | 'ids'>

export interface MockPool {
  /** A mock for this input, bound to `clock` and `ids` until it is released: a reset one when free. */
  lease(provider: ProviderId, input: PooledMockInput, clock: Clock, ids: IdSource): MockProvider
  /** The world is done with `mock`: the next lease of the same input may reuse it. */
  release(mock: MockProvider): void
  /** Mocks built and leases served by a reset one (the benchmark and the tests read these). */
  stats(): { built: number; reused: number }
}

/** A clock that reads whichever clock it is pointed at: the leasing world's. */
class ForwardingClock implements Clock {
  constructor(public target: Clock) {}
  now(): number {
    return this.target.now()
  }
  sleep(ms: number): Promise<void> {
    return this.target.sleep(ms)
  }
}

class ForwardingIds implements IdSource {
  constructor(public target: IdSource) {}
  next(prefix: string): string {
    return this.target.next(prefix)
  }
}

interface Pooled {
  key: string
  mock: MockProvider
  clock: ForwardingClock
  ids: ForwardingIds
}

export function createMockPool(): MockPool {
  const free = new Map<string, Pooled[]>()
  const leased = new Map<MockProvider, Pooled>()
  let built = 0
  let reused = 0
  return {
    lease(provider, input, clock, ids) {
      // Two inputs that differ only in key order get two keys: a miss, never a wrong share.
      const key = `${provider}\u0000${JSON.stringify(input)}`
      let pooled = free.get(key)?.pop()
      if (pooled) {
        pooled.clock.target = clock
        pooled.ids.target = ids
        pooled.mock.reset()
        reused++
      } else {
        const forwardingClock = new ForwardingClock(clock)
        const forwardingIds = new ForwardingIds(ids)
        pooled = {
          key,
          mock: mockFactoryFor(provider)({ ...input, clock: forwardingClock, ids: forwardingIds }),
          clock: forwardingClock,
          ids: forwardingIds,
        }
        built++
      }
      leased.set(pooled.mock, pooled)
      return pooled.mock
    },
    release(mock) {
      const pooled = leased.get(mock)
      if (!pooled) return
      leased.delete(mock)
      const list = free.get(pooled.key)
      if (list) list.push(pooled)
      else free.set(pooled.key, [pooled])
    },
    stats: () => ({ built, reused }),
  }
}

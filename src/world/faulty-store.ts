/**
 * The world's credential store with scriptable outages: `failWrites(n)` makes the next n
 * compare-and-set calls throw without writing anything. This is root cause 6 of connectors.md ("a
 * single-use refresh token consumed, then the write fails"): the source has already rotated, and the
 * manager cannot persist what it received.
 */
import { LabError } from '../errors.ts'
import type { CredentialStore } from '../manager/contract.ts'

/** The error an injected outage throws from compareAndSet: code STORE_UNAVAILABLE. */
export function storeUnavailable(): LabError {
  return new LabError('STORE_UNAVAILABLE', 'the credential store is unavailable (injected store_fault)')
}

export interface FaultyStore extends CredentialStore {
  /**
   * After `afterWrites` more writes succeed, the next `count` writes fail. Outages queue up: one
   * scheduled while another is pending starts after it.
   */
  failWrites(count: number, afterWrites?: number): void
  pendingWriteFailures(): number
}

export function createFaultyStore(inner: CredentialStore): FaultyStore {
  const outages: Array<{ skip: number; failures: number }> = []
  return {
    get: (key) => inner.get(key),
    async compareAndSet(key, expectedVersion, next) {
      const outage = outages[0]
      if (outage !== undefined) {
        if (outage.skip > 0) outage.skip--
        else {
          if (--outage.failures === 0) outages.shift()
          throw storeUnavailable()
        }
      }
      return inner.compareAndSet(key, expectedVersion, next)
    },
    keys: () => inner.keys(),
    failWrites(count, afterWrites = 0) {
      for (const n of [count, afterWrites]) {
        if (!Number.isInteger(n) || n < 0) throw new RangeError('failWrites needs integers >= 0')
      }
      if (count > 0) outages.push({ skip: afterWrites, failures: count })
    },
    pendingWriteFailures: () => outages.reduce((sum, o) => sum + o.failures, 0),
  }
}

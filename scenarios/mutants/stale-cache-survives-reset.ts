import type { CredentialStore, VersionedCredential } from '../../src/manager/contract.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, storeOf } from './mutant.ts'

/** A read-through cache in front of the store: refreshed on writes, dropped on conflicts, but not evicted on a delete. */
function cached(store: CredentialStore): CredentialStore {
  const cache = new Map<string, VersionedCredential>()
  return {
    async get(key) {
      const hit = cache.get(key)
      if (hit) return structuredClone(hit)
      const row = await store.get(key)
      if (row) cache.set(key, structuredClone(row))
      return row
    },
    async compareAndSet(key, expected, next) {
      const written = await store.compareAndSet(key, expected, next)
      if (!written) {
        // A conflict means the cache is behind: drop the entry so the next read goes to the store.
        cache.delete(key)
      } else if (next !== undefined) {
        const row = await store.get(key)
        if (row) cache.set(key, structuredClone(row))
      }
      // The bug: a successful delete (next === undefined) leaves the cached credential in place.
      return written
    },
    keys: () => store.keys(),
  }
}

export const mutant = defineMutant({
  id: 'stale-cache-survives-reset',
  title: 'An in-memory credential cache survives an admin reset',
  change:
    'A read-through cache in front of the credential store is refreshed on writes but not evicted when a credential is deleted, so a cleared teammate keeps running on the old tokens.',
  models:
    'connectors.md root cause 3 (stale in-memory credentials: n8n-io/n8n#1695, autokitteh/autokitteh#430); rule admin-reset',
  targets: ['baseline'],
  caughtBy: ['admin-reset'],
  createManager: (env) => createReferenceManager({ ...env, store: cached(storeOf(env)) }),
})

export const createManager = mutant.createManager

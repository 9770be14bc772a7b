import type { CredentialStore } from '../../src/manager/contract.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, storeOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'no-compare-and-swap',
  title: 'No compare-and-swap across processes',
  change:
    "The store's compare-and-set writes whatever the version, so two processes both win the claim on a credential and both present its refresh token.",
  models:
    'connectors.md root cause 2, multi-process (NangoHQ/nango#1005 "in-process dedupe not reliable across restarts")',
  targets: ['baseline'],
  caughtBy: ['rotation-is-durable'],
  createManager: (env) => {
    const store = storeOf(env)
    const blind: CredentialStore = {
      get: (key) => store.get(key),
      keys: () => store.keys(),
      async compareAndSet(key, _expectedVersion, next) {
        // Last writer wins: whatever the version now is, write over it.
        for (;;) {
          const current = await store.get(key)
          if (await store.compareAndSet(key, current?.version ?? 0, next)) return true
        }
      },
    }
    return createReferenceManager({ ...env, store: blind })
  },
})

export const createManager = mutant.createManager

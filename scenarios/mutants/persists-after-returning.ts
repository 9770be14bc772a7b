import type { CredentialStore } from '../../src/manager/contract.ts'
import { createReferenceManager, LEASE_EXTRA } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf, storeOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'persists-after-returning',
  title: 'The rotated credential is written after the agent got its answer',
  change:
    "The rotated credential reaches the store only after the agent's API call, so a crash or another run in between sees the replaced refresh token.",
  models: 'connectors.md root cause 1 ("only the new AT is saved ... the next refresh presents a dead RT")',
  targets: ['baseline'],
  caughtBy: ['rotation-is-durable'],
  createManager: (env) => {
    const store = storeOf(env)
    const deferred: Array<() => Promise<unknown>> = []
    let running = 0
    const late: CredentialStore = {
      get: (key) => store.get(key),
      keys: () => store.keys(),
      async compareAndSet(key, expectedVersion, next) {
        const rotation = next !== undefined && next.extras?.[LEASE_EXTRA] === undefined
        if (running > 0 && rotation) {
          deferred.push(() => store.compareAndSet(key, expectedVersion, next))
          return true
        }
        return store.compareAndSet(key, expectedVersion, next)
      },
    }
    const inner = createReferenceManager({ ...env, store: late })
    return {
      ...methodsOf(inner),
      async run(teammate, pack, callApi) {
        running++
        try {
          return await inner.run(teammate, pack, callApi)
        } finally {
          running--
          // The agent has its answer; only now does the new refresh token reach the store.
          while (deferred.length > 0) await deferred.shift()?.()
        }
      },
    }
  },
})

export const createManager = mutant.createManager

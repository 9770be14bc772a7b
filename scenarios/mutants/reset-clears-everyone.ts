import { createReferenceManager, credentialKey } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf, storeOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'reset-clears-everyone',
  title: "An admin reset clears every teammate's credentials on the pack",
  change:
    'clearCredentials(teammate, pack) deletes every stored credential of the pack (a key prefix match), not just the one teammate.',
  models: 'rule admin-reset ("makes that teammate\'s next run ask to Connect, and nobody else\'s")',
  targets: ['baseline'],
  caughtBy: ['admin-reset'],
  createManager: (env) => {
    const store = storeOf(env)
    const inner = createReferenceManager({ ...env, store })
    return {
      ...methodsOf(inner),
      async clearCredentials(_teammate, pack) {
        const prefix = credentialKey(pack, '')
        for (const key of await store.keys()) {
          if (!key.startsWith(prefix)) continue
          await inner.clearCredentials(decodeURIComponent(key.slice(prefix.length)), pack)
        }
      },
    }
  },
})

export const createManager = mutant.createManager

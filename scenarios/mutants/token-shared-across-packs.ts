import type { CredentialStore } from '../../src/manager/contract.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, storeOf } from './mutant.ts'

/** Keys are `<pack>/<teammate>`; this store forgets the pack. */
function teammateOnly(store: CredentialStore): CredentialStore {
  const strip = (key: string) => key.slice(key.indexOf('/') + 1)
  return {
    get: (key) => store.get(strip(key)),
    compareAndSet: (key, expected, next) => store.compareAndSet(strip(key), expected, next),
    keys: () => store.keys(),
  }
}

export const mutant = defineMutant({
  id: 'token-shared-across-packs',
  title: "A teammate's token is used across packs",
  change:
    "Credentials are stored per teammate instead of per (teammate, pack): connecting a second pack (another Jira site, another source) replaces the first one's tokens.",
  models: 'rule pack-isolation ("each pack keeps its own credentials"; one pack per Jira site)',
  targets: ['jira'],
  caughtBy: ['pack-isolation', 'silent-refresh'],
  createManager: (env) => createReferenceManager({ ...env, store: teammateOnly(storeOf(env)) }),
})

export const createManager = mutant.createManager

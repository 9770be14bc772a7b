import { createReferenceManager, credentialKey } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf, storeOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'secret-in-outcome-reason',
  title: 'The refresh token is echoed in the reason shown to the teammate',
  change:
    'When a run cannot finish (retry later, ask an admin or support), the reason it returns ends with the refresh token it holds, "for debugging".',
  models:
    'rule no-secret-leaks (DEVELOPERS.md: secrets never appear in logs, reports or error messages) and connectors.md root cause 7 ("raw RFC error text shown": n8n-io/n8n#30460)',
  targets: ['baseline'],
  caughtBy: ['no-secret-leaks'],
  createManager: (env) => {
    const store = storeOf(env)
    const inner = createReferenceManager({ ...env, store })
    return {
      ...methodsOf(inner),
      async run(teammate, pack, callApi) {
        const outcome = await inner.run(teammate, pack, callApi)
        if (outcome.kind !== 'retry_later' && outcome.kind !== 'blocked') return outcome
        const row = await store.get(credentialKey(pack, teammate))
        const token = row?.credential.refreshToken
        return token === undefined
          ? outcome
          : { ...outcome, reason: `${outcome.reason} (refresh_token=${token})` }
      },
    }
  },
})

export const createManager = mutant.createManager

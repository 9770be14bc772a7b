import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'ignores-expiry-until-rejected',
  title: 'Expiry is ignored; a refused access token means reconnect',
  change:
    'It never refreshes ahead of expiry, and when the API refuses the access token it asks the teammate to reconnect instead of refreshing.',
  models:
    'connectors.md root cause 8 (rotation/expiry not implemented: latitude-dev/latitude-llm#3334, nextcloud/integration_jira#32)',
  targets: ['baseline'],
  caughtBy: ['silent-refresh'],
  createManager: (env) => {
    const inner = createReferenceManager(env, { parts: { needsRefresh: () => false } })
    return {
      ...methodsOf(inner),
      async run(teammate, pack, callApi) {
        let rejected = false
        const outcome = await inner.run(teammate, pack, async (token) => {
          const result = await callApi(token)
          if (result.status === 401) rejected = true
          return result
        })
        return rejected && outcome.kind === 'ok'
          ? { kind: 'connect_required', reason: 'grant_expired' }
          : outcome
      },
    }
  },
})

export const createManager = mutant.createManager

import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'connect-does-not-stick',
  title: 'A successful Connect does not end the prompting',
  change:
    'Once a teammate was prompted on a pack, an in-memory flag keeps answering connect_required, even after a successful Connect (a stale cache of the old verdict).',
  models:
    'connectors.md root cause 3 (stale in-memory credentials: n8n-io/n8n#1695) and rule connect-resolves',
  targets: ['baseline'],
  caughtBy: ['connect-resolves'],
  createManager: (env) => {
    const inner = createReferenceManager(env)
    const prompted = new Set<string>()
    return {
      ...methodsOf(inner),
      async run(teammate, pack, callApi) {
        const key = `${pack}/${teammate}`
        if (prompted.has(key)) return { kind: 'connect_required', reason: 'grant_invalid' }
        const outcome = await inner.run(teammate, pack, callApi)
        if (outcome.kind === 'connect_required') prompted.add(key)
        return outcome
      },
    }
  },
})

export const createManager = mutant.createManager

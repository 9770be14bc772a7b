import { randomBytes } from 'node:crypto'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'no-single-flight',
  title: 'No single-flight: two agents of one teammate refresh at once',
  change:
    "Every run refreshes on its own: one reference instance per run, all sharing the process's identity, so the cross-process lease treats them as one process and relies on a single-flight they do not share.",
  models:
    'connectors.md root cause 2 (n8n-io/n8n#12742 "refreshing several times per second"; slackapi/node-slack-sdk#2504)',
  targets: ['baseline'],
  caughtBy: ['rotation-is-durable'],
  createManager: (env) => {
    const instanceId = randomBytes(6).toString('base64url')
    const secrets = new Map<string, string>()
    const shared = createReferenceManager(env, { instanceId })
    return {
      ...methodsOf(shared),
      async run(teammate, pack, callApi) {
        const fresh = createReferenceManager(env, { instanceId })
        for (const [id, secret] of secrets) await fresh.updateClientSecret(id, secret)
        return fresh.run(teammate, pack, callApi)
      },
      async updateClientSecret(pack, secret) {
        secrets.set(pack, secret)
        await shared.updateClientSecret(pack, secret)
      },
    }
  },
})

export const createManager = mutant.createManager

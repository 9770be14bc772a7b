import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'prompts-every-run',
  title: 'Every run asks to reconnect',
  change: 'run() answers connect_required whatever the stored credential, so Connect never helps.',
  models: 'rule connect-resolves ("prompted to reconnect every time: your admin")',
  targets: ['baseline'],
  caughtBy: ['connect-resolves', 'silent-refresh'],
  createManager: (env) => ({
    ...methodsOf(createReferenceManager(env)),
    run: async () => ({ kind: 'connect_required', reason: 'grant_invalid' }),
  }),
})

export const createManager = mutant.createManager

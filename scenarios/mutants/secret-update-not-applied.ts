import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'secret-update-not-applied',
  title: "The admin's new client secret never reaches the running manager",
  change:
    'updateClientSecret is accepted and ignored: the running manager keeps the client secret it started with, so after the admin updates a rotated secret every refresh and Connect still fails as "ask your admin".',
  models:
    'connectors.md root cause 3 (stale in-memory credentials: "DB updated, running workflow keeps the old pair", n8n-io/n8n#1695, autokitteh/autokitteh#430)',
  targets: ['baseline', 'jira', 'databricks'],
  caughtBy: ['secret-mismatch-is-admin', 'connect-resolves'],
  createManager: (env) => ({ ...methodsOf(createReferenceManager(env)), updateClientSecret: async () => {} }),
})

export const createManager = mutant.createManager

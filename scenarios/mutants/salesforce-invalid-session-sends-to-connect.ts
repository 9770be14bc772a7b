import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import { salesforceClient, salesforceErrorCodes } from '../../src/providers/salesforce.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { defineMutant } from './mutant.ts'

const invalidSessionIsAPrompt: ProviderClient = {
  ...salesforceClient,
  classifyApiResult: (result) =>
    salesforceErrorCodes(result.body).includes('INVALID_SESSION_ID')
      ? 'scope_missing'
      : salesforceClient.classifyApiResult(result),
}

export const mutant = defineMutant({
  id: 'salesforce-invalid-session-sends-to-connect',
  title: 'Salesforce INVALID_SESSION_ID read as "reconnect"',
  change:
    'The API answer INVALID_SESSION_ID ("Session expired or invalid") is read as a missing scope, so the teammate is sent to Connect instead of the manager refreshing (Salesforce never sends expires_in).',
  models: 'connectors.md root cause 4 (PostHog/posthog#34828, verbb/auth 2.0.43)',
  targets: ['salesforce'],
  caughtBy: ['silent-refresh'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) =>
          pack.provider === 'salesforce' ? invalidSessionIsAPrompt : providerClient(pack.provider),
      },
    }),
})

export const createManager = mutant.createManager

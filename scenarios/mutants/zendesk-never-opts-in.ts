import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { zendeskClient, zendeskTokenRequest } from '../../src/providers/zendesk.ts'
import { defineMutant } from './mutant.ts'

/** Zendesk's dialect without the one parameter that opts a grant into expiring tokens. */
const neverOptsIn: ProviderClient = {
  ...zendeskClient,
  tokenRequest: (pack, grant) => {
    const request = zendeskTokenRequest(pack, grant)
    const body = new URLSearchParams(String(request.init.body))
    body.delete('expires_in')
    return { ...request, init: { ...request.init, body: body.toString() } }
  },
}

export const mutant = defineMutant({
  id: 'zendesk-never-opts-in',
  title: 'Zendesk: never asks for expiring tokens',
  change:
    'Its Zendesk token requests never send expires_in: on an older OAuth client every grant stays a legacy non-expiring token without a refresh token (it works today, every outcome is right), and on an enforced client the expiry is learnt from a 401.',
  models:
    'connectors.md root cause 8 (Zendesk migration: estuary/connectors#2886, airbyte#65103) and §5 "Which clients are enforced | … unless expires_in is sent"',
  targets: ['zendesk'],
  caughtBy: ['zendesk-opts-into-expiring-tokens'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) => (pack.provider === 'zendesk' ? neverOptsIn : providerClient(pack.provider)),
      },
    }),
})

export const createManager = mutant.createManager

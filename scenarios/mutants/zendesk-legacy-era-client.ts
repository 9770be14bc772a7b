import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { baselineTokenRequest } from '../../src/providers/baseline.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { zendeskClient } from '../../src/providers/zendesk.ts'
import { defineMutant } from './mutant.ts'

/** Asks for no expiry, and reads an answer without expires_in as a legacy token that never expires. */
const legacyEraClient: ProviderClient = {
  ...zendeskClient,
  tokenRequest: baselineTokenRequest,
  parseTokenResponse: (status, headers, body, nowMs) => {
    const parsed = zendeskClient.parseTokenResponse(status, headers, body, nowMs)
    if (parsed.kind !== 'success' || parsed.token.expiresInMs !== undefined) return parsed
    const { refreshToken: _discarded, ...neverExpires } = parsed.token
    return { kind: 'success', token: neverExpires }
  },
}

export const mutant = defineMutant({
  id: 'zendesk-legacy-era-client',
  title: 'Zendesk read like a legacy-only integration',
  change:
    'It asks for no expiry and reads an answer without expires_in as a non-expiring legacy token, so it keeps no refresh token.',
  models: 'connectors.md root causes 4 and 8 (NangoHQ/nango#6775, estuary/connectors#2886)',
  targets: ['zendesk'],
  caughtBy: ['silent-refresh', 'long-lived-stays-quiet', 'zendesk-opts-into-expiring-tokens'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) =>
          pack.provider === 'zendesk' ? legacyEraClient : providerClient(pack.provider),
      },
    }),
})

export const createManager = mutant.createManager

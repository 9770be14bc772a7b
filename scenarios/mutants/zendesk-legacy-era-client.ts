import { baselineTokenRequest } from '../../src/providers/baseline.ts'
import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'zendesk-legacy-era-client',
  title: 'Zendesk read like a legacy-only integration',
  change:
    'It asks for no expiry and reads an answer without expires_in as a non-expiring legacy token, so it keeps no refresh token.',
  models: 'connectors.md root causes 4 and 8 (NangoHQ/nango#6775, estuary/connectors#2886)',
  targets: ['zendesk'],
  caughtBy: ['silent-refresh', 'long-lived-stays-quiet', 'zendesk-opts-into-expiring-tokens'],
  // Asks for no expiry, and reads an answer without expires_in as a legacy token that never expires.
  createManager: rewritingTokenResponses(
    ({ parsed }) => {
      if (parsed.kind !== 'success' || parsed.token.expiresInMs !== undefined) return parsed
      const { refreshToken: _discarded, ...neverExpires } = parsed.token
      return { kind: 'success', token: neverExpires }
    },
    { only: 'zendesk', client: { tokenRequest: baselineTokenRequest } },
  ),
})

export const createManager = mutant.createManager

import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'refresh-token-dropped-when-omitted',
  title: 'A token response without a refresh token overwrites the stored one',
  change:
    'It stores exactly what the response carried: when a response omits refresh_token (a refresh without rotation, a Google re-consent), the stored refresh token is lost.',
  models:
    'connectors.md root cause 5 (bagofwords1/bagofwords#729, amp-labs/connectors#1168, google/site-kit-wp#690, ToolJet/ToolJet#15708)',
  targets: ['google', 'salesforce', 'baseline'],
  caughtBy: ['silent-refresh'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        mergeTokenResponse: (previous, parsed, nowMs) => {
          const { refreshToken: _kept, ...merged } = mergeTokenResponse(previous, parsed, nowMs)
          return parsed.refreshToken === undefined ? merged : { ...merged, refreshToken: parsed.refreshToken }
        },
      },
    }),
})

export const createManager = mutant.createManager

import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'refresh-not-implemented',
  title: 'Refresh is not implemented: only the access token is kept',
  change:
    'It never stores the refresh token, so it works until the first access token expires and then asks the teammate to reconnect.',
  models:
    'connectors.md root cause 8 (latitude-dev/latitude-llm#3334, nextcloud/integration_jira#32, estuary/connectors#2886)',
  targets: ['baseline'],
  caughtBy: ['silent-refresh'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        mergeTokenResponse: (previous, parsed, nowMs) => {
          const { refreshToken: _never, ...merged } = mergeTokenResponse(previous, parsed, nowMs)
          return merged
        },
      },
    }),
})

export const createManager = mutant.createManager

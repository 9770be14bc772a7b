import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'rotated-refresh-token-not-persisted',
  title: 'The rotated refresh token is not persisted',
  change:
    'After a refresh it saves the new access token but keeps the refresh token it sent, so the next refresh presents a token the source already replaced.',
  models:
    'connectors.md root cause 1 (PostHog/posthog#49714, ParabolInc/parabol#5690, n8n-io/n8n#25926, anthonyreilly/NetCoreForce#94)',
  targets: ['baseline', 'slack', 'jira', 'zendesk'],
  caughtBy: ['silent-refresh'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        mergeTokenResponse: (previous, parsed, nowMs) => {
          const merged = mergeTokenResponse(previous, parsed, nowMs)
          return previous?.refreshToken === undefined
            ? merged
            : { ...merged, refreshToken: previous.refreshToken }
        },
      },
    }),
})

export const createManager = mutant.createManager

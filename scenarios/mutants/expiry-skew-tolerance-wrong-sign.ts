import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

/** A "clock skew tolerance" of 5 minutes, as client libraries default it, added where it should be subtracted. */
const TOLERANCE_MS = 5 * 60_000

export const mutant = defineMutant({
  id: 'expiry-skew-tolerance-wrong-sign',
  title: 'The clock-skew tolerance is applied with the wrong sign',
  change:
    'It stores expiry as now + expires_in + 5 minutes of "skew tolerance" and refreshes only once that has passed, so for up to 5 minutes after the source expired it the access token is still presented (the 401, refresh and retry hide it from every outcome).',
  models:
    'connectors.md root cause 10 ("skew applied with the wrong sign": spring-projects/spring-security#7511, manfredsteyer/angular-oauth2-oidc#1135)',
  targets: ['baseline', 'jira', 'google', 'databricks'],
  caughtBy: ['no-expired-token-presented'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        needsRefresh: (credential, nowMs) =>
          credential.accessTokenExpiresAt !== undefined && nowMs >= credential.accessTokenExpiresAt,
        mergeTokenResponse: (previous, parsed, nowMs) => {
          const merged = mergeTokenResponse(previous, parsed, nowMs)
          return merged.accessTokenExpiresAt === undefined
            ? merged
            : { ...merged, accessTokenExpiresAt: merged.accessTokenExpiresAt + TOLERANCE_MS }
        },
      },
    }),
})

export const createManager = mutant.createManager

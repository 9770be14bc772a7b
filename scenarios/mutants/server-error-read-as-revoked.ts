import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'server-error-read-as-revoked',
  title: 'A 5xx from the token endpoint is read as a revoked grant',
  change:
    'Its token-response parser treats any 5xx as "the grant is gone": the stored credential is deleted and the teammate is asked to reconnect.',
  models:
    'connectors.md root cause 7 (mis-classifying responses: "a 502 read as revoked") and rule transient-never-prompts',
  targets: ['baseline'],
  caughtBy: ['transient-never-prompts'],
  createManager: rewritingTokenResponses(({ parsed, status }) =>
    status >= 500
      ? {
          kind: 'failure',
          failure: {
            kind: 'permanent',
            reason: 'grant_revoked',
            detail: `token endpoint answered ${status}`,
          },
        }
      : parsed,
  ),
})

export const createManager = mutant.createManager

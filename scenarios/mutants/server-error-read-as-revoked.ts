import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'server-error-read-as-revoked',
  title: 'A 5xx from the token endpoint is read as a revoked grant',
  change:
    'Its token-response parser treats any 5xx as "the grant is gone": the stored credential is deleted and the teammate is asked to reconnect.',
  models:
    'connectors.md root cause 7 (mis-classifying responses: "a 502 read as revoked") and rule transient-never-prompts',
  targets: ['baseline'],
  caughtBy: ['transient-never-prompts'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) => {
          const client = providerClient(pack.provider)
          return {
            ...client,
            parseTokenResponse: (status, headers, body, nowMs) =>
              status >= 500
                ? {
                    kind: 'failure',
                    failure: {
                      kind: 'permanent',
                      reason: 'grant_revoked',
                      detail: `token endpoint answered ${status}`,
                    },
                  }
                : client.parseTokenResponse(status, headers, body, nowMs),
          }
        },
      },
    }),
})

export const createManager = mutant.createManager

import { oauthErrorCode } from '../../src/providers/index.ts'
import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'databricks-invalid-request-retried',
  title: 'Databricks `invalid_request` on a refresh is retried forever',
  change:
    'A token-endpoint invalid_request is read as a passing problem (retry later), but Databricks answers a dead refresh token with 400 invalid_request "Refresh token is invalid": the teammate is told to retry, run after run, and never to reconnect.',
  models:
    'connectors.md section 6 and root cause 7 (Databricks refresh failure is invalid_request, not invalid_grant: databricks/cli#1434, #667, #709)',
  targets: ['databricks'],
  caughtBy: ['expiry-prompts-once', 'revocation-prompts', 'policy-sets-the-pace'],
  createManager: rewritingTokenResponses(({ parsed, body }) =>
    parsed.kind === 'failure' && oauthErrorCode(body) === 'invalid_request'
      ? {
          kind: 'failure',
          failure: { kind: 'transient', detail: 'token endpoint answered invalid_request; will retry' },
        }
      : parsed,
  ),
})

export const createManager = mutant.createManager

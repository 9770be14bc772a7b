import { oauthErrorCode } from '../../src/providers/index.ts'
import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'atlassian-access-denied-sends-to-consent',
  title: 'Atlassian `access_denied` on a refresh sends the teammate to consent',
  change:
    'A token-endpoint answer with error access_denied is read as the user denying consent (reconnect), but Atlassian answers a wrong client secret with 401 access_denied.',
  models:
    'connectors.md root cause 7 and section 1 (Atlassian wrong secret returns access_denied, like a user clicking Deny: MrRefactoring/jira.js isReauthorizationRequired docs)',
  targets: ['jira'],
  caughtBy: ['secret-mismatch-is-admin'],
  createManager: rewritingTokenResponses(({ parsed, body }) =>
    parsed.kind === 'failure' && oauthErrorCode(body) === 'access_denied'
      ? {
          kind: 'failure',
          failure: {
            kind: 'permanent',
            reason: 'consent_denied',
            detail: 'token endpoint answered access_denied',
          },
        }
      : parsed,
  ),
})

export const createManager = mutant.createManager

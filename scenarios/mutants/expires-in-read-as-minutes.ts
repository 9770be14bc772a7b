import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'expires-in-read-as-minutes',
  title: 'expires_in read in the wrong unit',
  change:
    'It reads expires_in as minutes instead of seconds (3600 becomes 60 hours), so it believes every access token lives 60 times longer than the source said and presents it long after it expired.',
  models:
    'connectors.md root cause 10 (expiry arithmetic) and the addendum\'s unit trap (Salesforce issued_at: "docs say seconds; captures say ms")',
  targets: ['baseline', 'jira', 'slack', 'google', 'zendesk', 'databricks'],
  caughtBy: ['no-expired-token-presented'],
  createManager: rewritingTokenResponses(({ parsed }) =>
    parsed.kind !== 'success' || parsed.token.expiresInMs === undefined
      ? parsed
      : { kind: 'success', token: { ...parsed.token, expiresInMs: parsed.token.expiresInMs * 60 } },
  ),
})

export const createManager = mutant.createManager

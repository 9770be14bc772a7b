import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'refreshes-only-on-401',
  title: 'No proactive refresh: the access token is used until the API refuses it',
  change:
    'It never refreshes ahead of the announced expiry; it presents the stored access token, and only a 401 makes it refresh and retry once. Every outcome is right, every expired token still reaches the source.',
  models:
    'connectors.md root causes 4 and 10 (expiry ignored, refresh left to the 401 path: databricks/cli#4768 double cache, verbb/auth 2.0.43 INVALID_SESSION_ID retry loop)',
  targets: ['baseline', 'jira', 'slack', 'google', 'zendesk', 'databricks'],
  caughtBy: ['no-expired-token-presented'],
  createManager: (env) => createReferenceManager(env, { parts: { needsRefresh: () => false } }),
})

export const createManager = mutant.createManager

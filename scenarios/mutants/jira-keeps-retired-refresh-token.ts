import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'jira-keeps-retired-refresh-token',
  title: 'Atlassian: an answer without refresh_token is waited out with the retired token',
  change:
    "When an Atlassian refresh answer omits refresh_token, it keeps the token it sent and waits (right for a source without a leeway), instead of presenting it again within Atlassian's 10-minute leeway; its next refresh, an hour later, presents a retired token and reuse detection ends the grant.",
  models:
    'connectors.md root cause 1 and the injectable "dropped refresh_token in a refresh response (Atlassian obs.)"; root cause 2 (Atlassian "waves" of Unknown or invalid refresh token)',
  targets: ['jira'],
  caughtBy: ['rotation-is-durable'],
  createManager: (env) => createReferenceManager(env, { rotation: { jira: 'no_leeway' } }),
})

export const createManager = mutant.createManager

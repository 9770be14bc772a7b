import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'jira-waits-out-stale-lease',
  title: "Atlassian: a dead holder's lease is waited out past the leeway",
  change:
    "It does not know Atlassian's 10-minute leeway, so it never takes over a lease another process still holds: after a refresh whose rotated write the store refused and a restart, the new process waits out the dead holder's lease (retry later) instead of presenting the retired token inside the leeway, and its next refresh, later, presents it after the leeway and reuse detection ends the grant.",
  models:
    'connectors.md root cause 6 (single-use refresh token consumed, then the write fails) with root cause 2 (Nango\'s in-process dedupe not reliable across restarts); §1 "Reuse leeway | 10 minutes"',
  targets: ['jira'],
  caughtBy: ['rotation-is-durable'],
  createManager: (env) => createReferenceManager(env, { reuseLeewayMs: { jira: null } }),
})

export const createManager = mutant.createManager

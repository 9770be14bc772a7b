import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { classifyBaselineCallbackError } from '../../src/providers/baseline.ts'
import { providerClient } from '../../src/providers/index.ts'
import { createSlackClient } from '../../src/providers/slack.ts'
import { defineMutant } from './mutant.ts'

const approvalReadAsDeny = createSlackClient({
  classifyCallbackError: (error) => classifyBaselineCallbackError(error),
})

export const mutant = defineMutant({
  id: 'slack-approval-read-as-deny',
  title: "Slack's app-approval access_denied read as the teammate's Deny",
  change:
    "The callback's undescribed access_denied (Require App Approval) is read as the teammate denying consent, not as an admin matter.",
  models:
    'rule site-approval-gate (Slack app approval) and connectors.md root cause 7 (access_denied ambiguity)',
  targets: ['slack'],
  caughtBy: ['site-approval-gate'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) =>
          pack.provider === 'slack' ? approvalReadAsDeny : providerClient(pack.provider),
      },
    }),
})

export const createManager = mutant.createManager

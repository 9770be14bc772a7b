import type { Outcome } from '../../src/manager/contract.ts'
import { outcomeForFailure } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'invalid-grant-shown-as-error',
  title: 'A dead grant is shown as an error instead of a reconnect prompt',
  change:
    'A permanent failure (invalid_grant: the grant expired or was revoked) becomes "contact support" with the raw error, so the teammate is never offered Connect.',
  models:
    'connectors.md root cause 7 (raw RFC error text shown instead of "reconnect": n8n-io/n8n#30460); rules expiry-prompts-once and revocation-prompts',
  targets: ['baseline'],
  caughtBy: ['expiry-prompts-once', 'revocation-prompts'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        outcomeForFailure: (failure): Outcome =>
          failure.kind === 'permanent'
            ? { kind: 'blocked', reason: failure.detail, contact: 'support' }
            : outcomeForFailure(failure),
      },
    }),
})

export const createManager = mutant.createManager

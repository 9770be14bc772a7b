import type { Outcome } from '../../src/manager/contract.ts'
import { outcomeForFailure } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'invalid-client-sends-to-connect',
  title: '`invalid_client` sends teammates to Connect',
  change:
    'A configuration failure (the source rejects the client secret) is answered with "please reconnect" instead of "ask your admin".',
  models:
    'rule secret-mismatch-is-admin; connectors.md root cause 7 (a wrong secret read as a dead grant sends every teammate to consent, in a loop)',
  targets: ['baseline'],
  caughtBy: ['secret-mismatch-is-admin'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        outcomeForFailure: (failure): Outcome =>
          failure.kind === 'configuration'
            ? { kind: 'connect_required', reason: 'grant_invalid' }
            : outcomeForFailure(failure),
      },
    }),
})

export const createManager = mutant.createManager

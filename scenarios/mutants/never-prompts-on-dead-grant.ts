import type { Outcome } from '../../src/manager/contract.ts'
import { outcomeForFailure } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant } from './mutant.ts'

export const mutant = defineMutant({
  id: 'never-prompts-on-dead-grant',
  title: 'A dead grant is read as a passing problem',
  change:
    'A permanent token-endpoint failure (expired or revoked grant) becomes "retry later": the teammate is never offered Connect.',
  models: 'rules expiry-prompts-once and revocation-prompts (DESIGN.md section 5)',
  targets: ['baseline'],
  caughtBy: ['expiry-prompts-once', 'revocation-prompts'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        outcomeForFailure: (failure): Outcome =>
          failure.kind === 'permanent'
            ? { kind: 'retry_later', reason: 'token endpoint refused' }
            : outcomeForFailure(failure),
      },
    }),
})

export const createManager = mutant.createManager

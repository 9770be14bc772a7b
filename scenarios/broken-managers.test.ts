import { describe, expect, it } from 'vitest'
import type { CreateManager } from '../src/manager/contract.ts'
import type { RuleId } from '../src/rules/types.ts'
import { CAST } from '../src/suite/profiles.ts'
import {
  connectDoesNotStick,
  ignoresExpiry,
  neverPromptsOnDeadGrant,
  promptsEveryRun,
  resetClearsEveryone,
  secretMismatchSendsToConnect,
} from './support/broken-managers.ts'
import { expectRuleCatches } from './support/expect-rules.ts'

const SEED = 20261128
const RUNS = 200

const cases: Array<[RuleId, string, CreateManager]> = [
  ['silent-refresh', 'ignores access-token expiry and never refreshes', ignoresExpiry],
  ['expiry-prompts-once', 'reads an expired grant as "retry later"', neverPromptsOnDeadGrant],
  ['revocation-prompts', 'reads a revoked grant as "retry later"', neverPromptsOnDeadGrant],
  ['admin-reset', 'clears every teammate on an admin reset', resetClearsEveryone(CAST)],
  ['connect-resolves', 'prompts on every run', promptsEveryRun],
  ['connect-resolves', 'keeps prompting after a successful Connect', connectDoesNotStick],
  [
    'secret-mismatch-is-admin',
    'sends teammates to Connect when the client secret is wrong',
    secretMismatchSendsToConnect,
  ],
]

describe('each foundation rule catches a broken manager', () => {
  for (const [rule, what, createManager] of cases) {
    it(`${rule} catches a manager that ${what}`, async () => {
      // Shrunk, reproduced, replayable, and the reference passes the same timeline (see expect-rules.ts).
      const { text } = await expectRuleCatches('baseline', rule, createManager, { seed: SEED, runs: RUNS })
      // Readable: the timeline shows when each step happened.
      expect(text).toMatch(/\+\S+\s+(run|connect)\(/)
    })
  }
})

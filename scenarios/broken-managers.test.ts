import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../src/manager/reference-manager.ts'
import type { CreateManager } from '../src/manager/contract.ts'
import { ruleById } from '../src/rules/catalogue/index.ts'
import type { RuleId } from '../src/rules/types.ts'
import { checkProvider } from '../src/suite/check-provider.ts'
import { formatCounterexample } from '../src/suite/counterexample.ts'
import { CAST, profileFor } from '../src/suite/profiles.ts'
import { replayTimeline } from '../src/suite/play.ts'
import {
  connectDoesNotStick,
  ignoresExpiry,
  neverPromptsOnDeadGrant,
  promptsEveryRun,
  resetClearsEveryone,
  secretMismatchSendsToConnect,
} from './support/broken-managers.ts'

const SEED = 20261128
const RUNS = 200

async function check(rule: RuleId, createManager: CreateManager) {
  const [outcome] = await checkProvider({
    profile: profileFor('baseline')!,
    createManager,
    rules: [ruleById(rule)],
    seed: SEED,
    runs: RUNS,
  })
  return outcome!
}

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
      const outcome = await check(rule, createManager)
      expect(outcome.status, `expected ${rule} to fail`).toBe('fail')
      const ce = outcome.counterexample!
      expect(ce.rule).toBe(rule)
      expect(ce.reproduced).toBe(true)
      expect(ce.violations.length).toBeGreaterThan(0)
      // Shrunk: a handful of steps, readable, and it names the rule it broke.
      expect(ce.events.filter((e) => e.type !== 'advance').length).toBeLessThanOrEqual(12)
      const text = formatCounterexample(ce)
      expect(text).toContain(`✗ ${rule}`)
      expect(text).toMatch(/\+\S+\s+(run|connect)\(/)

      // The counterexample replays on its own and breaks the rule again.
      const replay = await replayTimeline({
        org: ce.org,
        createManager,
        rules: [ruleById(rule)],
        events: ce.events,
      })
      expect(replay.violations.map((v) => v.rule)).toContain(rule)
      // ...and the reference manager passes the very same timeline.
      const reference = await replayTimeline({
        org: ce.org,
        createManager: referenceManager,
        rules: [ruleById(rule)],
        events: ce.events,
      })
      expect(reference.violations).toEqual([])
    })
  }
})

import { describe, expect, it } from 'vitest'
import type { CreateManager } from '../../src/manager/contract.ts'
import { createManager as referenceManager } from '../../src/manager/reference-manager.ts'
import { ruleById } from '../../src/rules/catalogue/index.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { exploreInterleavings, replayInterleaving } from '../../src/suite/interleavings.ts'
import { profileFor } from '../../src/suite/profiles.ts'
import { mutantById } from '../mutants/index.ts'

const noSingleFlight = mutantById('no-single-flight').createManager
const noCompareAndSwap = mutantById('no-compare-and-swap').createManager
const persistsAfterReturning = mutantById('persists-after-returning').createManager
const fiveXxIsRevoked = mutantById('server-error-read-as-revoked').createManager
const retries429WithoutWaiting = mutantById('retries-429-without-waiting').createManager

const SEED = 11
/** A ceiling: fast-check stops at the first failing interleaving (all of these fail within the first 20 at this seed). */
const RUNS = 400

const cases: Array<[string, RuleId, CreateManager]> = [
  [
    'has no single-flight (two agents of one teammate refresh at once)',
    'rotation-is-durable',
    noSingleFlight,
  ],
  [
    'has no compare-and-swap across instances (two processes both claim the credential)',
    'rotation-is-durable',
    noCompareAndSwap,
  ],
  [
    'persists the rotated token after handing out the access token',
    'rotation-is-durable',
    persistsAfterReturning,
  ],
  ['treats a 5xx from the token endpoint as a revoked grant', 'transient-never-prompts', fiveXxIsRevoked],
  ['retries a 429 without waiting for Retry-After', 'transient-never-prompts', retries429WithoutWaiting],
]

describe('scheduled interleavings catch each concurrency and fault bug', () => {
  for (const [what, rule, createManager] of cases) {
    it(`${rule} catches a manager that ${what}`, async () => {
      const result = await exploreInterleavings({
        profile: profileFor('baseline')!,
        createManager,
        rules: [ruleById(rule)],
        seed: SEED,
        runs: RUNS,
        setup: 'rotating',
      })
      expect(result.crashed).toBeUndefined()
      const ce = result.failures.get(rule)
      expect(ce, `expected ${rule} to catch it in ${result.runs} interleavings`).toBeDefined()
      if (!ce) return
      expect(ce.reproduced).toBe(true)
      // Shrunk: connect, a jump, the burst that breaks it, at most a few steps more; the schedule
      // shrinks towards "oldest task first" (few or no explicit choices left).
      expect(ce.events.length).toBeLessThanOrEqual(9)
      expect(ce.choices.length).toBeLessThanOrEqual(8)
      // The interleaving is printed step by step: numbered IO events under the step, then what broke.
      const text = formatCounterexample(ce)
      expect(text).toMatch(/^\s+\d+ {2}P\d'* \S+#\d+ (store\.get|store\.cas|-> token|<- token|-> api)/m)
      expect(text).toContain(`✗ ${rule}`)
      expect(text).not.toMatch(/\b(rt|at|code|secret)_\d+\b/)

      // The same scenario under the same schedule breaks the rule again, and the reference passes it.
      const scenario = { org: ce.org, instances: ce.instances, events: ce.scenarioEvents }
      const rules = [ruleById('rotation-is-durable'), ruleById('transient-never-prompts')]
      const again = await replayInterleaving({ scenario, choices: ce.choices, createManager, rules })
      expect(again.violations.map((v) => v.rule)).toContain(rule)
      const reference = await replayInterleaving({
        scenario,
        choices: ce.choices,
        createManager: referenceManager,
        rules,
      })
      expect(reference.violations).toEqual([])
    })
  }
})

/**
 * The two assertions every rule-level test makes: the reference manager passes a provider's rules,
 * and a broken manager breaks a rule with a shrunk counterexample that replays (and that the
 * reference passes). One place, so every suite asserts the same things the same way.
 */
import { expect } from 'vitest'
import type { CreateManager, ProviderId } from '../../src/manager/contract.ts'
import { createManager as referenceManager } from '../../src/manager/reference-manager.ts'
import { RULES, ruleAppliesTo, ruleById, ruleIsChecked } from '../../src/rules/catalogue/index.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { checkProvider, type RuleOutcome } from '../../src/suite/check-provider.ts'
import { type Counterexample, formatCounterexample } from '../../src/suite/counterexample.ts'
import { replayTimeline } from '../../src/suite/play.ts'
import { profileFor } from '../../src/suite/profiles.ts'

export interface EffortOptions {
  seed: number
  runs: number
}

/**
 * The reference passes every checked rule that applies to `provider` (minus the profile's declared
 * not-applicable ones), and every one of them had something to say.
 */
export async function expectReferencePasses(
  provider: ProviderId,
  effort: EffortOptions,
): Promise<RuleOutcome[]> {
  const profile = profileFor(provider)!
  const notApplicable = profile.notApplicable ?? {}
  const rules = RULES.filter(
    (r) => ruleAppliesTo(r, provider) && ruleIsChecked(r) && !(r.id in notApplicable),
  )
  const outcomes = await checkProvider({ profile, createManager: referenceManager, rules, ...effort })
  const failures = outcomes.filter((o) => o.status !== 'pass')
  expect(
    failures.map((f) =>
      f.counterexample ? formatCounterexample(f.counterexample) : `${f.id}: ${f.status} ${f.note ?? ''}`,
    ),
  ).toEqual([])
  expect(outcomes.map((o) => o.id).sort()).toEqual(rules.map((r) => r.id).sort())
  for (const outcome of outcomes)
    expect(outcome.checks, `${outcome.id} was never exercised`).toBeGreaterThan(0)
  return outcomes
}

/**
 * `rule` fails for `createManager` on `provider`, with a reproduced counterexample of at most
 * `maxSteps` non-advance events that names the rule; replaying it breaks the rule again, and the
 * reference manager passes the very same timeline.
 */
export async function expectRuleCatches(
  provider: ProviderId,
  ruleId: RuleId,
  createManager: CreateManager,
  effort: EffortOptions & { maxSteps?: number },
): Promise<{ outcome: RuleOutcome; counterexample: Counterexample; text: string }> {
  const rule = ruleById(ruleId)
  const [outcome] = await checkProvider({
    profile: profileFor(provider)!,
    createManager,
    rules: [rule],
    seed: effort.seed,
    runs: effort.runs,
  })
  expect(outcome?.status, `expected ${ruleId} to fail`).toBe('fail')
  const counterexample = outcome!.counterexample!
  const text = formatCounterexample(counterexample)
  expect(counterexample.rule).toBe(ruleId)
  expect(counterexample.reproduced, text).toBe(true)
  expect(counterexample.violations.length).toBeGreaterThan(0)
  expect(counterexample.events.filter((e) => e.type !== 'advance').length, text).toBeLessThanOrEqual(
    effort.maxSteps ?? 12,
  )
  expect(text).toContain(`✗ ${ruleId}`)

  const replay = await replayTimeline({
    org: counterexample.org,
    createManager,
    rules: [rule],
    events: counterexample.events,
  })
  expect(replay.violations.map((v) => v.rule)).toContain(ruleId)
  const reference = await replayTimeline({
    org: counterexample.org,
    createManager: referenceManager,
    rules: [rule],
    events: counterexample.events,
  })
  expect(reference.violations, text).toEqual([])
  return { outcome: outcome!, counterexample, text }
}

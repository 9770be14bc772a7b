/**
 * Databricks, end to end: the reference manager passes the conformance suite on the Databricks
 * profile (central and custom token access policies, with and without single-use refresh tokens);
 * the scripted horizons prompt exactly as often as the refresh-token policy implies (7 days vs 90
 * days, single-use with an absolute session lifetime); and a manager that reads Databricks'
 * `invalid_request` "Refresh token is invalid" as a passing hiccup (so it retries forever instead of
 * asking to reconnect) is caught with a shrunk counterexample.
 */
import { mutantById } from '../mutants/index.ts'
import { expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import type { CreateManager } from '../../src/manager/contract.ts'
import { createManager as referenceManager } from '../../src/manager/reference-manager.ts'
import { RULES, ruleAppliesTo, ruleIsChecked } from '../../src/rules/catalogue/index.ts'
import { runConformance } from '../../src/suite/conformance.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { databricksPaceScenarios } from '../../src/suite/profiles/databricks.ts'
import { profileFor } from '../../src/suite/profiles.ts'
import { policySetsThePace } from '../../src/rules/catalogue/policy-sets-the-pace.ts'
import { expectedPrompts, playPace } from './support/scripted-pace.ts'

const SEED = 20261128
const RUNS = 150

const retriesForever = mutantById('databricks-invalid-request-retried').createManager

describe('databricks: the reference manager', () => {
  it('passes every checked rule on the Databricks profile, and every checked rule was exercised', async () => {
    const report = await runConformance({
      createManager: referenceManager,
      managerLabel: 'reference',
      seed: SEED,
      runs: RUNS,
      providers: ['databricks'],
    })
    const failures = report.rules
      .filter((r) => r.status === 'fail')
      .map((r) => `${r.id}: ${r.counterexample ? formatCounterexample(r.counterexample) : (r.note ?? '')}`)
    expect(failures).toEqual([])
    for (const rule of RULES.filter((r) => ruleAppliesTo(r, 'databricks') && ruleIsChecked(r))) {
      const row = report.rules.find((r) => r.id === rule.id)
      expect(row?.status, rule.id).toBe('pass')
      expect(row?.checks, `${rule.id} was never exercised`).toBeGreaterThan(0)
    }
  }, 300_000)

  it('policy sets the pace (scripted): prompts match the refresh-token lifetime, 7 days vs 90 days, single-use with an absolute session', async () => {
    const seen: string[] = []
    for (const scenario of databricksPaceScenarios) {
      const played = await playPace(scenario, referenceManager)
      expect(played.unexpected, scenario.name).toEqual([])
      expect(played.prompts, scenario.name).toBe(expectedPrompts(scenario))
      seen.push(`${scenario.name}: ${played.prompts} prompts on days ${played.promptDays.join(', ')}`)
    }
    // What the policies imply, restated: a 7-day token prompts weekly, a 90-day one twice in 200 days.
    const [central, sevenDays, ninetyDays, singleUseSession, singleUseIdle] = databricksPaceScenarios
    expect(expectedPrompts(central!)).toBe(8)
    expect(expectedPrompts(sevenDays!)).toBe(8)
    expect(expectedPrompts(ninetyDays!)).toBe(2)
    expect(expectedPrompts(singleUseSession!)).toBe(3)
    expect(expectedPrompts(singleUseIdle!)).toBe(7)
    expect(seen).toHaveLength(databricksPaceScenarios.length)
  }, 120_000)
})

/** The rule policy-sets-the-pace itself, on the Databricks profile's scripted horizons. */
const pace = (createManager: CreateManager) =>
  policySetsThePace.standalone!({
    provider: 'databricks',
    profile: profileFor('databricks')!,
    createManager,
    seed: SEED,
    runs: RUNS,
  })

describe('databricks: a manager ignorant of the dialect is caught', () => {
  it('expiry-prompts-once catches a manager that retries "Refresh token is invalid" forever, with a shrunk counterexample', async () => {
    const { text } = await expectRuleCatches('databricks', 'expiry-prompts-once', retriesForever, {
      seed: SEED,
      runs: RUNS,
      maxSteps: 6,
    })
    expect(text).toMatch(/retry_later/)
  }, 300_000)

  it('policy-sets-the-pace (the rule itself) catches it: the first expected prompt is "retry later" instead', async () => {
    const own = await pace(retriesForever)
    expect(own.status).toBe('fail')
    expect(own.note).toMatch(/should ask to reconnect/)
    expect(own.counterexample?.violations[0]?.actual).toMatchObject({ outcome: { kind: 'retry_later' } })
    const reference = await pace(referenceManager)
    expect(reference.status, reference.note).toBe('pass')
  }, 120_000)
})

import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../../src/manager/reference-manager.ts'
import { ruleById } from '../../src/rules/catalogue/index.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { exploreInterleavings } from '../../src/suite/interleavings.ts'
import { rotatingSetupOf } from '../../src/suite/interleavings-setups.ts'
import { profileFor, profiledProviders } from '../../src/suite/profiles.ts'

/**
 * The reference manager over scheduled interleavings on every provider with a rotating setup. This is
 * a quick pass (the full count, 1000 per provider, is `reconnect-lab run`; see docs/CONCURRENCY.md).
 */
const INTERLEAVINGS = 80
const SEED = 20260105

const rotating = profiledProviders().filter((p) => {
  const profile = profileFor(p)
  return profile !== undefined && rotatingSetupOf(profile) !== undefined
})

describe('the reference manager over scheduled interleavings', () => {
  it('covers the baseline and the five rotating connectors', () => {
    expect(rotating).toContain('baseline')
    for (const p of ['jira', 'slack', 'zendesk', 'salesforce', 'databricks'] as const) {
      if (profileFor(p)) expect(rotating).toContain(p)
    }
  })

  for (const provider of rotating) {
    it(`never reuses a replaced refresh token and never prompts on transient trouble: ${provider}`, async () => {
      const result = await exploreInterleavings({
        profile: profileFor(provider)!,
        createManager: referenceManager,
        rules: [ruleById('rotation-is-durable'), ruleById('transient-never-prompts')],
        seed: SEED,
        runs: INTERLEAVINGS,
        setup: 'rotating',
      })
      const failures = [...result.failures.values()].map((ce) => formatCounterexample(ce))
      expect(failures).toEqual([])
      expect(result.crashed).toBeUndefined()
      expect(result.runs).toBe(INTERLEAVINGS)
      expect(result.concurrentInterleavings).toBeGreaterThan(INTERLEAVINGS / 2)
      expect(result.checks.get('rotation-is-durable') ?? 0).toBeGreaterThan(0)
      expect(result.checks.get('transient-never-prompts') ?? 0).toBeGreaterThan(0)
      // The trouble the rules are about was actually met.
      for (const kind of [
        'several_processes',
        'crash',
        'lost_answer',
        'store_outage',
        'lease_wait',
      ] as const) {
        expect(result.coverage[kind], `${kind} on ${provider}`).toBeGreaterThan(0)
      }
    })
  }
})

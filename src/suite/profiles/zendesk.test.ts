/**
 * The Zendesk profile exercises every rule at least WEAK_CHECKS times at the default run count. The
 * floor for secret-mismatch-is-admin rests on a property of the orgs, not on the seed: every org holds
 * a custom app (the only kind with a secret the org can rotate), checked first and cheaply here.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RUNS } from '../../cli/commands/run.ts'
import { createManager as referenceManager } from '../../manager/reference-manager.ts'
import { runConformance, WEAK_CHECKS } from '../conformance.ts'
import { profileFor } from '../profiles.ts'

describe('the zendesk profile', () => {
  it('draws only orgs that hold a custom app', () => {
    const profile = profileFor('zendesk')
    if (!profile) throw new Error('zendesk has no profile')
    fc.assert(
      fc.property(profile.org, (org) => org.packs.some((p) => p.setup === 'custom')),
      { numRuns: 500, seed: 1 },
    )
  })

  it.each([
    1, 2, 3, 4, 5,
  ])('checks every rule at least 30 times on seed %i at the default run count', async (seed) => {
    // The run's own entry point and row assembly, as `reconnect-lab run --provider zendesk --seed N`.
    const report = await runConformance({
      createManager: referenceManager,
      managerLabel: 'reference',
      seed,
      runs: DEFAULT_RUNS,
      providers: ['zendesk'],
    })
    expect(report.summary.failed).toBe(0)
    const rows = report.rules.filter((r) => r.status === 'pass')
    expect(rows.map((r) => r.id)).toContain('secret-mismatch-is-admin')
    for (const row of rows) expect(row.checks, row.id).toBeGreaterThanOrEqual(WEAK_CHECKS)
    expect(report.weaklyExercised).toEqual([])
  })
})

/**
 * Baseline and Google drew the central app (no secret to rotate) for half their orgs, and
 * secret-mismatch-is-admin fell under WEAK_CHECKS on some seeds (baseline 29 and 21 on seeds 1 and 7,
 * Google 21 on seeds 5 and 7). Two in three orgs now hold their own app. (Extra secret rotations
 * instead reached 30 too, but diluted the other events: a Google mutant was caught on 1 seed of 8.)
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RUNS } from '../../cli/commands/run.ts'
import { createManager as referenceManager } from '../../manager/reference-manager.ts'
import { runConformance, WEAK_CHECKS } from '../conformance.ts'

describe('custom apps in the baseline and google profiles', () => {
  it.each([
    ['baseline', 1],
    ['baseline', 7],
    ['google', 5],
    ['google', 7],
  ] as const)('%s seed %i: secret-mismatch-is-admin checks 30+ times at the default run count', async (provider, seed) => {
    const report = await runConformance({
      createManager: referenceManager,
      managerLabel: 'reference',
      seed,
      runs: DEFAULT_RUNS,
      providers: [provider],
      rules: ['secret-mismatch-is-admin'],
    })
    const [row] = report.rules
    expect(row?.status).toBe('pass')
    expect(row?.checks).toBeGreaterThanOrEqual(WEAK_CHECKS)
  })
})

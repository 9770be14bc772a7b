import { startStopwatch } from '../clock.ts'
import { describe, expect, it } from 'vitest'
import { createManager } from '../manager/reference-manager.ts'
import { ruleById } from '../rules/catalogue/index.ts'
import { checkProvider } from './check-provider.ts'
import { profileFor } from './profiles.ts'

describe('checkProvider timing', () => {
  it("charges each rule its share of a property run, so a provider's rows add up to its time, not N times it", async () => {
    const rules = [ruleById('silent-refresh'), ruleById('revocation-prompts')]
    // Only generated-timeline rules: a standalone check adds its own, separately measured time.
    expect(rules.map((r) => r.standalone)).toEqual([undefined, undefined])
    const elapsed = startStopwatch()
    const rows = await checkProvider({
      profile: profileFor('baseline')!,
      createManager,
      rules,
      seed: 3,
      runs: 3,
    })
    const wallMs = elapsed()
    expect(rows.map((r) => r.status)).not.toContain('fail')
    const total = rows.reduce((sum, r) => sum + r.durationMs, 0)
    expect(total).toBeGreaterThan(0)
    expect(total).toBeLessThanOrEqual(wallMs)
    // One property run judged both: each is charged half of it.
    const [a, b] = rows.map((r) => r.durationMs)
    expect(a).toBeCloseTo(b!, 6)
  }, 120_000)
})

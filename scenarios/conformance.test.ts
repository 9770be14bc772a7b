import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../src/manager/reference-manager.ts'
import { RULES, ruleAppliesTo, ruleIsChecked } from '../src/rules/catalogue/index.ts'
import { runConformance } from '../src/suite/conformance.ts'
import { profileFor, profiledProviders } from '../src/suite/profiles.ts'

describe('the reference manager passes the conformance suite', () => {
  it('passes every checked rule on every profiled provider, and every checked rule was exercised', async () => {
    const report = await runConformance({
      createManager: referenceManager,
      managerLabel: 'reference',
      seed: 7,
      runs: 150,
      // The full count (1000 per provider) is `reconnect-lab run`; scenarios/concurrency covers more.
      interleavings: 100,
    })
    const failures = report.rules.filter((r) => r.status === 'fail')
    expect(
      failures.map((f) => `${f.id}/${f.provider}: ${f.counterexample?.lines.join('\n') ?? f.note}`),
    ).toEqual([])
    for (const provider of profiledProviders()) {
      const notApplicable = profileFor(provider)?.notApplicable ?? {}
      for (const rule of RULES.filter(
        (r) => ruleAppliesTo(r, provider) && ruleIsChecked(r) && !(r.id in notApplicable),
      )) {
        // Harness checks (unsupported-setup-rejected) are reported apart from the manager's rows.
        const row = [...report.rules, ...(report.harness ?? [])].find(
          (r) => r.id === rule.id && r.provider === provider,
        )
        expect(row?.status, `${rule.id} on ${provider}`).toBe('pass')
        expect(row?.checks, `${rule.id} on ${provider} was never exercised`).toBeGreaterThan(0)
      }
    }
    // Issue 8: every scripted quirk check passes, and every quirk fired or has a reason it cannot.
    expect(report.quirkChecks?.filter((r) => r.status !== 'pass')).toEqual([])
    expect(report.quirkCoverage?.neverFired).toEqual([])
  })
})

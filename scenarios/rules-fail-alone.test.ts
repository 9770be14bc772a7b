/**
 * Every verdict earned: for each rule (triage-matches-table aside: its own test lives with triage),
 * one mutant from the one catalogue (scenarios/mutants/) makes exactly that rule fail, checked on its
 * own, with a counterexample that replays; the reference manager passes the same counterexample.
 *
 * Three ways a rule is checked, three ways it is shown failing: generated timelines (shrunk, replayed
 * by expectRuleCatches), a scripted standalone check (its counterexample replays to the same result at
 * the step it blames), and scheduled interleavings (replayed under the same schedule).
 */
import { describe, expect, it } from 'vitest'
import type { ProviderId } from '../src/manager/contract.ts'
import { createManager as referenceManager } from '../src/manager/reference-manager.ts'
import { RULES, ruleById } from '../src/rules/catalogue/index.ts'
import type { RuleId } from '../src/rules/types.ts'
import { checkProvider } from '../src/suite/check-provider.ts'
import { formatCounterexample } from '../src/suite/counterexample.ts'
import { exploreInterleavings, replayInterleaving } from '../src/suite/interleavings.ts'
import { replayTimeline } from '../src/suite/play.ts'
import { profileFor } from '../src/suite/profiles.ts'
import { standaloneContext } from '../src/suite/standalone-harness.ts'
import { mutantById } from './mutants/index.ts'
import { expectRuleCatches } from './support/expect-rules.ts'

const SEED = 20261128
const RUNS = 200

type How = 'timelines' | 'standalone' | 'interleavings' | 'harness'

interface Case {
  rule: RuleId
  mutant: string
  provider: ProviderId
  how: How
  /** Rules that must NOT fail on this mutant: the rule's power of its own. */
  notCaughtBy?: RuleId[]
}

const CASES: readonly Case[] = [
  { rule: 'silent-refresh', mutant: 'ignores-expiry-until-rejected', provider: 'baseline', how: 'timelines' },
  {
    rule: 'expiry-prompts-once',
    mutant: 'never-prompts-on-dead-grant',
    provider: 'baseline',
    how: 'timelines',
  },
  {
    rule: 'revocation-prompts',
    mutant: 'never-prompts-on-dead-grant',
    provider: 'baseline',
    how: 'timelines',
  },
  {
    rule: 'secret-mismatch-is-admin',
    mutant: 'invalid-client-sends-to-connect',
    provider: 'baseline',
    how: 'timelines',
  },
  { rule: 'site-approval-gate', mutant: 'slack-approval-read-as-deny', provider: 'slack', how: 'timelines' },
  {
    rule: 'pack-isolation',
    mutant: 'access-token-cached-per-teammate',
    provider: 'jira',
    how: 'timelines',
    notCaughtBy: ['silent-refresh'],
  },
  { rule: 'admin-reset', mutant: 'reset-clears-everyone', provider: 'baseline', how: 'timelines' },
  {
    rule: 'long-lived-stays-quiet',
    mutant: 'zendesk-legacy-era-client',
    provider: 'zendesk',
    how: 'standalone',
  },
  { rule: 'rotation-is-durable', mutant: 'no-single-flight', provider: 'baseline', how: 'interleavings' },
  {
    rule: 'policy-sets-the-pace',
    mutant: 'databricks-invalid-request-retried',
    provider: 'databricks',
    how: 'standalone',
  },
  {
    rule: 'transient-never-prompts',
    mutant: 'server-error-read-as-revoked',
    provider: 'baseline',
    how: 'timelines',
  },
  { rule: 'connect-resolves', mutant: 'connect-does-not-stick', provider: 'baseline', how: 'timelines' },
  { rule: 'no-secret-leaks', mutant: 'secret-in-outcome-reason', provider: 'baseline', how: 'timelines' },
  {
    rule: 'no-expired-token-presented',
    mutant: 'refreshes-only-on-401',
    provider: 'baseline',
    how: 'timelines',
    // Every outcome is right (the 401, refresh and retry hide it): only this rule sees it.
    notCaughtBy: ['silent-refresh'],
  },
  {
    rule: 'zendesk-opts-into-expiring-tokens',
    mutant: 'zendesk-never-opts-in',
    provider: 'zendesk',
    how: 'timelines',
    // A legacy grant works today: every outcome is right, only this rule sees it.
    notCaughtBy: ['silent-refresh'],
  },
  // Checks the harness, not a manager: its failing test is unsupported-setup-rejected.test.ts (a broken validator).
  { rule: 'unsupported-setup-rejected', mutant: '', provider: 'jira', how: 'harness' },
]

describe('every rule is shown to fail on its own', () => {
  it('the table covers every rule but triage-matches-table (h9 / src/triage.test.ts)', () => {
    const covered = new Set(CASES.map((c) => c.rule))
    const missing = RULES.map((r) => r.id).filter((id) => id !== 'triage-matches-table' && !covered.has(id))
    expect(missing).toEqual([])
  })

  for (const c of CASES.filter((x) => x.how !== 'harness')) {
    const mutant = mutantById(c.mutant)
    it(`${c.rule} fails on ${c.mutant} (${c.provider}, ${c.how})`, async () => {
      expect(mutant.caughtBy).toContain(c.rule)
      const rule = ruleById(c.rule)
      if (c.how === 'timelines') {
        await expectRuleCatches(c.provider, c.rule, mutant.createManager, { seed: SEED, runs: RUNS })
      } else if (c.how === 'standalone') {
        const own = await rule.standalone!(
          standaloneContext({
            provider: c.provider,
            profile: profileFor(c.provider)!,
            createManager: mutant.createManager,
            seed: SEED,
            runs: RUNS,
          }),
        )
        expect(own.status, own.note).toBe('fail')
        const ce = own.counterexample!
        const violation = ce.violations.find((v) => v.rule === c.rule)!
        expect(violation, formatCounterexample(ce)).toBeDefined()
        // Replays: the same events give the blamed step the same result; the reference answers otherwise.
        const again = await replayTimeline({
          org: ce.org,
          createManager: mutant.createManager,
          rules: [],
          events: ce.events,
        })
        expect(again.trace[violation.stepIndex]?.result).toEqual(violation.actual)
        const reference = await replayTimeline({
          org: ce.org,
          createManager: referenceManager,
          rules: [],
          events: ce.events,
        })
        expect(reference.trace[violation.stepIndex]?.result).not.toEqual(violation.actual)
      } else {
        const result = await exploreInterleavings({
          profile: profileFor(c.provider)!,
          createManager: mutant.createManager,
          rules: [rule],
          seed: 11,
          runs: 400,
          setup: 'rotating',
        })
        const ce = result.failures.get(c.rule)
        expect(ce, `expected ${c.rule} to catch it`).toBeDefined()
        const scenario = { org: ce!.org, instances: ce!.instances, events: ce!.scenarioEvents }
        const again = await replayInterleaving({
          scenario,
          choices: ce!.choices,
          createManager: mutant.createManager,
          rules: [rule],
        })
        expect(again.violations.map((v) => v.rule)).toContain(c.rule)
        const reference = await replayInterleaving({
          scenario,
          choices: ce!.choices,
          createManager: referenceManager,
          rules: [rule],
        })
        expect(reference.violations).toEqual([])
      }
      for (const other of c.notCaughtBy ?? []) {
        const [row] = await checkProvider({
          profile: profileFor(c.provider)!,
          createManager: mutant.createManager,
          rules: [ruleById(other)],
          seed: SEED,
          runs: RUNS,
        })
        expect(row?.status, `${other} should not see ${c.mutant}: ${c.rule} has a power of its own`).toBe(
          'pass',
        )
      }
    }, 300_000)
  }
})

/**
 * Slack conformance: the reference manager passes every rule that applies to Slack, and managers one
 * change away from it, ignorant of Slack's dialect, fail a rule with a shrunk counterexample.
 */
import { describe, expect, it } from 'vitest'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import {
  createManager as referenceManager,
  createReferenceManager,
} from '../../src/manager/reference-manager.ts'
import { classifyBaselineApiResult, classifyBaselineCallbackError } from '../../src/providers/baseline.ts'
import { providerClient } from '../../src/providers/index.ts'
import { createSlackClient, parseSlackTokenSuccess } from '../../src/providers/slack.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { RULES, ruleAppliesTo, ruleById, ruleIsChecked } from '../../src/rules/catalogue/index.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { checkProvider } from '../../src/suite/check-provider.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { replayTimeline } from '../../src/suite/play.ts'
import { profileFor } from '../../src/suite/profiles.ts'

const SEED = 20261128
const RUNS = 150

function withSlackClient(slack: ProviderClient): CreateManager {
  return (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack: PackDescriptor) =>
          pack.provider === 'slack' ? slack : providerClient(pack.provider),
      },
    })
}

/** Checks the API answer's HTTP status only: Slack's 200 `ok:false token_revoked` reads as success. */
const apiStatusOnly = withSlackClient(createSlackClient({ classifyApiResult: classifyBaselineApiResult }))

/**
 * Checks the token endpoint's HTTP status only: a 200 `ok:false invalid_refresh_token` is parsed as
 * a token response, finds no token, and is reported as the source's fault (support) instead of a prompt.
 */
const tokenStatusOnly = withSlackClient(
  createSlackClient({
    parseTokenResponse: (status, headers, body, nowMs) =>
      status === 200 && typeof body === 'object' && body !== null && !Array.isArray(body)
        ? parseSlackTokenSuccess(body as Record<string, unknown>)
        : createSlackClient().parseTokenResponse(status, headers, body, nowMs),
  }),
)

/** Reads Slack's undescribed access_denied (app approval required) as the teammate's own Deny. */
const approvalReadAsDeny = withSlackClient(
  createSlackClient({ classifyCallbackError: (error) => classifyBaselineCallbackError(error) }),
)

describe('slack conformance', () => {
  it('the reference manager passes every checked rule that applies to Slack, and each was exercised', async () => {
    const notApplicable = profileFor('slack')!.notApplicable ?? {}
    expect(Object.keys(notApplicable)).toEqual(['expiry-prompts-once'])
    const rules = RULES.filter(
      (r) => ruleAppliesTo(r, 'slack') && ruleIsChecked(r) && !(r.id in notApplicable),
    )
    const outcomes = await checkProvider({
      profile: profileFor('slack')!,
      createManager: referenceManager,
      rules,
      seed: SEED,
      runs: RUNS,
    })
    const failures = outcomes.filter((o) => o.status !== 'pass')
    expect(
      failures.map((f) =>
        f.counterexample ? formatCounterexample(f.counterexample) : `${f.id}: ${f.status} ${f.note ?? ''}`,
      ),
    ).toEqual([])
    expect(outcomes.map((o) => o.id).sort()).toEqual(rules.map((r) => r.id).sort())
    // Slack's refresh tokens have no lifetime (connectors.md §2 "RT lifetime"): no source policy ever
    // ends a Slack grant, so the profile declares expiry-prompts-once not applicable (reported as skip).
    for (const outcome of outcomes)
      expect(outcome.checks, `${outcome.id} was never exercised`).toBeGreaterThan(0)
  })

  const mutants: Array<[RuleId, string, CreateManager, RegExp]> = [
    ['revocation-prompts', "reads auth.test's HTTP 200 ok:false as success", apiStatusOnly, /-> ok$/m],
    [
      'revocation-prompts',
      "reads oauth.v2.access's HTTP 200 ok:false as a token response",
      tokenStatusOnly,
      /blocked\(support/,
    ],
    [
      'site-approval-gate',
      "reads Slack's undescribed access_denied as the teammate's Deny",
      approvalReadAsDeny,
      /consent_denied/,
    ],
  ]

  for (const [ruleId, what, createManager, shows] of mutants) {
    it(`${ruleId} catches a manager that ${what}`, async () => {
      const rule = ruleById(ruleId)
      const [outcome] = await checkProvider({
        profile: profileFor('slack')!,
        createManager,
        rules: [rule],
        seed: SEED,
        runs: RUNS,
      })
      expect(outcome?.status).toBe('fail')
      const ce = outcome!.counterexample!
      const text = formatCounterexample(ce)
      expect(ce.reproduced, text).toBe(true)
      expect(ce.events.filter((e) => e.type !== 'advance').length, text).toBeLessThanOrEqual(12)
      expect(text).toContain(`✗ ${ruleId}`)
      expect(text).toMatch(shows)

      const replay = await replayTimeline({ org: ce.org, createManager, rules: [rule], events: ce.events })
      expect(replay.violations.map((v) => v.rule)).toContain(ruleId)
      const reference = await replayTimeline({
        org: ce.org,
        createManager: referenceManager,
        rules: [rule],
        events: ce.events,
      })
      expect(reference.violations).toEqual([])
    })
  }
})

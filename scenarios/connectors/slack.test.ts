/**
 * Slack conformance: the reference manager passes every rule that applies to Slack, and managers one
 * change away from it, ignorant of Slack's dialect, fail a rule with a shrunk counterexample.
 */
import { expectReferencePasses, expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import type { CreateManager } from '../../src/manager/contract.ts'
import { mutantById } from '../mutants/index.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { profileFor } from '../../src/suite/profiles.ts'

const SEED = 20261128
const RUNS = 150

const apiStatusOnly = mutantById('slack-api-ok-false-read-as-success').createManager
const tokenStatusOnly = mutantById('slack-ok-false-read-as-success').createManager
const approvalReadAsDeny = mutantById('slack-approval-read-as-deny').createManager

describe('slack conformance', () => {
  it('the reference manager passes every checked rule that applies to Slack, and each was exercised', async () => {
    // Slack's refresh tokens have no lifetime (connectors.md §2 "RT lifetime"): no source policy ever
    // ends a Slack grant, so the profile declares expiry-prompts-once not applicable (reported as skip).
    expect(Object.keys(profileFor('slack')!.notApplicable ?? {})).toEqual(['expiry-prompts-once'])
    await expectReferencePasses('slack', { seed: SEED, runs: RUNS })
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
      const { text } = await expectRuleCatches('slack', ruleId, createManager, { seed: SEED, runs: RUNS })
      expect(text).toMatch(shows)
    })
  }
})

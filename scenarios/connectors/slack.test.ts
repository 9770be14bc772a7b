/**
 * Slack conformance: the reference manager passes every rule that applies to Slack, and managers one
 * change away from it, ignorant of Slack's dialect, fail a rule with a shrunk counterexample.
 */
import { expectReferencePasses, expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { classifyBaselineApiResult, classifyBaselineCallbackError } from '../../src/providers/baseline.ts'
import { providerClient } from '../../src/providers/index.ts'
import { createSlackClient, parseSlackTokenSuccess } from '../../src/providers/slack.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import type { RuleId } from '../../src/rules/types.ts'
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

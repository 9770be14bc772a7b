/**
 * Google conformance: the reference manager passes every rule that applies to Google, and managers
 * one change away from it, ignorant of Google's refresh-token dialect, fail a rule with a shrunk
 * counterexample.
 */
import { describe, expect, it } from 'vitest'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import {
  createManager as referenceManager,
  createReferenceManager,
} from '../../src/manager/reference-manager.ts'
import { googleClient } from '../../src/providers/google.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { RULES, ruleAppliesTo, ruleById, ruleIsChecked } from '../../src/rules/catalogue/index.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { checkProvider } from '../../src/suite/check-provider.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { replayTimeline } from '../../src/suite/play.ts'
import { profileFor } from '../../src/suite/profiles.ts'

const SEED = 20261128
const RUNS = 150

/**
 * Sends access_type=offline but not prompt=consent: a teammate who connects again while Google still
 * holds their earlier grant gets no refresh token (connectors.md §4; root cause 5: site-kit-wp #690,
 * amp-labs/connectors #1168). After the admin cleared their credentials, nothing is left to refresh with.
 */
const withoutPromptConsent: ProviderClient = {
  ...googleClient,
  authorizationUrl: (pack, request) => {
    const url = new URL(googleClient.authorizationUrl(pack, request))
    url.searchParams.delete('prompt')
    return url.toString()
  },
}

const reconsentsWithoutPrompt: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      providerFor: (pack: PackDescriptor) =>
        pack.provider === 'google' ? withoutPromptConsent : providerClient(pack.provider),
    },
  })

/**
 * Stores whatever the token endpoint answered, so a Google refresh (which never carries a refresh
 * token) overwrites the stored refresh token with nothing (root cause 5: bagofwords #729).
 */
const overwritesStoredRefreshToken: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      mergeTokenResponse: (previous, parsed, nowMs) => {
        const { refreshToken: _kept, ...next } = mergeTokenResponse(previous, parsed, nowMs)
        return parsed.refreshToken === undefined ? next : { ...next, refreshToken: parsed.refreshToken }
      },
    },
  })

async function expectCaught(rule: RuleId, createManager: CreateManager, mustShow: RegExp[]): Promise<string> {
  const [outcome] = await checkProvider({
    profile: profileFor('google')!,
    createManager,
    rules: [ruleById(rule)],
    seed: SEED,
    runs: RUNS,
  })
  expect(outcome?.status, `expected ${rule} to fail`).toBe('fail')
  const ce = outcome!.counterexample!
  const text = formatCounterexample(ce)
  expect(ce.reproduced, text).toBe(true)
  expect(ce.events.filter((e) => e.type !== 'advance').length, text).toBeLessThanOrEqual(12)
  expect(text).toContain(`✗ ${rule}`)
  for (const pattern of mustShow) expect(text).toMatch(pattern)
  const replay = await replayTimeline({
    org: ce.org,
    createManager,
    rules: [ruleById(rule)],
    events: ce.events,
  })
  expect(replay.violations.map((v) => v.rule)).toContain(rule)
  const reference = await replayTimeline({
    org: ce.org,
    createManager: referenceManager,
    rules: [ruleById(rule)],
    events: ce.events,
  })
  expect(reference.violations, text).toEqual([])
  return text
}

describe('google conformance', () => {
  it('the reference manager passes every checked rule that applies to Google, and each was exercised', async () => {
    const rules = RULES.filter((r) => ruleAppliesTo(r, 'google') && ruleIsChecked(r))
    const outcomes = await checkProvider({
      profile: profileFor('google')!,
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
    for (const outcome of outcomes)
      expect(outcome.checks, `${outcome.id} was never exercised`).toBeGreaterThan(0)
  })

  it('silent-refresh catches a manager that re-consents without prompt=consent (no refresh token comes back)', async () => {
    await expectCaught('silent-refresh', reconsentsWithoutPrompt, [
      /clear_credentials\(/,
      /connect_required\(grant_expired\)/,
    ])
  })

  it('silent-refresh catches a manager that lets a refresh without refresh_token overwrite the stored one', async () => {
    await expectCaught('silent-refresh', overwritesStoredRefreshToken, [/connect_required\(grant_expired\)/])
  })
})

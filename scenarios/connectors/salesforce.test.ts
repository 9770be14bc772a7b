/**
 * Salesforce conformance: the reference manager passes every rule that applies to Salesforce, and
 * managers one change away from it, ignorant of Salesforce's dialect, fail a rule with a shrunk
 * counterexample.
 */
import { describe, expect, it } from 'vitest'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import {
  createManager as referenceManager,
  createReferenceManager,
} from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import { salesforceClient, salesforceErrorCodes } from '../../src/providers/salesforce.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { RULES, ruleAppliesTo, ruleById, ruleIsChecked } from '../../src/rules/catalogue/index.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { checkProvider } from '../../src/suite/check-provider.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { replayTimeline } from '../../src/suite/play.ts'
import { profileFor } from '../../src/suite/profiles.ts'
import type { OrgSpec } from '../../src/world/types.ts'

const SEED = 20261128
const RUNS = 150

/**
 * Relies on expires_in, which Salesforce never sends, so it never refreshes ahead of time; and when
 * the API finally says INVALID_SESSION_ID ("Session expired or invalid") it reads that as the end of
 * the grant and sends the teammate to Connect instead of refreshing (connectors.md root cause 4:
 * PostHog #34828, verbb/auth 2.0.43).
 */
const invalidSessionIsAPrompt: ProviderClient = {
  ...salesforceClient,
  classifyApiResult: (result) =>
    salesforceErrorCodes(result.body).includes('INVALID_SESSION_ID')
      ? 'scope_missing'
      : salesforceClient.classifyApiResult(result),
}

const sendsSessionExpiryToConnect: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      providerFor: (pack: PackDescriptor) =>
        pack.provider === 'salesforce' ? invalidSessionIsAPrompt : providerClient(pack.provider),
    },
  })

/**
 * Believes "a Salesforce refresh never returns a refresh token" and keeps the one it has even when
 * Refresh Token Rotation sends a new one (NetCoreForce #94): the next refresh presents the
 * invalidated token and Salesforce revokes the whole family.
 */
const ignoresRotatedRefreshToken: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      mergeTokenResponse: (previous, parsed, nowMs) => {
        const next = mergeTokenResponse(previous, parsed, nowMs)
        const kept = previous?.refreshToken ?? next.refreshToken
        return kept === undefined ? next : { ...next, refreshToken: kept }
      },
    },
  })

async function expectCaught(
  rule: RuleId,
  createManager: CreateManager,
  mustShow: RegExp,
): Promise<{ text: string; org: OrgSpec }> {
  const [outcome] = await checkProvider({
    profile: profileFor('salesforce')!,
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
  expect(text).toMatch(mustShow)
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
  return { text, org: ce.org }
}

describe('salesforce conformance', () => {
  it('the reference manager passes every checked rule that applies to Salesforce, and each was exercised', async () => {
    const rules = RULES.filter((r) => ruleAppliesTo(r, 'salesforce') && ruleIsChecked(r))
    const outcomes = await checkProvider({
      profile: profileFor('salesforce')!,
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

  it('silent-refresh catches a manager that reads INVALID_SESSION_ID as "reconnect" instead of refreshing', async () => {
    await expectCaught('silent-refresh', sendsSessionExpiryToConnect, /connect_required\(scope_missing\)/)
  })

  it('silent-refresh catches a manager that ignores the rotated refresh token under RTR', async () => {
    const { text, org } = await expectCaught(
      'silent-refresh',
      ignoresRotatedRefreshToken,
      /connect_required\(grant_invalid\)/,
    )
    // Only Refresh Token Rotation makes the stale token fatal.
    expect(org.packs[0]?.options?.['rtr'], text).toBe(true)
  })
})

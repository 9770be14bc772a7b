/**
 * Salesforce conformance: the reference manager passes every rule that applies to Salesforce, and
 * managers one change away from it, ignorant of Salesforce's dialect, fail a rule with a shrunk
 * counterexample.
 */
import { expectReferencePasses, expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import { salesforceClient, salesforceErrorCodes } from '../../src/providers/salesforce.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import type { RuleId } from '../../src/rules/types.ts'
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
  const { text, counterexample } = await expectRuleCatches('salesforce', rule, createManager, {
    seed: SEED,
    runs: RUNS,
  })
  expect(text).toMatch(mustShow)
  return { text, org: counterexample.org }
}

describe('salesforce conformance', () => {
  it('the reference manager passes every checked rule that applies to Salesforce, and each was exercised', async () => {
    await expectReferencePasses('salesforce', { seed: SEED, runs: RUNS })
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

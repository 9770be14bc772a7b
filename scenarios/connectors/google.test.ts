/**
 * Google conformance: the reference manager passes every rule that applies to Google, and managers
 * one change away from it, ignorant of Google's refresh-token dialect, fail a rule with a shrunk
 * counterexample.
 */
import { expectReferencePasses, expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import { mergeTokenResponse } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { googleClient } from '../../src/providers/google.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import type { RuleId } from '../../src/rules/types.ts'

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
  const { text } = await expectRuleCatches('google', rule, createManager, { seed: SEED, runs: RUNS })
  for (const pattern of mustShow) expect(text).toMatch(pattern)
  return text
}

describe('google conformance', () => {
  it('the reference manager passes every checked rule that applies to Google, and each was exercised', async () => {
    await expectReferencePasses('google', { seed: SEED, runs: RUNS })
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

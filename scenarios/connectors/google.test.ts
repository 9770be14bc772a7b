/**
 * Google conformance: the reference manager passes every rule that applies to Google, and managers
 * one change away from it, ignorant of Google's refresh-token dialect, fail a rule with a shrunk
 * counterexample.
 */
import { expectReferencePasses, expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import type { CreateManager } from '../../src/manager/contract.ts'
import { mutantById } from '../mutants/index.ts'
import type { RuleId } from '../../src/rules/types.ts'

const SEED = 20261128
const RUNS = 150

const reconsentsWithoutPrompt = mutantById('google-reconsent-without-prompt-consent').createManager
const overwritesStoredRefreshToken = mutantById('refresh-token-dropped-when-omitted').createManager

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

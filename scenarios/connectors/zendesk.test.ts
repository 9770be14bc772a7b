/**
 * Zendesk, end to end: the reference manager passes the conformance suite on the Zendesk profile
 * (legacy and expiring tokens), also when its client never asks for `expires_in` (it copes with the
 * missing expiry by refreshing on a 401); a year of daily use prompts nobody on either token kind
 * (rule long-lived-stays-quiet, scripted); and a manager that reads Zendesk like a legacy-only
 * integration (no `expires_in` means "never expires", so it keeps no refresh token) is caught with a
 * shrunk counterexample.
 */
import { expectRuleCatches } from '../support/expect-rules.ts'
import { describe, expect, it } from 'vitest'
import { mutantById } from '../mutants/index.ts'
import type { CreateManager, PackDescriptor } from '../../src/manager/contract.ts'
import {
  createManager as referenceManager,
  createReferenceManager,
} from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { zendeskClient } from '../../src/providers/zendesk.ts'
import { RULES, ruleAppliesTo, ruleById, ruleIsChecked } from '../../src/rules/catalogue/index.ts'
import { checkProvider, type RuleOutcome } from '../../src/suite/check-provider.ts'
import { runConformance } from '../../src/suite/conformance.ts'
import { formatCounterexample } from '../../src/suite/counterexample.ts'
import { profileFor } from '../../src/suite/profiles.ts'
import { zendeskDailyScenarios } from '../../src/suite/profiles/zendesk.ts'
import { expectedPrompts, playPace } from './support/scripted-pace.ts'

const SEED = 20261128
const RUNS = 150

function describeFailures(rows: readonly RuleOutcome[]): string[] {
  return rows
    .filter((r) => r.status === 'fail')
    .map((r) => `${r.id}: ${r.counterexample ? formatCounterexample(r.counterexample) : (r.note ?? '')}`)
}

/** Zendesk's dialect exactly as the reference reads it, except that token requests never ask for `expires_in`. */
const zendeskWithoutExpiresIn: ProviderClient = {
  ...zendeskClient,
  tokenRequest: (pack, grant) => {
    const request = zendeskClient.tokenRequest(pack, grant)
    const body = new URLSearchParams(String(request.init.body))
    body.delete('expires_in')
    return { ...request, init: { ...request.init, body: body.toString() } }
  },
}

const withZendeskClient =
  (client: ProviderClient): CreateManager =>
  (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack: PackDescriptor) =>
          pack.provider === 'zendesk' ? client : providerClient(pack.provider),
      },
    })

const legacyEraManager = mutantById('zendesk-legacy-era-client').createManager

describe('zendesk: the reference manager', () => {
  it('passes every checked rule on the Zendesk profile, and every checked rule was exercised', async () => {
    const report = await runConformance({
      createManager: referenceManager,
      managerLabel: 'reference',
      seed: SEED,
      runs: RUNS,
      providers: ['zendesk'],
    })
    expect(describeFailures(report.rules)).toEqual([])
    for (const rule of RULES.filter((r) => ruleAppliesTo(r, 'zendesk') && ruleIsChecked(r))) {
      const row = report.rules.find((r) => r.id === rule.id)
      expect(row?.status, rule.id).toBe('pass')
      expect(row?.checks, `${rule.id} was never exercised`).toBeGreaterThan(0)
    }
  }, 300_000)

  it('copes when expires_in is missing: with a client that never asks for it, every checked rule still passes', async () => {
    const rules = RULES.filter(
      (r) => ruleAppliesTo(r, 'zendesk') && ruleIsChecked(r) && r.judge !== undefined,
    )
    const rows = await checkProvider({
      profile: profileFor('zendesk')!,
      createManager: withZendeskClient(zendeskWithoutExpiresIn),
      rules,
      seed: SEED + 1,
      runs: 100,
    })
    expect(describeFailures(rows)).toEqual([])
  }, 300_000)

  it('long-lived-stays-quiet (scripted): a year of daily use prompts nobody, on legacy and expiring tokens, asking for expires_in or not', async () => {
    for (const scenario of zendeskDailyScenarios) {
      for (const [label, manager] of [
        ['reference', referenceManager],
        ['without expires_in', withZendeskClient(zendeskWithoutExpiresIn)],
      ] as const) {
        const played = await playPace(scenario, manager)
        const what = `${scenario.name} (${label})`
        expect(played.unexpected, what).toEqual([])
        expect(played.prompts, what).toBe(expectedPrompts(scenario))
      }
    }
    // The daily scenarios imply no prompt at all; the 31-day one prompts on every run.
    const [expiring, legacy, sparse] = zendeskDailyScenarios
    expect(expectedPrompts(expiring!)).toBe(0)
    expect(expectedPrompts(legacy!)).toBe(0)
    expect(expectedPrompts(sparse!)).toBe(Math.floor(sparse!.horizonMs / sparse!.everyMs))
  }, 120_000)
})

describe('zendesk: a manager ignorant of the dialect is caught', () => {
  it('silent-refresh catches the legacy-era client (no expires_in means never expires) with a shrunk counterexample', async () => {
    const { counterexample } = await expectRuleCatches('zendesk', 'silent-refresh', legacyEraManager, {
      seed: SEED,
      runs: RUNS,
      maxSteps: 6,
    })
    // The broken org has an expiring Zendesk pack: legacy tokens never expire, so they cannot show it.
    expect(counterexample.org.packs.some((p) => p.options?.['tokens'] === 'expiring')).toBe(true)
  }, 300_000)

  it('long-lived-stays-quiet catches it too', async () => {
    const [outcome] = await checkProvider({
      profile: profileFor('zendesk')!,
      createManager: legacyEraManager,
      rules: [ruleById('long-lived-stays-quiet')],
      seed: SEED,
      runs: 50,
    })
    expect(outcome?.status).toBe('fail')
    expect(outcome?.counterexample?.violations.map((v) => v.rule)).toContain('long-lived-stays-quiet')
  }, 300_000)

  it('the scripted year catches it too: daily users of expiring tokens are prompted every day, legacy users never', async () => {
    const [expiring, legacy] = zendeskDailyScenarios
    const broken = await playPace(expiring!, legacyEraManager)
    expect(broken.prompts).toBeGreaterThan(300)
    const fine = await playPace(legacy!, legacyEraManager)
    expect(fine.prompts).toBe(0)
  }, 120_000)
})

/**
 * How the conformance suite explores Zendesk: one or two Zendesk packs (two account subdomains), each
 * on an enforced client (expiring tokens) or a legacy one (`options.tokens`), central or custom (at
 * least one custom app per org), with the mock's selectable shapes; durations around the 30-minute access token and the 30-day refresh
 * token. Daily use must never prompt, on either token kind (rule long-lived-stays-quiet): the scripted
 * horizons below say so for a year of daily runs.
 */
import { revokeEvent } from '../timeline-arbitrary.ts'
import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../clock.ts'
import type { TokenPolicy } from '../../../mocks/types.ts'
import type { PackSpec, TimelineEvent } from '../../world/types.ts'
import type { PaceScenario, ProviderProfile } from '../profile-types.ts'

/** The same cast as the baseline profile (not imported: profiles.ts imports this file). */
const TEAMMATES = ['alice', 'bob', 'carol'] as const

/** Pack ids and the account subdomain each is bound to. */
export const ZENDESK_PACKS = [
  { id: 'zendesk', subdomain: 'acme' },
  { id: 'zendesk-globex', subdomain: 'globex' },
] as const

export type ZendeskTokens = 'expiring' | 'legacy'

const zendeskOptions = (tokens: ZendeskTokens): fc.Arbitrary<Record<string, string>> =>
  fc
    .record({
      refreshTokenExpiresIn: fc.constantFrom(undefined, 'always', 'when_requested'),
      oldRefreshTokenReuse: fc.constantFrom(undefined, 'reject', 'revoke_family'),
      refreshFailureDescription: fc.constantFrom(undefined, 'doorkeeper', 'expired_or_revoked'),
      invalidClientStatus: fc.constantFrom(undefined, '401', '400'),
      revokeCurrent: fc.constantFrom(undefined, 'no_op', 'revokes'),
    })
    .map((options) => {
      const out: Record<string, string> = { tokens }
      for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value
      return out
    })

/**
 * A custom Zendesk app can only move the defaults a client gets when it asks for no lifetimes, within
 * Zendesk's ranges (the reference client always asks for a 30-minute access token).
 */
const zendeskCustomPolicy: fc.Arbitrary<Partial<TokenPolicy>> = fc
  .record({
    accessTokenTtlMs: fc.constantFrom(undefined, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS, 48 * HOUR_MS),
    refreshIdleTtlMs: fc.constantFrom(undefined, 7 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS),
  })
  .map((p) => {
    const out: Partial<TokenPolicy> = {}
    if (p.accessTokenTtlMs !== undefined) out.accessTokenTtlMs = p.accessTokenTtlMs
    if (p.refreshIdleTtlMs !== undefined) out.refreshIdleTtlMs = p.refreshIdleTtlMs
    return out
  })

function zendeskPack(which: (typeof ZENDESK_PACKS)[number]): fc.Arbitrary<PackSpec> {
  return fc
    .record({
      setup: fc.constantFrom('central' as const, 'custom' as const),
      tokens: fc.constantFrom('expiring' as const, 'legacy' as const),
      policy: zendeskCustomPolicy,
    })
    .chain(({ setup, tokens, policy }) =>
      zendeskOptions(tokens).map(
        (options): PackSpec => ({
          id: which.id,
          provider: 'zendesk',
          setup,
          instance: which.subdomain,
          options,
          ...(setup === 'custom' && Object.keys(policy).length > 0 ? { policy } : {}),
        }),
      ),
    )
}

const [FIRST, SECOND] = ZENDESK_PACKS
const packId = fc.constantFrom(...ZENDESK_PACKS.map((p) => p.id))
const teammate = fc.constantFrom(...TEAMMATES)

/** Several agents at once (rotation under concurrency) and a manager restart (memory lost, store kept). */
const concurrentRuns: fc.Arbitrary<TimelineEvent> = fc.record({
  type: fc.constant('concurrent_runs' as const),
  runs: fc.array(fc.record({ teammate, pack: packId }), { minLength: 2, maxLength: 3 }),
})
const restartManager: fc.Arbitrary<TimelineEvent> = fc.constant({ type: 'restart_manager' as const })

const LIFETIMES =
  'connectors.md §5, "Default TTLs (enforced clients) | AT 30 min …; RT 30 days" and "Rotation | A successful refresh returns a new RT"; "Legacy | … they keep working"; troubleshooting page, Zendesk: "teammates should not need to reconnect Zendesk actions on a daily basis"'

const zendeskPackOf = (tokens: ZendeskTokens, setup: 'central' | 'custom' = 'central'): PackSpec => ({
  id: FIRST.id,
  provider: 'zendesk',
  setup,
  instance: FIRST.subdomain,
  options: { tokens },
})

/**
 * Daily use for a year prompts nobody (rule long-lived-stays-quiet): expiring tokens refresh every run
 * and each refresh starts a fresh 30-day refresh token; legacy tokens never expire. Runs every 25 hours
 * so no run lands on a lifetime boundary.
 */
export const zendeskDailyScenarios: readonly PaceScenario[] = [
  {
    name: 'Zendesk expiring tokens, used daily for a year: never a prompt',
    pack: zendeskPackOf('expiring'),
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 365 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 30 * DAY_MS },
    source: LIFETIMES,
  },
  {
    name: 'Zendesk legacy client, used daily for a year: never a prompt',
    pack: zendeskPackOf('legacy', 'custom'),
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 365 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 30 * DAY_MS },
    source: LIFETIMES,
  },
  {
    name: 'Zendesk expiring tokens, used every 31 days: each run finds the refresh token expired',
    pack: zendeskPackOf('expiring'),
    everyMs: 31 * DAY_MS,
    horizonMs: 200 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 30 * DAY_MS },
    source: LIFETIMES,
  },
]

export const zendeskProfile: ProviderProfile = {
  provider: 'zendesk',
  teammates: TEAMMATES,
  packIds: ZENDESK_PACKS.map((p) => p.id),
  org: fc
    .record({
      teammateCount: fc.integer({ min: 1, max: TEAMMATES.length }),
      twoAccounts: fc.boolean(),
      first: zendeskPack(FIRST),
      second: zendeskPack(SECOND),
    })
    .map(({ teammateCount, twoAccounts, first, second }) => ({
      teammates: TEAMMATES.slice(0, teammateCount),
      // Every org holds a custom app, the only kind with a secret the org can rotate: when the first
      // account is central, the second account is always there and custom. Without it half the orgs
      // (one central pack) could never check secret-mismatch-is-admin, and its count fell under 30
      // on some seeds (26 on seed 3) however the rotations were weighted.
      packs:
        first.setup === 'custom'
          ? twoAccounts
            ? [first, second]
            : [first]
          : [first, { ...second, setup: 'custom' as const }],
    })),
  durationsMs: [
    MINUTE_MS,
    25 * MINUTE_MS,
    29 * MINUTE_MS,
    31 * MINUTE_MS,
    2 * HOUR_MS,
    DAY_MS,
    6 * DAY_MS,
    8 * DAY_MS,
    29 * DAY_MS,
    31 * DAY_MS,
    91 * DAY_MS,
    200 * DAY_MS,
  ],
  extraEvents: [
    { weight: 1, arbitrary: concurrentRuns },
    { weight: 1, arbitrary: restartManager },
    // Long-lived grants mostly outlive the timeline, and half the orgs have one pack: revocations on
    // the first pack get extra weight so revocation-prompts is exercised in every default run.
    { weight: 1, arbitrary: revokeEvent(TEAMMATES, FIRST.id) },
  ],
  paceScenarios: zendeskDailyScenarios,
}

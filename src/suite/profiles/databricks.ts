/**
 * How the conformance suite explores Databricks: one workspace pack, central (the UI defaults: 1-hour
 * access tokens, 7-day refresh tokens) or custom with a token access policy drawn from Databricks'
 * allowed ranges, with or without single-use refresh tokens (and then sometimes an absolute session
 * lifetime), and the mock's selectable shapes; durations around the access and refresh lifetimes.
 */
import { revokeEvent, secretRotationEvent } from '../timeline-arbitrary.ts'
import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../clock.ts'
import {
  type DatabricksTokenAccessPolicy,
  databricksTokenAccessPolicy,
} from '../../../mocks/databricks/index.ts'
import type { PackSpec, TimelineEvent } from '../../world/types.ts'
import type { PaceScenario, ProviderProfile } from '../profile-types.ts'

/** The same cast as the baseline profile (not imported: profiles.ts imports this file). */
const TEAMMATES = ['alice', 'bob', 'carol'] as const

export const DATABRICKS_PACK = { id: 'databricks', workspace: 'dbc-1234' } as const

const MINUTES_PER_DAY = 24 * 60

/** access_token_ttl_in_minutes (5–1440) and refresh_token_ttl_in_minutes (5–129600, not below it). */
const accessMinutes = fc.constantFrom(5, 60, 24 * 60)
const refreshMinutes = fc.constantFrom(
  60,
  MINUTES_PER_DAY,
  7 * MINUTES_PER_DAY,
  30 * MINUTES_PER_DAY,
  90 * MINUTES_PER_DAY,
)
const sessionMinutes = fc.constantFrom(undefined, 30 * MINUTES_PER_DAY, 60 * MINUTES_PER_DAY)

const tokenAccessPolicy: fc.Arbitrary<DatabricksTokenAccessPolicy> = fc
  .record({
    access: accessMinutes,
    refresh: refreshMinutes,
    singleUse: fc.boolean(),
    session: sessionMinutes,
  })
  .map(({ access, refresh, singleUse, session }) => ({
    accessTokenTtlInMinutes: access,
    // A refresh token may not live shorter than the access token it refreshes.
    refreshTokenTtlInMinutes: Math.max(access, refresh),
    enableSingleUseRefreshTokens: singleUse,
    ...(singleUse && session !== undefined ? { absoluteSessionLifetimeInMinutes: session } : {}),
  }))

const shapeOptions: fc.Arbitrary<Record<string, string>> = fc
  .record({
    rotatedRefreshTokenReuse: fc.constantFrom(undefined, 'reject', 'revoke_family'),
    refreshFailureShape: fc.constantFrom(undefined, 'invalid_request', 'invalid_grant'),
    codeFailureShape: fc.constantFrom(undefined, 'invalid_grant', 'invalid_request'),
  })
  .map((options) => {
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value
    return out
  })

const databricksPack: fc.Arbitrary<PackSpec> = fc
  .record({
    setup: fc.constantFrom('central' as const, 'custom' as const),
    centralSingleUse: fc.boolean(),
    policy: tokenAccessPolicy,
    shapes: shapeOptions,
  })
  .map(({ setup, centralSingleUse, policy, shapes }) => {
    const base = {
      id: DATABRICKS_PACK.id,
      provider: 'databricks' as const,
      instance: DATABRICKS_PACK.workspace,
    }
    if (setup === 'central') {
      // A published (central) app runs on the defaults; some published apps have single-use tokens on.
      return { ...base, setup, options: { ...shapes, singleUseRefreshTokens: centralSingleUse } }
    }
    const mapped = databricksTokenAccessPolicy(policy)
    return { ...base, setup, policy: mapped.policy, options: { ...shapes, ...mapped.options } }
  })

const packId = fc.constant(DATABRICKS_PACK.id)
const teammate = fc.constantFrom(...TEAMMATES)

const concurrentRuns: fc.Arbitrary<TimelineEvent> = fc.record({
  type: fc.constant('concurrent_runs' as const),
  runs: fc.array(fc.record({ teammate, pack: packId }), { minLength: 2, maxLength: 3 }),
})
const restartManager: fc.Arbitrary<TimelineEvent> = fc.constant({ type: 'restart_manager' as const })

/** A custom pack with this token access policy. */
function customPack(input: DatabricksTokenAccessPolicy): PackSpec {
  const { policy, options } = databricksTokenAccessPolicy(input)
  return {
    id: DATABRICKS_PACK.id,
    provider: 'databricks',
    setup: 'custom',
    instance: DATABRICKS_PACK.workspace,
    policy,
    options,
  }
}

const TTL_SOURCE =
  'connectors.md §6, "refresh_token_ttl_in_minutes | API range 5–129600 (90 d); must be ≥ AT TTL; UI default 10080 (7 d)"; troubleshooting page: "Databricks recommends setting refresh token lifetimes to approximately three months on custom OAuth apps"'
const SINGLE_USE_SOURCE =
  'connectors.md §6, "refresh_token_ttl_in_minutes | … With single-use RTs it is the TTL of each individual RT, renewed on rotation" and "absolute_session_lifetime_in_minutes | … absolute cap for the whole RT family"'

/**
 * The troubleshooting page's example: a 7-day refresh token (the default) against the recommended
 * ~3 months. Without single-use tokens the one refresh token lives its TTL from issuance, so a daily
 * user is prompted once per TTL. Runs every 25 hours so no run lands on a lifetime boundary.
 */
export const databricksPaceScenarios: readonly PaceScenario[] = [
  {
    name: 'Databricks central app (7-day refresh token), used daily for 60 days: a prompt every 7 days',
    pack: {
      id: DATABRICKS_PACK.id,
      provider: 'databricks',
      setup: 'central',
      instance: DATABRICKS_PACK.workspace,
    },
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 60 * DAY_MS,
    expected: { absoluteMs: 7 * DAY_MS, idleMs: null },
    source: TTL_SOURCE,
  },
  {
    name: 'Databricks custom app with a 7-day refresh TTL, used daily for 60 days',
    pack: customPack({ refreshTokenTtlInMinutes: 7 * MINUTES_PER_DAY }),
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 60 * DAY_MS,
    expected: { absoluteMs: 7 * DAY_MS, idleMs: null },
    source: TTL_SOURCE,
  },
  {
    name: 'Databricks custom app with a 90-day refresh TTL, used daily for 200 days: two prompts',
    pack: customPack({ refreshTokenTtlInMinutes: 90 * MINUTES_PER_DAY }),
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 200 * DAY_MS,
    expected: { absoluteMs: 90 * DAY_MS, idleMs: null },
    source: TTL_SOURCE,
  },
  {
    name: 'Databricks single-use refresh tokens (7 days each) with a 30-day absolute session, used daily for 100 days',
    pack: customPack({
      enableSingleUseRefreshTokens: true,
      refreshTokenTtlInMinutes: 7 * MINUTES_PER_DAY,
      absoluteSessionLifetimeInMinutes: 30 * MINUTES_PER_DAY,
    }),
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 100 * DAY_MS,
    expected: { absoluteMs: 30 * DAY_MS, idleMs: 7 * DAY_MS },
    source: SINGLE_USE_SOURCE,
  },
  {
    name: 'Databricks single-use refresh tokens (7 days each), used every 8 days: each run finds the token expired',
    pack: customPack({ enableSingleUseRefreshTokens: true, refreshTokenTtlInMinutes: 7 * MINUTES_PER_DAY }),
    everyMs: 8 * DAY_MS,
    horizonMs: 60 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 7 * DAY_MS },
    source: SINGLE_USE_SOURCE,
  },
]

export const databricksProfile: ProviderProfile = {
  provider: 'databricks',
  teammates: TEAMMATES,
  packIds: [DATABRICKS_PACK.id],
  org: fc
    .record({ teammateCount: fc.integer({ min: 1, max: TEAMMATES.length }), pack: databricksPack })
    .map(({ teammateCount, pack }) => ({ teammates: TEAMMATES.slice(0, teammateCount), packs: [pack] })),
  durationsMs: [
    MINUTE_MS,
    4 * MINUTE_MS,
    6 * MINUTE_MS,
    59 * MINUTE_MS,
    61 * MINUTE_MS,
    23 * HOUR_MS,
    25 * HOUR_MS,
    6 * DAY_MS,
    8 * DAY_MS,
    29 * DAY_MS,
    31 * DAY_MS,
    89 * DAY_MS,
    91 * DAY_MS,
  ],
  extraEvents: [
    { weight: 1, arbitrary: concurrentRuns },
    { weight: 1, arbitrary: restartManager },
    // The default 7-day refresh TTL ends most grants before a revocation is judged.
    { weight: 1, arbitrary: revokeEvent(TEAMMATES, DATABRICKS_PACK.id) },
    // Half the packs are custom apps: extra secret rotations keep secret-mismatch-is-admin at 30+ checks.
    { weight: 1, arbitrary: secretRotationEvent(DATABRICKS_PACK.id) },
  ],
  paceScenarios: databricksPaceScenarios,
}

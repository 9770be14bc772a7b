/**
 * How the conformance suite explores Salesforce: one org (one pack), central or custom connected
 * app, the app's refresh-token policy (valid until revoked, immediately, idle N, absolute N), the
 * 30-day idle cap, Refresh Token Rotation, the session timeout, sometimes an install or
 * admin-approved-users gate (with `approve_app` to open it), and sometimes the search-indexing
 * connector's own app beside it (with `indexing` events). Durations sit around the 2-hour session
 * and the policy lifetimes.
 */
import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../clock.ts'
import type { PackSpec, TimelineEvent } from '../../world/types.ts'
import type { PaceScenario, ProviderProfile } from '../profile-types.ts'
import { secretRotationEvent } from '../timeline-arbitrary.ts'

/** The same cast as the baseline profile (not imported: profiles.ts imports this file). */
const TEAMMATES = ['alice', 'bob', 'carol'] as const
export const SALESFORCE_PACK_ID = 'salesforce'

/** Policies a connected app can be set to, in the metadata form the mock's `refreshPolicy` option takes. */
const REFRESH_POLICIES = [
  'specific_inactivity:12:HOURS',
  'specific_inactivity:7:DAYS',
  'specific_inactivity:90:DAYS',
  'specific_lifetime:30:DAYS',
  'specific_lifetime:6:MONTHS',
  'immediately',
] as const

const salesforceOptions: fc.Arbitrary<Record<string, string | number | boolean>> = fc
  .record({
    refreshPolicy: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      // Most orgs get a policy that ends grants on a schedule, so expiry-prompts-once reaches 30+ checks.
      { weight: 6, arbitrary: fc.constantFrom(...REFRESH_POLICIES) },
    ),
    idleTtlCap: fc.constantFrom(undefined, undefined, true),
    rtr: fc.constantFrom(undefined, true, false),
    sessionTimeoutMinutes: fc.constantFrom(undefined, undefined, 15, 720),
    indexingConnector: fc.constantFrom(undefined, true),
  })
  .map((options) => {
    const out: Record<string, string | number | boolean> = {}
    for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value
    return out
  })

const salesforcePack: fc.Arbitrary<PackSpec> = fc
  .record({
    setup: fc.constantFrom('central' as const, 'custom' as const),
    options: salesforceOptions,
    gate: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('install' as const, 'admin_approved_users' as const) },
    ),
  })
  .map(({ setup, options, gate }) => {
    const all = gate === undefined ? options : { ...options, approvalGate: gate }
    return {
      id: SALESFORCE_PACK_ID,
      provider: 'salesforce' as const,
      setup,
      instance: 'acme',
      ...(Object.keys(all).length > 0 ? { options: all } : {}),
      ...(gate === undefined ? {} : { approvalRequired: true }),
    }
  })

const pack = fc.constant(SALESFORCE_PACK_ID)
const teammate = fc.constantFrom(...TEAMMATES)

const extraEvents: ProviderProfile['extraEvents'] = [
  { weight: 1, arbitrary: fc.record({ type: fc.constant('approve_app' as const), pack }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('indexing' as const),
      pack,
      action: fc.constantFrom('connect' as const, 'disconnect' as const, 'revoke' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('concurrent_runs' as const),
      runs: fc.array(fc.record({ teammate, pack }), { minLength: 2, maxLength: 3 }),
    }) as fc.Arbitrary<TimelineEvent>,
  },
  { weight: 1, arbitrary: fc.constant({ type: 'restart_manager' as const }) },
  // Half the packs are custom apps: extra secret rotations keep secret-mismatch-is-admin at 30+ checks.
  { weight: 1, arbitrary: secretRotationEvent(SALESFORCE_PACK_ID) },
]

const centralSalesforce: PackSpec = {
  id: SALESFORCE_PACK_ID,
  provider: 'salesforce',
  setup: 'central',
  instance: 'acme',
}
const customWith = (options: Record<string, string | number | boolean>): PackSpec => ({
  ...centralSalesforce,
  setup: 'custom',
  options,
})
const POLICY_ROW =
  'connectors.md §3, "RT policy options": "Refresh token is valid until revoked" (default); "Immediately expire refresh token"; "Expire refresh token if not used for N units"; "Expire refresh token after N units"'

export const salesforcePaceScenarios: readonly PaceScenario[] = [
  {
    name: 'Salesforce default policy (valid until revoked), used every 10 days for a year: never prompts',
    pack: centralSalesforce,
    everyMs: 10 * DAY_MS + HOUR_MS,
    horizonMs: 365 * DAY_MS,
    expected: { absoluteMs: null, idleMs: null },
    source: POLICY_ROW,
  },
  {
    name: 'Salesforce "expire refresh token after 30 days", used every 3 days: a prompt a month',
    pack: customWith({ refreshPolicy: 'specific_lifetime:30:DAYS' }),
    everyMs: 3 * DAY_MS + HOUR_MS,
    horizonMs: 200 * DAY_MS,
    expected: { absoluteMs: 30 * DAY_MS, idleMs: null },
    source: POLICY_ROW,
  },
  {
    name: 'Salesforce "expire if not used for 7 days", used every 5 days: never prompts',
    pack: customWith({ refreshPolicy: 'specific_inactivity:7:DAYS' }),
    everyMs: 5 * DAY_MS + HOUR_MS,
    horizonMs: 120 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 7 * DAY_MS },
    source: POLICY_ROW,
  },
  {
    name: 'Salesforce "expire if not used for 7 days", used every 8 days: every run prompts',
    pack: customWith({ refreshPolicy: 'specific_inactivity:7:DAYS' }),
    everyMs: 8 * DAY_MS + HOUR_MS,
    horizonMs: 100 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 7 * DAY_MS },
    source: POLICY_ROW,
  },
  {
    name: 'Salesforce 30-day idle cap on "valid until revoked", used every 31 days: every run prompts',
    pack: customWith({ idleTtlCap: true }),
    everyMs: 31 * DAY_MS,
    horizonMs: 200 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 30 * DAY_MS },
    source:
      'connectors.md §3, "Idle-TTL cap": "it converts \\"valid until revoked\\" into \\"expire if not used for 30 days\\""',
  },
  {
    name: 'Salesforce 30-day idle cap over "expire if not used for 90 days", used every 45 days: every run prompts',
    pack: customWith({ refreshPolicy: 'specific_inactivity:90:DAYS', idleTtlCap: true }),
    everyMs: 45 * DAY_MS,
    horizonMs: 300 * DAY_MS,
    expected: { absoluteMs: null, idleMs: 30 * DAY_MS },
    source: 'connectors.md §3, "Idle-TTL cap": "… and caps longer policies"',
  },
  {
    name: 'Salesforce "immediately expire refresh token", used daily: the grant lasts one 2-hour session',
    pack: customWith({ refreshPolicy: 'immediately' }),
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 10 * DAY_MS,
    expected: { absoluteMs: 2 * HOUR_MS, idleMs: null },
    source: `${POLICY_ROW}; "AT lifetime": "= session timeout (… default 2 h …)"`,
  },
  {
    name: 'Salesforce with Refresh Token Rotation and "expire after 90 days", used every 2 days',
    pack: customWith({ refreshPolicy: 'specific_lifetime:90:DAYS', rtr: true }),
    everyMs: 2 * DAY_MS + HOUR_MS,
    horizonMs: 200 * DAY_MS,
    expected: { absoluteMs: 90 * DAY_MS, idleMs: null },
    source: `${POLICY_ROW}; "Refresh Token Rotation (RTR)"`,
  },
]

export const salesforceProfile: ProviderProfile = {
  provider: 'salesforce',
  teammates: TEAMMATES,
  packIds: [SALESFORCE_PACK_ID],
  org: fc
    .record({ teammateCount: fc.integer({ min: 1, max: TEAMMATES.length }), pack: salesforcePack })
    .map(({ teammateCount, pack }) => ({ teammates: TEAMMATES.slice(0, teammateCount), packs: [pack] })),
  durationsMs: [
    MINUTE_MS,
    14 * MINUTE_MS,
    16 * MINUTE_MS,
    59 * MINUTE_MS,
    119 * MINUTE_MS,
    121 * MINUTE_MS,
    11 * HOUR_MS,
    13 * HOUR_MS,
    DAY_MS,
    6 * DAY_MS,
    8 * DAY_MS,
    29 * DAY_MS,
    31 * DAY_MS,
    91 * DAY_MS,
    200 * DAY_MS,
  ],
  extraEvents,
  paceScenarios: salesforcePaceScenarios,
}

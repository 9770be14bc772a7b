/**
 * How the conformance suite explores Google: one Google pack, central (Google's published app) or
 * custom (sometimes still in Testing, sometimes Internal), the Workspace reauth policy, sign-in-only
 * or Gmail/Calendar scopes, and the UNCONFIRMED options now and then. Google has no per-app
 * refresh-token policy, so no pack carries one; domain-wide delegation is never generated (it is
 * refused at pack definition). Durations sit around the 1-hour access token, the 7-day Testing
 * expiry, the reauth periods and the 6-month idle expiry.
 */
import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../clock.ts'
import type { PackSpec, TimelineEvent } from '../../world/types.ts'
import type { PaceScenario, ProviderProfile } from '../profile-types.ts'

/** The same cast as the baseline profile (not imported: profiles.ts imports this file). */
const TEAMMATES = ['alice', 'bob', 'carol'] as const
export const GOOGLE_PACK_ID = 'google'
const SIGN_IN_SCOPES = ['openid', 'email', 'profile']
const CALENDAR = 'https://www.googleapis.com/auth/calendar.readonly'

const googlePack: fc.Arbitrary<PackSpec> = fc
  .record({
    // Two in three packs are an org's own app: only those have a secret to rotate, and with one in two
    // secret-mismatch-is-admin fell to 21 checks on seeds 5 and 7.
    setup: fc.constantFrom('central' as const, 'custom' as const, 'custom' as const),
    publishingStatus: fc.constantFrom(undefined, 'testing' as const, 'production' as const),
    userType: fc.constantFrom(undefined, undefined, 'internal' as const),
    reauthPolicyHours: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(8, 16, 24) },
    ),
    signInOnly: fc.oneof(
      { weight: 4, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    uncheckedScopes: fc.constantFrom(undefined, undefined, undefined, CALENDAR),
    reconsentRevokesPrevious: fc.constantFrom(undefined, undefined, undefined, true),
    timeBasedAccessDays: fc.constantFrom(undefined, undefined, undefined, undefined, 30),
  })
  .map(({ setup, signInOnly, publishingStatus, ...rest }) => {
    const options: Record<string, string | number | boolean> = {}
    // Only an org's own app can still be in Testing; Google's published app never is.
    if (setup === 'custom' && publishingStatus !== undefined) options['publishingStatus'] = publishingStatus
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) options[key] = value
    return {
      id: GOOGLE_PACK_ID,
      provider: 'google' as const,
      setup,
      ...(signInOnly ? { scopes: SIGN_IN_SCOPES } : {}),
      ...(Object.keys(options).length > 0 ? { options } : {}),
    }
  })

const pack = fc.constant(GOOGLE_PACK_ID)
const teammate = fc.constantFrom(...TEAMMATES)

const extraEvents: ProviderProfile['extraEvents'] = [
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('concurrent_runs' as const),
      runs: fc.array(fc.record({ teammate, pack }), { minLength: 2, maxLength: 3 }),
    }) as fc.Arbitrary<TimelineEvent>,
  },
  { weight: 1, arbitrary: fc.constant({ type: 'restart_manager' as const }) },
  // An admin reset followed by a re-consent is how a Google re-consent without a refresh token
  // usually happens (connectors.md root cause 5): make it as common as a revocation plus a reset.
  { weight: 1, arbitrary: fc.record({ type: fc.constant('clear_credentials' as const), teammate, pack }) },
]

const centralGoogle: PackSpec = { id: GOOGLE_PACK_ID, provider: 'google', setup: 'central' }
const custom = (options: Record<string, string | number | boolean>, scopes?: string[]): PackSpec => ({
  ...centralGoogle,
  setup: 'custom',
  options,
  ...(scopes ? { scopes } : {}),
})
const UNUSED = 183 * DAY_MS
const EXPIRY_ROW =
  'connectors.md §4, "RT stops working when": "unused for 6 months" (taken as 183 days); "Testing-mode expiry": "External user type + publishing status \\"Testing\\" → RT expires after 7 days, unless scopes ⊆ {openid, email, profile}"'

export const googlePaceScenarios: readonly PaceScenario[] = [
  {
    name: 'Google app in Testing (External), used every 2 days: a prompt every 7 days',
    pack: custom({ publishingStatus: 'testing' }),
    everyMs: 2 * DAY_MS + HOUR_MS,
    horizonMs: 60 * DAY_MS,
    expected: { absoluteMs: 7 * DAY_MS, idleMs: UNUSED },
    source: EXPIRY_ROW,
  },
  {
    name: 'Google app in Testing with sign-in scopes only: no 7-day expiry',
    pack: custom({ publishingStatus: 'testing' }, [...SIGN_IN_SCOPES]),
    everyMs: 2 * DAY_MS + HOUR_MS,
    horizonMs: 60 * DAY_MS,
    expected: { absoluteMs: null, idleMs: UNUSED },
    source: EXPIRY_ROW,
  },
  {
    name: 'Google Internal app in Testing: the 7-day expiry is for External apps only',
    pack: custom({ publishingStatus: 'testing', userType: 'internal' }),
    everyMs: 2 * DAY_MS + HOUR_MS,
    horizonMs: 60 * DAY_MS,
    expected: { absoluteMs: null, idleMs: UNUSED },
    source: EXPIRY_ROW,
  },
  {
    name: 'Google published app used every 10 days for a year: never prompts',
    pack: centralGoogle,
    everyMs: 10 * DAY_MS + HOUR_MS,
    horizonMs: 365 * DAY_MS,
    expected: { absoluteMs: null, idleMs: UNUSED },
    source: EXPIRY_ROW,
  },
  {
    name: 'Google published app used every 190 days: each run finds the token unused for 6 months',
    pack: centralGoogle,
    everyMs: 190 * DAY_MS,
    horizonMs: 600 * DAY_MS,
    expected: { absoluteMs: null, idleMs: UNUSED },
    source: EXPIRY_ROW,
  },
  {
    name: 'Google Workspace reauth policy of 16 hours, used daily: every run needs a new sign-in',
    pack: { ...centralGoogle, options: { reauthPolicyHours: 16 } },
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 14 * DAY_MS,
    expected: { absoluteMs: 16 * HOUR_MS, idleMs: UNUSED },
    source:
      'connectors.md §4, "Workspace session control": "Admin reauth policy (1–24 h; a 16 h default is reported) → refresh fails `invalid_grant` with `error_subtype` `invalid_rapt`"',
  },
]

export const googleProfile: ProviderProfile = {
  provider: 'google',
  teammates: TEAMMATES,
  packIds: [GOOGLE_PACK_ID],
  org: fc
    .record({ teammateCount: fc.integer({ min: 1, max: TEAMMATES.length }), pack: googlePack })
    .map(({ teammateCount, pack }) => ({ teammates: TEAMMATES.slice(0, teammateCount), packs: [pack] })),
  durationsMs: [
    MINUTE_MS,
    59 * MINUTE_MS,
    61 * MINUTE_MS,
    7 * HOUR_MS,
    9 * HOUR_MS,
    17 * HOUR_MS,
    DAY_MS,
    6 * DAY_MS,
    8 * DAY_MS,
    31 * DAY_MS,
    91 * DAY_MS,
    182 * DAY_MS,
    184 * DAY_MS,
  ],
  extraEvents,
  paceScenarios: googlePaceScenarios,
}

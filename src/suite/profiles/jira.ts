/**
 * How the conformance suite explores Jira (Atlassian 3LO): one or two Jira packs (two sites, so
 * pack-isolation has something to isolate), central or custom apps on Atlassian's fixed policy,
 * the mock's selectable shapes, sometimes a site-admin approval gate, durations around the 1-hour
 * access token, the 10-minute reuse leeway and the 90-day / 365-day refresh-token lifetimes.
 */
import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../clock.ts'
import type { PackSpec, TimelineEvent } from '../../world/types.ts'
import type { PaceScenario, ProviderProfile } from '../profile-types.ts'
import { revokeEvent, secretRotationEvent } from '../timeline-arbitrary.ts'

/** The same cast as the baseline profile (not imported: profiles.ts imports this file). */
const TEAMMATES = ['alice', 'bob', 'carol'] as const

/** Pack ids and the site each is bound to: a second Jira site needs a second pack. */
export const JIRA_PACKS = [
  { id: 'jira', site: 'acme' },
  { id: 'jira-beta', site: 'beta' },
] as const

const jiraOptions: fc.Arbitrary<Record<string, string>> = fc
  .record({
    deployment: fc.constantFrom(undefined, 'cloud'),
    refreshFailureShape: fc.constantFrom(undefined, 'observed', 'documented'),
    clientAuthFailureShape: fc.constantFrom(undefined, undefined, 'invalid_client'),
    tokenType: fc.constantFrom(undefined, 'bearer', 'omitted'),
    accessType: fc.constantFrom(undefined, undefined, 'account-level'),
    refreshTokenEra: fc.constantFrom(undefined, undefined, undefined, 'early-rollout'),
  })
  .map((options) => {
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value
    return out
  })

function jiraPack(which: (typeof JIRA_PACKS)[number]): fc.Arbitrary<PackSpec> {
  return fc
    .record({
      setup: fc.constantFrom('central' as const, 'custom' as const),
      options: jiraOptions,
      approvalRequired: fc.oneof(
        { weight: 3, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map(({ setup, options, approvalRequired }) => ({
      id: which.id,
      provider: 'jira' as const,
      setup,
      instance: which.site,
      // Atlassian's lifetimes are fixed: a custom Jira app carries no policy of its own.
      ...(Object.keys(options).length > 0 ? { options } : {}),
      ...(approvalRequired ? { approvalRequired: true } : {}),
    }))
}

const [FIRST, SECOND] = JIRA_PACKS

const approveApp: fc.Arbitrary<TimelineEvent> = fc.record({
  type: fc.constant('approve_app' as const),
  pack: fc.constantFrom(...JIRA_PACKS.map((p) => p.id)),
})

const SOURCE_LIFETIMES =
  'connectors.md §1, "RT inactivity expiry | 90 days; reset on every successful refresh" and "RT absolute expiry | 365 days from the first grant … not reset by refreshing"'

const centralJira: PackSpec = { id: FIRST.id, provider: 'jira', setup: 'central', instance: FIRST.site }

export const jiraPaceScenarios: readonly PaceScenario[] = [
  {
    name: 'Jira used every 2 days for 800 days: the 365-day absolute cap prompts twice',
    pack: centralJira,
    everyMs: 2 * DAY_MS,
    horizonMs: 800 * DAY_MS,
    expected: { absoluteMs: 365 * DAY_MS, idleMs: 90 * DAY_MS },
    source: SOURCE_LIFETIMES,
  },
  {
    name: 'Jira used every 60 days: refreshing never extends the 365-day cap',
    pack: { ...centralJira, setup: 'custom' },
    everyMs: 60 * DAY_MS,
    horizonMs: 800 * DAY_MS,
    expected: { absoluteMs: 365 * DAY_MS, idleMs: 90 * DAY_MS },
    source: SOURCE_LIFETIMES,
  },
  {
    name: 'Jira used every 91 days: each run finds the grant idle-expired',
    pack: centralJira,
    everyMs: 91 * DAY_MS,
    horizonMs: 400 * DAY_MS,
    expected: { absoluteMs: 365 * DAY_MS, idleMs: 90 * DAY_MS },
    source: SOURCE_LIFETIMES,
  },
  {
    name: 'Jira in the 2021 early rollout: 30-day families despite daily refresh',
    pack: { ...centralJira, options: { refreshTokenEra: 'early-rollout' } },
    everyMs: DAY_MS + HOUR_MS,
    horizonMs: 70 * DAY_MS,
    expected: { absoluteMs: 30 * DAY_MS, idleMs: 90 * DAY_MS },
    source:
      'connectors.md §1, "History quirk | Early rollout issued RTs with a 30-day life; a config bug forced re-consent at day 30 even with daily refresh"',
  },
]

export const jiraProfile: ProviderProfile = {
  provider: 'jira',
  teammates: TEAMMATES,
  packIds: JIRA_PACKS.map((p) => p.id),
  org: fc
    .record({
      teammateCount: fc.integer({ min: 1, max: TEAMMATES.length }),
      twoSites: fc.boolean(),
      first: jiraPack(FIRST),
      second: jiraPack(SECOND),
    })
    .map(({ teammateCount, twoSites, first, second }) => ({
      teammates: TEAMMATES.slice(0, teammateCount),
      packs: twoSites ? [first, second] : [first],
    })),
  durationsMs: [
    MINUTE_MS,
    9 * MINUTE_MS,
    11 * MINUTE_MS,
    59 * MINUTE_MS,
    61 * MINUTE_MS,
    DAY_MS,
    31 * DAY_MS,
    89 * DAY_MS,
    91 * DAY_MS,
    200 * DAY_MS,
    366 * DAY_MS,
  ],
  // Jira grants mostly end by the fixed policy first: extra revocations keep revocation-prompts at 30+
  // checks. Only custom apps have a secret to rotate, and an approval gate holds Connects back: extra
  // secret rotations keep secret-mismatch-is-admin there too.
  extraEvents: [
    { weight: 1, arbitrary: approveApp },
    { weight: 2, arbitrary: revokeEvent(TEAMMATES, FIRST.id) },
    { weight: 3, arbitrary: secretRotationEvent(FIRST.id) },
  ],
  paceScenarios: jiraPaceScenarios,
}

import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../clock.ts'
import type { TokenPolicy } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { RuleId } from '../rules/types.ts'
import type { OrgSpec, PackSpec, TimelineEvent } from '../world/types.ts'
import { databricksProfile } from './profiles/databricks.ts'
import { zendeskProfile } from './profiles/zendesk.ts'
import { jiraProfile } from './profiles/jira.ts'
import { slackProfile } from './profiles/slack.ts'
import { salesforceProfile } from './profiles/salesforce.ts'
import { googleProfile } from './profiles/google.ts'

/**
 * How the conformance suite explores one provider: which orgs and policies it generates, which
 * durations are worth jumping by (around the provider's TTLs), and which events a timeline may hold.
 * Connector work adds a profile per provider here.
 */
export interface ProviderProfile {
  provider: ProviderId
  /** The cast generated timelines draw from; an org uses a prefix of it. */
  teammates: readonly string[]
  packIds: readonly string[]
  org: fc.Arbitrary<OrgSpec>
  durationsMs: readonly number[]
  /** Extra event arbitraries on top of the common ones (faults, concurrency, provider events). */
  extraEvents?: ReadonlyArray<{ weight: number; arbitrary: fc.Arbitrary<TimelineEvent> }>
  /** Scripted horizons for `policy-sets-the-pace`: the prompts a policy implies, restated from connectors.md. */
  paceScenarios?: readonly PaceScenario[]
  /**
   * How to set this provider up with rotating refresh tokens, for the scheduled interleavings of
   * `rotation-is-durable` (src/suite/interleavings.ts). Absent: the provider never rotates, or its
   * profile does not say how; the exploration then skips rotation-is-durable for it.
   */
  rotating?: RotatingSetup
  /**
   * Rules that apply to the provider in general but can never arise in its world, with the reason
   * (e.g. Slack refresh tokens have no lifetime, so no policy ever ends a grant). Reported as `skip`
   * with that reason, never as a pass.
   */
  notApplicable?: Partial<Record<RuleId, string>>
}

/** A rotating setup of one provider, for exploring concurrent refreshes, restarts and lost answers. */
export interface RotatingSetup {
  /** Orgs of 1-3 teammates whose single pack rotates refresh tokens (the source's default or a custom app's policy). */
  org: fc.Arbitrary<OrgSpec>
  /**
   * Clock jumps that make a refresh due (the access token inside the manager's refresh margin, or
   * expired; for a source without expires_in, past the session's end) while the grant stays alive.
   */
  refreshDueMs: readonly number[]
}

/**
 * One teammate runs every `everyMs` for `horizonMs` and clicks Connect whenever prompted. The number
 * of prompts must equal what the policy implies, computed by the rule from `expected` alone (not from
 * the mock), so a mock and a manager that agree on a wrong lifetime are still caught.
 * Choose `everyMs` longer than the access-token lifetime (every run refreshes) and away from exact
 * TTL multiples (no ties at the boundary).
 */
export interface PaceScenario {
  name: string
  /** The pack (its id must be one of the profile's packIds); usually custom with the policy under test. */
  pack: PackSpec
  everyMs: number
  horizonMs: number
  /** The refresh-token lifetime as the source documents it: from the grant (absolute) and since last use (idle). */
  expected: { absoluteMs: number | null; idleMs: number | null }
  /** connectors.md section and row. */
  source: string
}

export const CAST = ['alice', 'bob', 'carol'] as const

const optionalTtl = (values: readonly (number | null)[]) => fc.constantFrom(...values)

/** Random baseline policies: every combination the RFC allows, TTLs chosen to collide with the timeline's jumps. */
export const baselinePolicy: fc.Arbitrary<Partial<TokenPolicy>> = fc
  .record({
    accessTokenTtlMs: optionalTtl([5 * MINUTE_MS, HOUR_MS, 12 * HOUR_MS, null]),
    refreshIdleTtlMs: optionalTtl([null, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS]),
    refreshAbsoluteTtlMs: optionalTtl([null, 7 * DAY_MS, 30 * DAY_MS, 365 * DAY_MS]),
    rotation: fc.boolean(),
    reuseLeewayMs: fc.constantFrom(0, 3000, 10 * MINUTE_MS),
    reuseAfterLeeway: fc.constantFrom('reject' as const, 'revoke_family' as const),
    secretRotationEndsGrants: fc.boolean(),
  })
  .map((p) => {
    // A refresh token that dies before the access token it refreshes makes no sense; sources refuse it.
    const at = p.accessTokenTtlMs ?? 0
    return {
      ...p,
      refreshIdleTtlMs: p.refreshIdleTtlMs !== null && p.refreshIdleTtlMs < at ? at : p.refreshIdleTtlMs,
      refreshAbsoluteTtlMs:
        p.refreshAbsoluteTtlMs !== null && p.refreshAbsoluteTtlMs < at ? at : p.refreshAbsoluteTtlMs,
    }
  })

const baselineProfile: ProviderProfile = {
  provider: 'baseline',
  teammates: CAST,
  packIds: ['baseline'],
  org: fc
    .record({
      teammateCount: fc.integer({ min: 1, max: CAST.length }),
      setup: fc.constantFrom('custom' as const, 'central' as const),
      policy: baselinePolicy,
    })
    .map(({ teammateCount, setup, policy }) => ({
      teammates: CAST.slice(0, teammateCount),
      packs: [
        { id: 'baseline', provider: 'baseline' as const, setup, ...(setup === 'custom' ? { policy } : {}) },
      ],
    })),
  durationsMs: [
    MINUTE_MS,
    10 * MINUTE_MS,
    59 * MINUTE_MS,
    61 * MINUTE_MS,
    13 * HOUR_MS,
    DAY_MS,
    8 * DAY_MS,
    31 * DAY_MS,
    91 * DAY_MS,
    200 * DAY_MS,
  ],
}

/** The baseline with rotation on: every leeway (none, 3 s, Atlassian's 10 min) and both reuse reactions. */
const baselineRotating: RotatingSetup = {
  org: fc
    .record({
      teammateCount: fc.integer({ min: 1, max: 2 }),
      accessTokenTtlMs: fc.constantFrom(5 * MINUTE_MS, HOUR_MS),
      reuseLeewayMs: fc.constantFrom(0, 3000, 10 * MINUTE_MS),
      reuseAfterLeeway: fc.constantFrom('reject' as const, 'revoke_family' as const),
    })
    .map(({ teammateCount, ...policy }) => ({
      teammates: CAST.slice(0, teammateCount),
      packs: [
        {
          id: 'baseline',
          provider: 'baseline' as const,
          setup: 'custom' as const,
          policy: { ...policy, rotation: true, refreshIdleTtlMs: 30 * DAY_MS, refreshAbsoluteTtlMs: null },
        },
      ],
    })),
  refreshDueMs: [4 * MINUTE_MS, HOUR_MS + MINUTE_MS],
}
baselineProfile.rotating = baselineRotating

/**
 * Manager/source clock skew, both directions, up to 8 minutes (past the reference's 5-minute refresh
 * margin, so arithmetic that mixes the two clocks shows: connectors.md root cause 10). Two orgs in
 * five have none, so skew-free behaviour stays well explored; shrinking goes towards no skew.
 */
export const CLOCK_SKEWS_MS = [30_000, 2 * MINUTE_MS, 5 * MINUTE_MS, 8 * MINUTE_MS].flatMap((ms) => [-ms, ms])

export const clockSkew: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constantFrom(...CLOCK_SKEWS_MS) },
)

/** The profile with clock skew drawn for every generated org (and every rotating setup). */
export function withClockSkew(profile: ProviderProfile): ProviderProfile {
  const skewed = (org: fc.Arbitrary<OrgSpec>) =>
    fc
      .tuple(org, clockSkew)
      .map(([o, skew]): OrgSpec => (skew === 0 ? o : { ...o, managerClockSkewMs: skew }))
  return {
    ...profile,
    org: skewed(profile.org),
    ...(profile.rotating ? { rotating: { ...profile.rotating, org: skewed(profile.rotating.org) } } : {}),
  }
}

const profiles = new Map<ProviderId, ProviderProfile>([['baseline', withClockSkew(baselineProfile)]])
profiles.set('zendesk', withClockSkew(zendeskProfile))
profiles.set('databricks', withClockSkew(databricksProfile))
profiles.set('jira', withClockSkew(jiraProfile))
profiles.set('slack', withClockSkew(slackProfile))
profiles.set('salesforce', withClockSkew(salesforceProfile))
profiles.set('google', withClockSkew(googleProfile))

export function registerProfile(profile: ProviderProfile): void {
  profiles.set(profile.provider, profile)
}

export function profileFor(provider: ProviderId): ProviderProfile | undefined {
  return profiles.get(provider)
}

export function profiledProviders(): ProviderId[] {
  return [...profiles.keys()]
}

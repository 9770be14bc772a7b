/**
 * How the conformance suite explores Slack: custom apps only (a central Slack pack is refused when
 * the pack is defined), token rotation on or off, the UNCONFIRMED reuse semantics of a rotated-out
 * refresh token, sometimes "Require App Approval", and durations around the 12-hour rotating access
 * token. Slack has no refresh-token lifetime, so there is no pace scenario.
 *
 * The `concurrentRefresh: 'divergent'` option is left out on purpose: it only matters when two
 * processes refresh the same token at once, which the generated timelines (one manager instance) never
 * do; scenarios that run several instances should opt into it explicitly.
 */
import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../clock.ts'
import type { PackSpec, TimelineEvent } from '../../world/types.ts'
import type { ProviderProfile } from '../profile-types.ts'

/** The same cast as the baseline profile (not imported: profiles.ts imports this file). */
const TEAMMATES = ['alice', 'bob', 'carol'] as const

export const SLACK_PACK_ID = 'slack'

const slackPack: fc.Arbitrary<PackSpec> = fc
  .record({
    tokenRotation: fc.boolean(),
    revokesFamily: fc.oneof(
      { weight: 3, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    approvalRequired: fc.oneof(
      { weight: 3, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(({ tokenRotation, revokesFamily, approvalRequired }) => ({
    id: SLACK_PACK_ID,
    provider: 'slack' as const,
    // Slack actions use custom OAuth only.
    setup: 'custom' as const,
    instance: 'acme',
    options: {
      tokenRotation,
      ...(tokenRotation && revokesFamily ? { oldRefreshToken: 'revokes-family' } : {}),
    },
    ...(approvalRequired ? { approvalRequired: true } : {}),
  }))

const approveApp: fc.Arbitrary<TimelineEvent> = fc.constant({ type: 'approve_app', pack: SLACK_PACK_ID })

export const slackProfile: ProviderProfile = {
  provider: 'slack',
  teammates: TEAMMATES,
  packIds: [SLACK_PACK_ID],
  org: fc
    .record({ teammateCount: fc.integer({ min: 1, max: TEAMMATES.length }), pack: slackPack })
    .map(({ teammateCount, pack }) => ({ teammates: TEAMMATES.slice(0, teammateCount), packs: [pack] })),
  durationsMs: [
    MINUTE_MS,
    HOUR_MS,
    11 * HOUR_MS,
    12 * HOUR_MS + MINUTE_MS,
    13 * HOUR_MS,
    DAY_MS,
    30 * DAY_MS,
    200 * DAY_MS,
  ],
  extraEvents: [{ weight: 1, arbitrary: approveApp }],
  notApplicable: {
    'expiry-prompts-once':
      "Slack refresh tokens have no documented lifetime and are not consumed by sitting idle (connectors.md §2, 'RT lifetime'), so no policy ever ends a Slack grant",
  },
}

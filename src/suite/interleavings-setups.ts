/**
 * How each connector rotates refresh tokens, for the scheduled interleavings: each connector record
 * (src/connectors/<provider>/) names its setup here, or null. Each setup is the connector's rotating
 * configuration from connectors.md, with every reuse reaction its mock models.
 */
import fc from 'fast-check'
import { HOUR_MS, MINUTE_MS } from '../clock.ts'
import type { OrgSpec, PackSpec } from '../world/types.ts'
import type { ProviderProfile, RotatingSetup } from './profile-types.ts'

const CAST = ['alice', 'bob'] as const

function orgsOf(pack: fc.Arbitrary<PackSpec>): fc.Arbitrary<OrgSpec> {
  return fc
    .record({ teammateCount: fc.integer({ min: 1, max: CAST.length }), pack })
    .map(({ teammateCount, pack }) => ({ teammates: CAST.slice(0, teammateCount), packs: [pack] }))
}

export const ROTATING_SETUPS = {
  /** Atlassian: always rotating, 10-minute reuse leeway, reuse after it ends the family; 1 h access tokens. */
  jira: {
    org: orgsOf(fc.constant({ id: 'jira', provider: 'jira', setup: 'central', instance: 'acme' })),
    refreshDueMs: [56 * MINUTE_MS, HOUR_MS + MINUTE_MS],
  },
  /** Slack with token rotation: 12 h access tokens; a rotated-out token is refused, or ends the family. */
  slack: {
    org: orgsOf(
      fc.constantFrom<'rejected' | 'revokes-family'>('rejected', 'revokes-family').map(
        (oldRefreshToken): PackSpec => ({
          id: 'slack',
          provider: 'slack',
          setup: 'custom',
          instance: 'acme',
          options: { tokenRotation: true, oldRefreshToken },
        }),
      ),
    ),
    refreshDueMs: [11 * HOUR_MS + 56 * MINUTE_MS, 12 * HOUR_MS + MINUTE_MS],
  },
  /** Zendesk enforced clients (expiring tokens): 30 min access tokens, each refresh rotates both tokens. */
  zendesk: {
    org: orgsOf(
      fc.constant({
        id: 'zendesk',
        provider: 'zendesk',
        setup: 'central',
        instance: 'acme',
        options: { tokens: 'expiring' },
      }),
    ),
    refreshDueMs: [26 * MINUTE_MS, 31 * MINUTE_MS],
  },
  /** Salesforce with Refresh Token Rotation: no expires_in, the session (2 h) ends the access token. */
  salesforce: {
    org: orgsOf(
      fc.constant({
        id: 'salesforce',
        provider: 'salesforce',
        setup: 'custom',
        instance: 'acme',
        options: { rtr: true },
      }),
    ),
    refreshDueMs: [2 * HOUR_MS + MINUTE_MS],
  },
  /** Databricks single-use refresh tokens: 1 h access tokens; a rotated-out token is refused or ends the family. */
  databricks: {
    org: orgsOf(
      fc.constantFrom<'reject' | 'revoke_family'>('reject', 'revoke_family').map(
        (rotatedRefreshTokenReuse): PackSpec => ({
          id: 'databricks',
          provider: 'databricks',
          setup: 'central',
          instance: 'dbc-1234',
          options: { singleUseRefreshTokens: true, rotatedRefreshTokenReuse },
        }),
      ),
    ),
    refreshDueMs: [56 * MINUTE_MS, HOUR_MS + MINUTE_MS],
  },
} satisfies Record<string, RotatingSetup>

/** The profile's rotating setup: its connector record's (src/connectors/), which uses the ones above. */
export function rotatingSetupOf(profile: ProviderProfile): RotatingSetup | undefined {
  return profile.rotating
}

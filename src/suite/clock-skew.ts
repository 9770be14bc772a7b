import fc from 'fast-check'
import { MINUTE_MS } from '../clock.ts'
import type { OrgSpec } from '../world/types.ts'
import type { ProviderProfile } from './profile-types.ts'

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

/**
 * The profile with clock skew drawn for every generated org (and every rotating setup). The registry
 * applies it once per connector (src/connectors/registry.ts), so a provider's suite profile keeps one
 * identity without a cache of its own.
 */
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

import fc from 'fast-check'
import { MINUTE_MS } from '../clock.ts'
import { connector, connectorIds } from '../connectors/registry.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { OrgSpec } from '../world/types.ts'
import type { ProviderProfile } from './profile-types.ts'

export type { PaceScenario, ProviderProfile, RotatingSetup } from './profile-types.ts'
export { baselinePolicy, CAST } from './profiles/baseline.ts'

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

/** One skewed profile per connector profile, so a provider's profile keeps one identity. */
const skewedProfiles = new WeakMap<ProviderProfile, ProviderProfile>()

/**
 * The suite profile of a provider, as its connector record (src/connectors/registry.ts) composes it
 * (the record's pace scenarios and rotating setup are the ones the suite uses), with clock skew drawn
 * for every generated org.
 */
export function profileFor(provider: ProviderId): ProviderProfile | undefined {
  if (!connectorIds().includes(provider)) return undefined
  const base = connector(provider).suiteProfile
  let skewed = skewedProfiles.get(base)
  if (!skewed) {
    skewed = withClockSkew(base)
    skewedProfiles.set(base, skewed)
  }
  return skewed
}

export function profiledProviders(): ProviderId[] {
  return connectorIds()
}

import { connector, connectorIds } from '../connectors/registry.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { ProviderProfile } from './profile-types.ts'

export { CLOCK_SKEWS_MS, clockSkew, withClockSkew } from './clock-skew.ts'
export type { PaceScenario, ProviderProfile, RotatingSetup } from './profile-types.ts'
export { baselinePolicy, CAST } from './profiles/baseline.ts'

/**
 * The suite profile of a provider, as its connector record (src/connectors/registry.ts) composes it
 * (the record's pace scenarios and rotating setup are the ones the suite uses), with clock skew drawn
 * for every generated org (`withClockSkew`, applied once by the registry).
 */
export function profileFor(provider: ProviderId): ProviderProfile | undefined {
  if (!connectorIds().includes(provider)) return undefined
  return connector(provider).suiteProfile
}

export function profiledProviders(): ProviderId[] {
  return connectorIds()
}

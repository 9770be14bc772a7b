import type { ProviderId } from '../manager/contract.ts'
import { connector, connectorIds } from '../connectors/registry.ts'
import type { ProviderProfile } from './profile-types.ts'

export type { PaceScenario, ProviderProfile, RotatingSetup } from './profile-types.ts'
export { baselinePolicy, CAST } from './profiles/baseline.ts'

/**
 * The suite profile of a provider, as its connector record (src/connectors/registry.ts) composes it:
 * the record's pace scenarios and rotating setup are the ones the suite uses.
 */
export function profileFor(provider: ProviderId): ProviderProfile | undefined {
  return connectorIds().includes(provider) ? connector(provider).suiteProfile : undefined
}

export function profiledProviders(): ProviderId[] {
  return connectorIds()
}

/**
 * The server-side mock of each provider: the `mock.create` of its connector record
 * (src/connectors/registry.ts).
 */
import { connector, connectorIds } from '../connectors/registry.ts'
import type { MockFactory } from '../connectors/types.ts'
import type { ProviderId } from '../manager/contract.ts'

export type { MockFactoryInput } from '../../mocks/factory-input.ts'
export { APP_APPROVAL_KEY } from '../../mocks/factory-input.ts'
export type { MockFactory } from '../connectors/types.ts'

export function mockFactoryFor(provider: ProviderId): MockFactory {
  return connector(provider).mock.create
}

export function providersWithMocks(): ProviderId[] {
  return connectorIds()
}

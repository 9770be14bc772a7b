import { createBaselineMock } from '../../mocks/spec/index.ts'
import { createZendeskMockFromInput } from '../../mocks/zendesk/index.ts'
import { createDatabricksMockFromInput } from '../../mocks/databricks/index.ts'
import { createJiraMockFromInput } from '../../mocks/jira/index.ts'
import { createSlackMockFromInput } from '../../mocks/slack/index.ts'
import { createSalesforceMockFromInput } from '../../mocks/salesforce/index.ts'
import { createGoogleMockFromInput } from '../../mocks/google/index.ts'
import type { MockFactoryInput } from '../../mocks/factory-input.ts'
import type { MockProvider } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import { LabError } from '../errors.ts'

export type { MockFactoryInput } from '../../mocks/factory-input.ts'
export { APP_APPROVAL_KEY } from '../../mocks/factory-input.ts'

export type MockFactory = (input: MockFactoryInput) => MockProvider

/** Server-side mock per provider. Connector mocks register here as they land. */
const factories: Partial<Record<ProviderId, MockFactory>> = {
  baseline: (input) => createBaselineMock(input),
  zendesk: (input) => createZendeskMockFromInput(input),
  databricks: (input) => createDatabricksMockFromInput(input),
  jira: (input) => createJiraMockFromInput(input),
  slack: (input) => createSlackMockFromInput(input),
  salesforce: (input) => createSalesforceMockFromInput(input),
  google: (input) => createGoogleMockFromInput(input),
}

export function registerMockFactory(provider: ProviderId, factory: MockFactory): void {
  factories[provider] = factory
}

export function mockFactoryFor(provider: ProviderId): MockFactory {
  const factory = factories[provider]
  if (!factory) throw new LabError('UNKNOWN_PROVIDER', `no mock is registered for provider "${provider}"`)
  return factory
}

export function providersWithMocks(): ProviderId[] {
  return Object.keys(factories) as ProviderId[]
}

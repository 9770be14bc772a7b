import type { Clock } from '../clock.ts'
import type { IdSource } from '../ids.ts'
import { createBaselineMock } from '../../mocks/spec/index.ts'
import { createZendeskMockFromInput } from '../../mocks/zendesk/index.ts'
import { createDatabricksMockFromInput } from '../../mocks/databricks/index.ts'
import { createJiraMockFromInput } from '../../mocks/jira/index.ts'
import { createSlackMockFromInput } from '../../mocks/slack/index.ts'
import { createSalesforceMockFromInput } from '../../mocks/salesforce/index.ts'
import { createGoogleMockFromInput } from '../../mocks/google/index.ts'
import type { MockProvider, MockRuntimeOptions, TokenPolicy } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import { LabError } from './errors.ts'

export interface MockFactoryInput {
  clock: Clock
  ids: IdSource
  issuer: string
  policy?: Partial<TokenPolicy>
  /** The pack's instance (Jira site, Salesforce org, Zendesk subdomain, Databricks workspace). */
  instance?: string
  /** Provider-specific pack options (e.g. Zendesk `tokens: 'legacy' | 'expiring'`), validated by the factory. */
  options?: Record<string, string | number | boolean>
  /**
   * The source gates consent on an admin's approval (Jira site admin, Salesforce app install, Slack app
   * approval). The mock blocks Connect in its own dialect until `control.approve(APP_APPROVAL_KEY)`.
   */
  approvalRequired?: boolean
  /** How the mock runs (serve: RS256 signing, request-log size, default login); scenarios leave it unset. */
  runtime?: MockRuntimeOptions
}

/** The approval key a provider mock's consent gate checks when `approvalRequired` is set. */
export const APP_APPROVAL_KEY = 'app'

export type MockFactory = (input: MockFactoryInput) => MockProvider

/** Server-side mock per provider. Connector mocks register here as they land. */
const factories: Partial<Record<ProviderId, MockFactory>> = {
  baseline: (input) => createBaselineMock({ ...input, ...input.runtime }),
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

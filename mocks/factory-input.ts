/**
 * What the world hands a provider mock's factory. It lives in mocks/ (not in src/world) so that mocks
 * import nothing from src/ but the clock and the ids: the world imports mocks, never the reverse.
 */
import type { Clock } from '../src/clock.ts'
import type { IdSource } from '../src/ids.ts'
import type { MockRuntimeOptions, TokenPolicy } from './types.ts'

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

/**
 * The login of the admin service user the search-indexing connector connects as. The Salesforce mock
 * lets this user hold grants beyond the per-user approval limit (it is the indexing app's own user).
 */
export const INDEXING_USER = 'indexing-service'

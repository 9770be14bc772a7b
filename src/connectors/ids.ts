/**
 * The connector ids, in registry order: the one list of providers. `ProviderId` is derived from it,
 * and the registry (registry.ts) must hold a record for every id (a full Record keyed by ProviderId),
 * so an id without a record, or a record without an id here, fails the typecheck.
 *
 * A leaf module on purpose: the adapter contract (src/manager/contract.ts) names ProviderId, and the
 * connector records import the contract, so the list cannot live in registry.ts without an import cycle.
 */
export const CONNECTOR_IDS = [
  'baseline',
  'jira',
  'slack',
  'salesforce',
  'google',
  'zendesk',
  'databricks',
] as const

export type ProviderId = (typeof CONNECTOR_IDS)[number]

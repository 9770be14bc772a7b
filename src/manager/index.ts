/** The token-manager side of reconnect-lab: the adapter contract and the reference implementation. */
export * from './contract.ts'
export {
  accessTokenExpired,
  backoffDelayMs,
  mergeTokenResponse,
  needsRefresh,
  outcomeForApiClass,
  outcomeForFailure,
  type RetryOptions,
} from './decisions.ts'
export { createMemoryCredentialStore } from './memory-store.ts'
export {
  createManager,
  createReferenceManager,
  credentialKey,
  DEFAULT_REFRESH_MARGIN_MS,
  DEFAULT_RETRY_OPTIONS,
  type ManagerParts,
  REFERENCE_PARTS,
  type ReferenceManagerOptions,
} from './reference-manager.ts'
export { createSingleFlight, type SingleFlight } from './single-flight.ts'

/**
 * The client side of each provider, as the manager reaches it: `providerClient(id)` is the `client`
 * of the provider's connector record (src/connectors/registry.ts). A connector's dialect is usually
 * `extendBaseline('<id>', { ...its deviations })`; nothing else in the manager changes, because the
 * manager only ever reaches a provider through `providerClient`.
 */
import { connector, connectorIds } from '../connectors/registry.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { ProviderClient } from './types.ts'

export type * from './types.ts'
export {
  baselineClient,
  baselineEndpoints,
  classifyBaselineApiResult,
  classifyBaselineCallbackError,
  classifyBaselineTokenFailure,
  extendBaseline,
  parseBaselineCallback,
  parseBaselineTokenSuccess,
} from './baseline.ts'
export {
  basicAuthorization,
  bearerChallengeParam,
  decodeResponseBody,
  describeNetworkError,
  headersToRecord,
  headerValue,
  oauthErrorCode,
  parseRetryAfterMs,
  safeErrorCode,
} from './wire.ts'

export function providerClient(id: ProviderId): ProviderClient {
  return connector(id).client
}

/** Provider ids that have a client today (for CLIs and scenario validation). */
export function supportedProviderIds(): ProviderId[] {
  return connectorIds()
}

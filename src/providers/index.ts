/**
 * The client-side provider registry. A connector joins by adding its ProviderClient to
 * PROVIDER_CLIENTS (usually `extendBaseline('<id>', { ...its deviations })`); nothing else in the
 * manager changes, because the manager only ever reaches a provider through `providerClient`.
 */
import { LabError } from '../errors.ts'
import type { ProviderId } from '../manager/contract.ts'
import { baselineClient } from './baseline.ts'
import { databricksClient } from './databricks.ts'
import { zendeskClient } from './zendesk.ts'
import { jiraClient } from './jira.ts'
import { slackClient } from './slack.ts'
import { salesforceClient } from './salesforce.ts'
import { googleClient } from './google.ts'
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

const PROVIDER_CLIENTS: Partial<Record<ProviderId, ProviderClient>> = {
  baseline: baselineClient,
  zendesk: zendeskClient,
  databricks: databricksClient,
  jira: jiraClient,
  slack: slackClient,
  salesforce: salesforceClient,
  google: googleClient,
}

export function providerClient(id: ProviderId): ProviderClient {
  const client = PROVIDER_CLIENTS[id]
  if (client === undefined)
    throw new LabError('UNKNOWN_PROVIDER', `no client-side provider implementation for "${id}"`)
  return client
}

/** Provider ids that have a client today (for CLIs and scenario validation). */
export function supportedProviderIds(): ProviderId[] {
  return Object.keys(PROVIDER_CLIENTS) as ProviderId[]
}

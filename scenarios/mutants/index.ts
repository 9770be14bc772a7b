/** The shipped known-bug managers, in the order selfcheck reports them. See mutant.ts. */
import { mutant as atlassianAccessDenied } from './atlassian-access-denied-sends-to-consent.ts'
import { mutant as databricksInvalidRequest } from './databricks-invalid-request-retried.ts'
import { mutant as expiryUnknown } from './expiry-unknown-never-refreshes.ts'
import { mutant as invalidClient } from './invalid-client-sends-to-connect.ts'
import { mutant as invalidGrantAsError } from './invalid-grant-shown-as-error.ts'
import type { MutantDefinition } from './mutant.ts'
import { mutant as refreshNotImplemented } from './refresh-not-implemented.ts'
import { mutant as refreshTokenDropped } from './refresh-token-dropped-when-omitted.ts'
import { mutant as resetClearsEveryone } from './reset-clears-everyone.ts'
import { mutant as rotatedNotPersisted } from './rotated-refresh-token-not-persisted.ts'
import { mutant as serverErrorAsRevoked } from './server-error-read-as-revoked.ts'
import { mutant as slackOkFalse } from './slack-ok-false-read-as-success.ts'
import { mutant as staleCache } from './stale-cache-survives-reset.ts'
import { mutant as tokenAcrossPacks } from './token-shared-across-packs.ts'

export type { MutantDefinition } from './mutant.ts'

export const MUTANTS: readonly MutantDefinition[] = [
  rotatedNotPersisted,
  serverErrorAsRevoked,
  invalidClient,
  resetClearsEveryone,
  refreshTokenDropped,
  refreshNotImplemented,
  invalidGrantAsError,
  tokenAcrossPacks,
  staleCache,
  expiryUnknown,
  slackOkFalse,
  atlassianAccessDenied,
  databricksInvalidRequest,
]

/** Typed errors with stable codes, so the CLI can turn user mistakes into one clear line. */
export type LabErrorCode =
  | 'UNKNOWN_TEAMMATE'
  | 'UNKNOWN_PACK'
  | 'UNSUPPORTED_SETUP'
  | 'INVALID_ORG'
  | 'INVALID_EVENT'
  | 'UNKNOWN_PROVIDER'
  | 'UNKNOWN_RULE'
  | 'USAGE'
  | 'SCENARIO_INVALID'
  | 'MANAGER_LOAD'
  | 'MANAGER_CALL'
  | 'BASELINE_INVALID'

export class LabError extends Error {
  override readonly name = 'LabError'
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message)
  }
}

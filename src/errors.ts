/**
 * The one error type of reconnect-lab: every error the harness, the reference manager or the CLI
 * throws is a `LabError` whose `code` comes from `LabErrorCode`. Codes are UPPER_SNAKE and stable:
 * tests, callers and the CLI match on the code, never on the message or the class.
 *
 * mocks/ keeps its own error classes (ControlError, PolicyError, PackOptionError, FaultInputError):
 * they belong to the provider side, which imports nothing from src/ but the clock and ids, and they
 * end as the mock's own answers (the /_lab routes' 4xx JSON, a factory refusing its options).
 */
export type LabErrorCode =
  // The user's input: a scenario, an org, a flag, a baseline file. The CLI exits 2.
  | 'USAGE'
  | 'UNKNOWN_TEAMMATE'
  | 'UNKNOWN_PACK'
  | 'UNKNOWN_PROVIDER'
  | 'UNKNOWN_RULE'
  | 'UNSUPPORTED_SETUP'
  | 'INVALID_ORG'
  | 'INVALID_EVENT'
  | 'SCENARIO_INVALID'
  | 'BASELINE_INVALID'
  | 'MANAGER_LOAD'
  | 'MANAGER_CALL'
  // The reference manager's setup and programming errors (not outcomes).
  | 'INVALID_OPTIONS'
  | 'INVALID_PACKS'
  | 'STORE_CONTENTION'
  // Inside a run: a user's manager misbehaving in one call, an injected store outage, a rule broken.
  // The world and the suite catch these and turn them into step results and verdicts; one that
  // reaches the CLI is a bug of reconnect-lab (exit 3).
  | 'MANAGER_MISBEHAVED'
  | 'STORE_UNAVAILABLE'
  | 'RULE_VIOLATED'
  // Code under test called process.exit (src/cli/isolation.ts); it becomes a load or manager error.
  | 'PROCESS_EXIT_CALLED'
  // Planning a run probes each standalone check (src/suite/workers/plan.ts); never leaves the planner.
  | 'PLAN_PROBE'

/** How the CLI ends when an error with this code reaches it: 2 a user error, 3 an internal error. */
const EXIT_CODE_BY_ERROR: Readonly<Record<LabErrorCode, 2 | 3>> = {
  USAGE: 2,
  UNKNOWN_TEAMMATE: 2,
  UNKNOWN_PACK: 2,
  UNKNOWN_PROVIDER: 2,
  UNKNOWN_RULE: 2,
  UNSUPPORTED_SETUP: 2,
  INVALID_ORG: 2,
  INVALID_EVENT: 2,
  SCENARIO_INVALID: 2,
  BASELINE_INVALID: 2,
  MANAGER_LOAD: 2,
  MANAGER_CALL: 2,
  INVALID_OPTIONS: 2,
  INVALID_PACKS: 2,
  STORE_CONTENTION: 3,
  MANAGER_MISBEHAVED: 3,
  STORE_UNAVAILABLE: 3,
  RULE_VIOLATED: 3,
  PLAN_PROBE: 3,
  PROCESS_EXIT_CALLED: 3,
}

export class LabError extends Error {
  // A subclass that carries a payload may name itself (it shows in messages); the code is what callers match.
  override readonly name: string = 'LabError'
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export function isLabError(error: unknown, code?: LabErrorCode): error is LabError {
  return error instanceof LabError && (code === undefined || error.code === code)
}

/**
 * The CLI's exit code for an error that reached it (0 pass and 1 rule failed are results, not
 * errors): 2 for the user's mistake, printed as one line; 3 for reconnect-lab's own bug.
 */
export function exitCodeForError(error: unknown): 2 | 3 {
  return error instanceof LabError ? EXIT_CODE_BY_ERROR[error.code] : 3
}

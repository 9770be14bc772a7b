/** What a CLI command may touch, injected so the commands run in tests without a child process. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** Whether stderr is a terminal (progress redraws in place) and colours are wanted on stdout. */
  stderrIsTTY: boolean
  colors: boolean
  cwd: string
  /** Real elapsed ms since the command started (progress and timing only; never affects results). */
  elapsedMs(): number
  /** A seed for when the user gave none (the CLI draws it from entropy and prints it). */
  freshSeed(): number
  /** Resolves when the user asks a long-running command (serve) to stop, e.g. on Ctrl-C. */
  untilInterrupted?(): Promise<void>
}

/**
 * Exit codes: 0 all rules pass, 1 a rule failed, 2 usage or input error, 3 internal error (main.ts).
 * Which LabError codes are the user's (2) is src/errors.ts's `exitCodeForError`.
 */
export const EXIT_OK = 0
export const EXIT_RULE_FAILED = 1
export const EXIT_USAGE = 2

/**
 * Guards the CLI process against the code it loads (`--manager` modules run in this process).
 *
 * A module that calls `process.exit(0)` at load, in its factory or in a call, that leaves a promise
 * rejection unhandled or throws from a timer, must never turn a run into a pass. While a command
 * runs:
 * - `process.exit` throws a ProcessExitCalled instead of exiting: at load it becomes a load error
 *   (exit 2), inside a call a manager error for that step (a failed rule). The attempt is recorded
 *   too, so a module that swallows the throw still cannot pass.
 * - unhandled rejections and uncaught exceptions are recorded instead of killing the process.
 * - if the process ends anyway before the command finished (the event loop drained, a bypass of
 *   process.exit), the exit code is forced to 3 with a message saying so.
 * `finish(code)` restores process.exit and returns the exit code raised to at least 1 when anything
 * was recorded, after printing each problem (redacted).
 */
import { redactSecrets } from '../redact.ts'
import { EXIT_RULE_FAILED } from './io.ts'

/** Thrown by the trapped `process.exit`: the code under test tried to end the harness. */
export class ProcessExitCalled extends Error {
  override readonly name = 'ProcessExitCalled'
  constructor(readonly code: number | string | null | undefined) {
    super(
      `process.exit(${code ?? ''}) was called by code under test; reconnect-lab does not let a manager end the run`,
    )
  }
}

export interface Isolation {
  /** The command returned `code`: restore process.exit and return the code to exit with. */
  finish(code: number): number
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export function isolateProcess(proc: NodeJS.Process, write: (text: string) => void): Isolation {
  const problems: string[] = []
  let finished = false
  const originalExit = proc.exit
  const trapped = (code?: number | string | null): never => {
    problems.push(`process.exit(${code ?? ''}) was called while the command ran`)
    throw new ProcessExitCalled(code)
  }
  proc.exit = trapped as typeof proc.exit
  const onRejection = (reason: unknown) => {
    problems.push(`an unhandled promise rejection: ${describe(reason)}`)
  }
  const onException = (error: unknown) => {
    problems.push(`an uncaught exception: ${describe(error)}`)
  }
  proc.on('unhandledRejection', onRejection)
  proc.on('uncaughtException', onException)
  let reported = 0
  proc.on('exit', () => {
    if (finished) {
      // Something went wrong after the command returned (a late rejection): still never a pass.
      if (problems.length > reported) {
        for (const p of problems.slice(reported))
          write(`reconnect-lab: after the command: ${redactSecrets(p)}\n`)
        proc.exitCode = Math.max(Number(proc.exitCode ?? 0), EXIT_RULE_FAILED)
      }
      return
    }
    write(
      'reconnect-lab: the process ended before the command finished (the code under test stopped it, or left nothing running); no result\n',
    )
    for (const p of problems) write(`  ${redactSecrets(p)}\n`)
    proc.exitCode = 3
  })

  return {
    finish(code) {
      finished = true
      proc.exit = originalExit
      reported = problems.length
      if (problems.length === 0) return code
      write(
        `reconnect-lab: the run cannot pass: code under test did what a manager must not (${problems.length} time${problems.length === 1 ? '' : 's'}):\n`,
      )
      for (const p of problems.slice(0, 10)) write(`  ${redactSecrets(p)}\n`)
      return Math.max(code, EXIT_RULE_FAILED)
    },
  }
}

/**
 * The only module that touches `process`: argv in, exit code out. Everything else is a function of
 * injected IO, so the CLI is tested in-process.
 */
import { randomInt } from 'node:crypto'
import { startStopwatch } from '../clock.ts'
import { redactSecrets } from '../redact.ts'
import type { CliIo } from './io.ts'
import { isolateProcess } from './isolation.ts'
import { runCli } from './program.ts'

const elapsed = startStopwatch()
const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  colors: process.stdout.isTTY === true && !process.env['NO_COLOR'],
  cwd: process.cwd(),
  elapsedMs: elapsed,
  freshSeed: () => randomInt(-(2 ** 31), 2 ** 31 - 1),
  untilInterrupted: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    }),
}

// Manager modules load into this process: they must not be able to end it, or end it as a pass.
const isolation = isolateProcess(process, (text) => process.stderr.write(text))
try {
  process.exitCode = isolation.finish(await runCli(process.argv.slice(2), io))
} catch (error) {
  // A bug in reconnect-lab itself: say so plainly, keep the stack (it is ours, not the user's), hide secrets.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  process.stderr.write(
    `reconnect-lab: internal error, please report it with the command you ran:\n${redactSecrets(detail)}\n`,
  )
  isolation.finish(3)
  process.exitCode = 3
}

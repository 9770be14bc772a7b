import type { CliIo } from '../io.ts'

export type CapturedIo = CliIo & { stdout: string; stderr: string }

/** A CliIo for tests: collects stdout and stderr, no terminal, no colours, a fixed fresh seed. */
export function captureIo(cwd: string, freshSeed = 1234): CapturedIo {
  const io: CapturedIo = {
    stdout: '',
    stderr: '',
    out(text) {
      io.stdout += text
    },
    err(text) {
      io.stderr += text
    },
    stderrIsTTY: false,
    colors: false,
    cwd,
    elapsedMs: () => 0,
    freshSeed: () => freshSeed,
  }
  return io
}

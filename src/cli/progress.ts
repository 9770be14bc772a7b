import type { ProgressEvent } from '../suite/conformance.ts'
import type { CliIo } from './io.ts'

/** Progress on stderr: redrawn in place on a terminal, one line per provider otherwise (CI logs). */
export function createProgress(io: CliIo): (event: ProgressEvent) => void {
  let done = 0
  let total = 0
  let lastDraw = -1
  return (event) => {
    switch (event.type) {
      case 'provider_start':
        done = 0
        total = event.runs
        lastDraw = -1
        if (!io.stderrIsTTY)
          io.err(`${event.provider}: checking ${event.rules} rules over ${event.runs} timelines...\n`)
        break
      case 'run':
        done++
        if (io.stderrIsTTY) {
          const now = Math.floor(io.elapsedMs() / 100)
          if (now !== lastDraw) {
            lastDraw = now
            io.err(`\r${event.provider}: ${Math.min(done, total)}/${total} timelines`)
          }
        }
        break
      case 'provider_done': {
        const failed = event.outcomes.filter((o) => o.status === 'fail').length
        const passed = event.outcomes.filter((o) => o.status === 'pass').length
        const line = `${event.provider}: ${passed} passed, ${failed} failed (${done} timelines incl. shrinking)`
        io.err(io.stderrIsTTY ? `\r${line}\x1b[K\n` : `${line}\n`)
        break
      }
    }
  }
}

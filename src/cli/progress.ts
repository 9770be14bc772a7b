import type { ProgressEvent } from '../suite/conformance.ts'
import type { CliIo } from './io.ts'

/** A throughput window (real ms) and how far below the best window a run must fall to be called stalled. */
export const STALL_WINDOW_MS = 5000
export const STALL_FACTOR = 8

/**
 * Progress on stderr: timelines and interleavings as they complete, redrawn in place on a terminal,
 * one line per provider otherwise (CI logs). When throughput falls far below the best the run has
 * shown, it says so once, with the usual cause.
 */
export function createProgress(
  io: CliIo,
  options: {
    /** The manager runs in another process (`--manager-cmd`): a slow window of interleavings has another usual cause. */
    managerProcess?: boolean
    /**
     * That process answers `settle`: each scheduling decision costs it a round trip, so interleavings
     * run far slower than timelines by nature; their windows are compared with interleaving windows only.
     */
    managerSettles?: boolean
  } = {},
): (event: ProgressEvent) => void {
  let timelines = { done: 0, total: 0 }
  let interleavings = { done: 0, total: 0 }
  let lastDraw = -1
  let windowStart = 0
  let windowDone = 0
  let windowInterleavings = 0
  let bestRate = 0
  /** Best rate of windows that were mostly interleavings (used when the manager answers `settle`). */
  let bestInterleavingRate = 0
  let warned = false
  const perProvider = new Map<string, number>()

  const draw = () => {
    const now = Math.floor(io.elapsedMs() / 100)
    if (now === lastDraw) return
    lastDraw = now
    io.err(
      `\r${timelines.done}/${timelines.total} timelines, ${interleavings.done}/${interleavings.total} interleavings\x1b[K`,
    )
  }

  const likelyCause = (): string => {
    if (!options.managerProcess || windowInterleavings * 2 <= windowDone)
      return (
        'The harness calls createManager once per timeline and interleaving: a slow manager factory ' +
        '(global hooks per instance, network or disk work in the constructor, a growing module-level cache) is the usual cause.\n'
      )
    return options.managerSettles
      ? 'Interleavings over the manager protocol wait for the manager process to answer `settle` before each scheduling ' +
          'decision: a process that answers it slowly (busy between IO points, or a loaded machine: see uptime) is the usual cause.\n'
      : 'Interleavings over the manager protocol settle before each scheduling decision: a manager that does not ' +
          'answer `settle` (docs/PROTOCOL.md) waits 10 ms of silence per decision, which is the usual cause.\n'
  }

  const watchThroughput = (kind: 'timeline' | 'interleaving') => {
    windowDone++
    if (kind === 'interleaving') windowInterleavings++
    const elapsed = io.elapsedMs() - windowStart
    if (elapsed < STALL_WINDOW_MS) return
    const rate = windowDone / elapsed
    const ofInterleavings = options.managerSettles === true && windowInterleavings * 2 > windowDone
    const best = ofInterleavings ? bestInterleavingRate : bestRate
    if (!warned && best > 0 && rate * STALL_FACTOR < best) {
      warned = true
      io.err(
        `${io.stderrIsTTY ? '\r\x1b[K' : ''}reconnect-lab: throughput fell from ${(best * 1000).toFixed(1)} to ${(rate * 1000).toFixed(1)} timelines+interleavings/s. ${likelyCause()}`,
      )
    }
    if (ofInterleavings) bestInterleavingRate = Math.max(bestInterleavingRate, rate)
    else bestRate = Math.max(bestRate, rate)
    windowStart = io.elapsedMs()
    windowDone = 0
    windowInterleavings = 0
  }

  return (event) => {
    switch (event.type) {
      case 'planned':
        timelines = { done: 0, total: event.timelines }
        interleavings = { done: 0, total: event.interleavings }
        windowStart = io.elapsedMs()
        if (!io.stderrIsTTY)
          io.err(
            `checking ${event.providers.join(', ')}: ${event.timelines} timelines, ${event.interleavings} interleavings...\n`,
          )
        break
      case 'provider_start':
        break
      case 'run':
        if (event.kind === 'interleaving') interleavings.done++
        else timelines.done++
        perProvider.set(event.provider, (perProvider.get(event.provider) ?? 0) + 1)
        watchThroughput(event.kind ?? 'timeline')
        if (io.stderrIsTTY) draw()
        break
      case 'provider_done': {
        const failed = event.outcomes.filter((o) => o.status === 'fail').length
        const passed = event.outcomes.filter((o) => o.status === 'pass').length
        const line = `${event.provider}: ${passed} passed, ${failed} failed (${perProvider.get(event.provider) ?? 0} timelines and interleavings incl. shrinking)`
        io.err(io.stderrIsTTY ? `\r${line}\x1b[K\n` : `${line}\n`)
        break
      }
    }
  }
}

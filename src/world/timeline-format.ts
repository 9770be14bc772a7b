import { formatDuration } from '../clock.ts'
import { formatOutcome } from '../manager/contract.ts'
import { productWords } from './product.ts'
import type { PackSpec, StepResult, TimelineEvent } from './types.ts'

/** `run(alice, jira)`, `revoke(bob, jira, by admin)`: the readable form used in counterexamples. */
export function formatEvent(event: TimelineEvent): string {
  switch (event.type) {
    case 'advance':
      return `advance(${formatDuration(event.ms)})`
    case 'run':
      return `run(${event.teammate}, ${event.pack})`
    case 'connect':
      return `connect(${event.teammate}, ${event.pack}${callbackWords(event)
        .map((w) => `, ${w}`)
        .join('')})`
    case 'revoke':
      return `revoke(${event.teammate}, ${event.pack}, by ${event.by})`
    case 'rotate_secret':
      return `rotate_secret(${event.pack})`
    case 'update_secret':
      return `update_secret(${event.pack})`
    case 'clear_credentials':
      return `clear_credentials(${event.teammate}, ${event.pack})`
    case 'fault': {
      const { fault } = event
      const detail =
        fault.kind === 'http_error'
          ? `${fault.status}${fault.retryAfterSeconds !== undefined ? ` retry-after ${fault.retryAfterSeconds}s` : ''}`
          : fault.kind === 'latency'
            ? formatDuration(fault.ms)
            : fault.kind
      return `fault(${event.pack} ${event.endpoint}: ${fault.kind === 'http_error' || fault.kind === 'latency' ? detail : fault.kind} x${event.times})`
    }
    case 'concurrent_runs': {
      const on = (i?: number) => (i === undefined ? '' : ` on P${i}`)
      const runs = event.runs.map((r) => `run(${r.teammate}, ${r.pack})${on(r.instance)}`).join(', ')
      const at = event.crashAtIo === undefined ? '' : ` at its IO #${event.crashAtIo}`
      return `concurrently[${runs}]${event.crash === undefined ? '' : ` with crash of P${event.crash}${at}`}`
    }
    case 'store_fault':
      return `store_fault(${event.afterWrites ? `after ${event.afterWrites} write${event.afterWrites === 1 ? '' : 's'}, ` : ''}${event.failures} write${event.failures === 1 ? '' : 's'} fail)`
    case 'restart_manager':
      return 'restart_manager()'
    case 'approve_app':
      return `approve_app(${event.pack})`
    case 'indexing':
      return `indexing_${event.action}(${event.pack})`
    case 'other_devices':
      return `other_devices(${event.teammate}, ${event.pack}, ${event.count})`
  }
}

/** `callback after 11m` for a connect whose callback reached the manager late; nothing otherwise. */
export function callbackWords(event: TimelineEvent): string[] {
  if (event.type !== 'connect' || event.callbackDelayMs === undefined) return []
  return [`callback after ${formatDuration(event.callbackDelayMs)}`]
}

export function formatResult(result: StepResult): string {
  switch (result.kind) {
    case 'outcome':
      return formatOutcome(result.outcome)
    case 'manager_error':
      return `manager error: ${result.message}`
    case 'stuck_at_source':
      return `stuck on the source's error page (HTTP ${result.status})`
    case 'crashed':
      return 'crashed'
    case 'none':
      return ''
  }
}

/** `+3d run(alice, jira) -> connect_required(grant_expired)` */
export function formatStepLine(
  elapsedMs: number,
  event: TimelineEvent,
  result?: StepResult,
  results?: StepResult[],
): string {
  const when = `+${formatDuration(elapsedMs)}`.padEnd(10)
  let line = `${when} ${formatEvent(event)}`
  if (results && results.length > 0) line += ` -> [${results.map(formatResult).join(', ')}]`
  else if (result && result.kind !== 'none') line += ` -> ${formatResult(result)}`
  return line
}

/** `jira (baseline, custom, product forgetsCredentialsAfterRun: true)`: a pack in a play's header line. */
export function formatPackBrief(pack: PackSpec): string {
  const product = productWords(pack.product).map((w) => `product ${w}`)
  return `${pack.id} (${[pack.provider, pack.setup, ...product].join(', ')})`
}

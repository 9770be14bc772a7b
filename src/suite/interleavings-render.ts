/**
 * Prints an explored interleaving step by step: each timeline step on one line (as counterexamples
 * do), and under the concurrent ones every IO event in the order it happened: which process read or
 * wrote the credential store, which request reached the source and what the source did with it,
 * which answer reached which process. Tokens appear as harness labels (RT2, AT5), never as values.
 */
import type { LedgerEvent } from '../../mocks/types.ts'
import type { Violation } from '../rules/types.ts'
import { formatProc, formatRun } from '../world/process-io.ts'
import { formatResult, formatStepLine } from '../world/timeline-format.ts'
import type { IoEvent, TraceStep } from '../world/types.ts'
import { describeViolation } from './violation-error.ts'

function describeLedger(ledger: readonly LedgerEvent[]): string {
  const parts: string[] = []
  for (const e of ledger) {
    switch (e.type) {
      case 'refresh':
        parts.push(
          `${e.presented === 'current' ? 'current token' : e.presented.replaceAll('_', ' ')}, ${e.result}`,
        )
        break
      case 'code_exchanged':
        parts.push('code redeemed, new grant')
        break
      case 'family_ended':
        parts.push(`grant ended (${e.cause})`)
        break
      case 'refresh_unknown_token':
        parts.push('unknown refresh token')
        break
      case 'client_auth_failed':
        parts.push('client authentication failed')
        break
      default:
        break
    }
  }
  return parts.join('; ')
}

/** One IO event as a line, e.g. `P1 alice#4 -> token refresh_token with RT1: retired after leeway, rejected`. */
export function formatIoEvent(event: IoEvent): string {
  const who =
    'run' in event && event.run !== undefined
      ? `${formatProc(event.proc)} ${formatRun(event.run)}`
      : formatProc(event.proc)
  switch (event.kind) {
    case 'run_start':
      return `${who} starts run(${event.run.teammate}, ${event.run.pack})`
    case 'run_end':
      return `${who} answers ${formatResult(event.result) || 'nothing'}`
    case 'store_read':
      return `${who} store.get ${event.key} -> ${
        event.version === undefined
          ? 'absent'
          : `v${event.version}${event.refreshToken ? ` ${event.refreshToken}` : ''}${event.leased ? ' (leased)' : ''}`
      }`
    case 'store_write': {
      const what = event.deletes
        ? 'delete'
        : `${event.leased ? 'lease on ' : ''}${event.refreshToken ?? 'credential'}`
      const result = event.result === 'failed' ? 'FAILED (store outage)' : event.result
      return `${who} store.cas ${event.key} v${event.expectedVersion} <- ${what}: ${result}`
    }
    case 'token_request': {
      const grant =
        event.grantType === 'refresh_token'
          ? `refresh with ${event.presented ?? '?'}`
          : (event.grantType ?? '?')
      const source = describeLedger(event.ledger)
      const answer = event.dropped
        ? `${source ? `${source}; ` : ''}answer dropped${event.fault ? ` (${event.fault})` : ''}`
        : `${event.status}${source ? ` ${source}` : ''}${
            event.issued
              ? ` -> ${[event.issued.refreshToken, event.issued.accessToken].filter(Boolean).join(' + ')}`
              : ''
          }${event.fault ? ` [${event.fault}]` : ''}${event.retryAfterMs !== undefined ? ` retry-after ${event.retryAfterMs / 1000}s` : ''}`
      return `${who} -> token: ${grant} => ${answer}`
    }
    case 'token_delivered':
      return `${who} <- token answer #${event.requestSeq} arrives`
    case 'token_lost':
      return `${who} <- token answer #${event.requestSeq} lost (the process is dead)`
    case 'api_request':
      return `${who} -> api with ${event.accessToken} => ${event.status ?? '?'}`
    case 'crash':
      return `${who} CRASHES${event.runs.length > 0 ? ` (in flight: ${event.runs.map((r) => formatRun(r)).join(', ')})` : ''}`
  }
}

/** The timeline with the interleaving of every step that ran concurrent or faulty work, and what it broke. */
export function renderInterleaving(trace: readonly TraceStep[], violations: readonly Violation[]): string[] {
  const lines: string[] = []
  for (const step of trace) {
    if (step.event.type === 'advance') continue
    lines.push(formatStepLine(step.elapsedMs, step.event, step.result, step.results))
    const broke = violations.filter((v) => v.stepIndex === step.index)
    const showIo = step.event.type === 'concurrent_runs' || step.event.type === 'run' || broke.length > 0
    if (showIo) {
      for (const event of step.io ?? []) {
        if (event.kind === 'run_start') continue
        lines.push(`      ${String(event.seq).padStart(4)}  ${formatIoEvent(event)}`)
      }
    }
    for (const v of broke) lines.push(`           ✗ ${describeViolation(v)}`)
  }
  return lines
}

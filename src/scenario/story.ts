/**
 * A played scenario as a story support can read: one line per step per teammate and pack
 * (`day 3 09:00  alice@jira-acme  run -> refreshed -> ok`), what broke where, a summary per
 * teammate and pack, and the triage verdict. Pure: trace in, lines out.
 */
import { formatOutcome } from '../manager/contract.ts'
import type { Violation } from '../rules/types.ts'
import { type TriageReport, TRIAGE_ROWS } from '../triage.ts'
import type { StepResult, TimelineEvent, TraceStep } from '../world/types.ts'
import { callbackWords } from '../world/timeline-format.ts'
import { formatDayTime } from './time.ts'

export function formatResult(result: StepResult): string {
  switch (result.kind) {
    case 'outcome':
      return formatOutcome(result.outcome)
    case 'manager_error':
      return `manager error (${result.message})`
    case 'stuck_at_source':
      return `stuck at the source (HTTP ${result.status}, no redirect back)`
    case 'crashed':
      return 'crashed (the manager process died)'
    case 'none':
      return '-'
  }
}

/** What the manager did at the source for one pack during a step, in a few words. */
function sourceWords(step: TraceStep, pack: string): string[] {
  const words: string[] = []
  for (const r of step.requests) {
    if (r.pack !== pack) continue
    if (r.fault === 'commit_then_drop' || r.fault === 'connection_reset') {
      words.push(
        r.fault === 'commit_then_drop'
          ? `${r.endpoint} answer lost on the way back`
          : `${r.endpoint} connection reset`,
      )
    } else if (r.endpoint === 'token' && r.grantType === 'refresh_token') {
      const failed = r.status >= 400 || r.error !== undefined
      words.push(failed ? `refresh rejected (${r.error ?? r.status})` : 'refreshed')
    } else if (r.endpoint === 'api' && r.status >= 400) {
      words.push(`api ${r.status}`)
    } else if (r.fault !== undefined) {
      words.push(`fault: ${r.fault}`)
    }
  }
  // Collapse repeats (a retry loop) into "refreshed x3".
  const out: string[] = []
  for (const w of words) {
    const last = out[out.length - 1]
    const m = last ? /^(.*?)(?: x(\d+))?$/.exec(last) : null
    if (m && m[1] === w) out[out.length - 1] = `${w} x${Number(m[2] ?? 1) + 1}`
    else out.push(w)
  }
  return out
}

function worldWords(event: TimelineEvent): string | undefined {
  switch (event.type) {
    case 'revoke':
      return `${event.by === 'admin' ? 'an admin revokes' : 'the teammate revokes'} the app in the source`
    case 'rotate_secret':
      return 'the custom app’s client secret is rotated in the source'
    case 'update_secret':
      return 'the admin updates the client secret in the console'
    case 'clear_credentials':
      return 'the admin clears the stored credentials'
    case 'approve_app':
      return 'an admin approves the app in the source'
    case 'fault': {
      const what =
        event.fault.kind === 'http_error'
          ? `HTTP ${event.fault.status}`
          : event.fault.kind === 'latency'
            ? `${event.fault.ms} ms latency`
            : event.fault.kind.replaceAll('_', ' ')
      return `the source's ${event.endpoint} endpoint answers ${what} (next ${event.times})`
    }
    case 'store_fault':
      return `the credential store fails the next ${event.failures} write${event.failures === 1 ? '' : 's'}`
    case 'restart_manager':
      return 'the manager process restarts (memory lost, store kept)'
    case 'other_devices':
      return `the teammate signs in to the same app on ${event.count} other device${event.count === 1 ? '' : 's'}`
    case 'indexing':
      return `the search-indexing connector is ${event.action === 'connect' ? 'connected' : event.action === 'disconnect' ? 'disconnected' : 'revoked'}`
    default:
      return undefined
  }
}

export interface StoryInput {
  trace: readonly TraceStep[]
  violations: readonly Violation[]
  /** Per trace step, the expectation it failed (already worded), if any. */
  unmet?: ReadonlyMap<number, string[]>
  triage: TriageReport
}

export function storyLines(input: StoryInput): string[] {
  const lines: string[] = []
  const byStep = new Map<number, Violation[]>()
  for (const v of input.violations) {
    const list = byStep.get(v.stepIndex)
    if (list) list.push(v)
    else byStep.set(v.stepIndex, [v])
  }
  for (const step of input.trace) {
    const when = formatDayTime(step.elapsedMs)
    const { event } = step
    const runs: Array<{ who: string; kind: string; pack: string; result: StepResult }> = []
    if (event.type === 'run' || event.type === 'connect')
      runs.push({
        who: `${event.teammate}@${event.pack}`,
        // `connect (callback after 11m)`: the callback reached the manager that long after the consent.
        kind: [event.type, ...callbackWords(event).map((w) => `(${w})`)].join(' '),
        pack: event.pack,
        result: step.result,
      })
    else if (event.type === 'concurrent_runs')
      for (const [i, r] of event.runs.entries())
        runs.push({
          who: `${r.teammate}@${r.pack}`,
          kind: 'run',
          pack: r.pack,
          result: step.results?.[i] ?? { kind: 'none' },
        })
    for (const r of runs) {
      const chain = [r.kind, ...sourceWords(step, r.pack), formatResult(r.result)]
      lines.push(`${when}  ${r.who}  ${chain.join(' -> ')}`)
    }
    for (const c of step.productClears ?? [])
      lines.push(
        `${when}  ${c.teammate}@${c.pack}  the product clears the stored credentials after the run${c.error !== undefined ? ` (the console failed: ${c.error})` : ''}`,
      )
    if (runs.length === 0) {
      const words = worldWords(event)
      if (words) {
        const who =
          'teammate' in event ? `${event.teammate}@${event.pack}` : 'pack' in event ? event.pack : 'org'
        lines.push(`${when}  ${who}  ${words}`)
      }
    }
    for (const v of byStep.get(step.index) ?? []) lines.push(`    ✗ broke ${v.rule}: ${v.because}`)
    for (const u of input.unmet?.get(step.index) ?? []) lines.push(`    ✗ ${u}`)
  }
  return lines
}

interface PairTally {
  runs: number
  ok: number
  prompted: number
  blocked: number
  retry: number
  failed: number
  connects: number
  connectsOk: number
  refreshes: number
  refreshesRejected: number
}

/** One line per teammate and pack: what happened to them, and what triage says about them. */
export function summaryLines(trace: readonly TraceStep[], triage: TriageReport): string[] {
  const tallies = new Map<string, PairTally>()
  const tally = (who: string) => {
    let t = tallies.get(who)
    if (!t) {
      t = {
        runs: 0,
        ok: 0,
        prompted: 0,
        blocked: 0,
        retry: 0,
        failed: 0,
        connects: 0,
        connectsOk: 0,
        refreshes: 0,
        refreshesRejected: 0,
      }
      tallies.set(who, t)
    }
    return t
  }
  const count = (t: PairTally, kind: 'run' | 'connect', result: StepResult) => {
    const outcome = result.kind === 'outcome' ? result.outcome.kind : undefined
    if (kind === 'connect') {
      t.connects++
      if (outcome === 'ok') t.connectsOk++
      return
    }
    t.runs++
    if (outcome === 'ok') t.ok++
    else if (outcome === 'connect_required') t.prompted++
    else if (outcome === 'blocked') t.blocked++
    else if (outcome === 'retry_later') t.retry++
    else t.failed++
  }
  for (const step of trace) {
    const { event } = step
    if (event.type === 'run' || event.type === 'connect') {
      const t = tally(`${event.teammate}@${event.pack}`)
      count(t, event.type, step.result)
      for (const r of step.requests) {
        if (r.pack !== event.pack || r.endpoint !== 'token' || r.grantType !== 'refresh_token') continue
        t.refreshes++
        if (r.status >= 400 || r.error !== undefined) t.refreshesRejected++
      }
    } else if (event.type === 'concurrent_runs') {
      for (const [i, r] of event.runs.entries())
        count(tally(`${r.teammate}@${r.pack}`), 'run', step.results?.[i] ?? { kind: 'none' })
    }
  }
  const width = Math.max(0, ...[...tallies.keys()].map((k) => k.length))
  const lines: string[] = []
  for (const [who, t] of tallies) {
    const parts = [
      `runs ${t.runs} (ok ${t.ok}, asked to reconnect ${t.prompted}, blocked ${t.blocked}, retry later ${t.retry}${t.failed ? `, failed ${t.failed}` : ''})`,
      `connects ${t.connects}${t.connects ? ` (ok ${t.connectsOk})` : ''}`,
      `refreshes ${t.refreshes}${t.refreshesRejected ? ` (rejected ${t.refreshesRejected})` : ''}`,
    ]
    const finding = triage.findings.find((f) => f.teammate !== undefined && `${f.teammate}@${f.pack}` === who)
    lines.push(`${who.padEnd(width)}  ${parts.join('; ')}`)
    if (finding) lines.push(`${' '.repeat(width)}  -> ${verdictWords(finding.verdict)}: ${finding.why}`)
  }
  return lines
}

export function verdictWords(verdict: TriageReport['verdict']): string {
  return verdict === 'no_action' ? 'no action' : verdict === 'admin' ? 'the admin' : 'support'
}

export function triageLines(triage: TriageReport): string[] {
  return [`triage: ${verdictWords(triage.verdict)} (${TRIAGE_ROWS[triage.row].words})`, `  ${triage.cause}`]
}

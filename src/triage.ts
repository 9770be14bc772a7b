import type { OrgSpec, StepResult, TraceStep } from './world/types.ts'

/**
 * Who should act, from a trace alone, following the troubleshooting page's table:
 *   prompted once and Connect fixed it          -> no action (normal after a token expires)
 *   prompted on every run, or Connect fails     -> the admin (OAuth config, token policy, approval)
 *   many teammates affected at the same time    -> support (platform-level issue)
 * Pure: it reads outcomes only, so it works on a user's manager as well as ours.
 */
export type TriageVerdict = 'no_action' | 'admin' | 'support'

export interface TriageFinding {
  verdict: TriageVerdict
  teammate?: string
  pack?: string
  why: string
}

export interface TriageReport {
  verdict: TriageVerdict
  findings: TriageFinding[]
}

/** Teammates hit by trouble within this window count as "at the same time". */
export const SAME_TIME_WINDOW_MS = 60 * 60 * 1000
/** How many distinct teammates make an outage "multiple teammates across your organization". */
export const MANY_TEAMMATES = 2

type Observed = {
  step: TraceStep
  teammate: string
  pack: string
  kind: 'run' | 'connect'
  result: StepResult
}

function observations(trace: readonly TraceStep[]): Observed[] {
  const out: Observed[] = []
  for (const step of trace) {
    const { event } = step
    if (event.type === 'run' || event.type === 'connect')
      out.push({ step, teammate: event.teammate, pack: event.pack, kind: event.type, result: step.result })
    if (event.type === 'concurrent_runs') {
      for (const [i, r] of event.runs.entries()) {
        out.push({
          step,
          teammate: r.teammate,
          pack: r.pack,
          kind: 'run',
          result: step.results?.[i] ?? { kind: 'none' },
        })
      }
    }
  }
  return out
}

const isPrompt = (r: StepResult) => r.kind === 'outcome' && r.outcome.kind === 'connect_required'
const isOk = (r: StepResult) => r.kind === 'outcome' && r.outcome.kind === 'ok'
const isAdmin = (r: StepResult) =>
  r.kind === 'stuck_at_source' ||
  (r.kind === 'outcome' && r.outcome.kind === 'blocked' && r.outcome.contact === 'admin')
const isPlatformTrouble = (r: StepResult) =>
  r.kind === 'manager_error' ||
  (r.kind === 'outcome' &&
    (r.outcome.kind === 'retry_later' || (r.outcome.kind === 'blocked' && r.outcome.contact === 'support')))

export function triageTrace(trace: readonly TraceStep[], _org?: OrgSpec): TriageReport {
  const obs = observations(trace)
  const findings: TriageFinding[] = []

  // Many teammates in trouble within one window: support, whatever else is going on.
  const troubled = obs.filter((o) => isPlatformTrouble(o.result))
  for (const o of troubled) {
    const together = new Set(
      troubled
        .filter((x) => Math.abs(x.step.atMs - o.step.atMs) <= SAME_TIME_WINDOW_MS)
        .map((x) => x.teammate),
    )
    if (together.size >= MANY_TEAMMATES) {
      findings.push({
        verdict: 'support',
        why: `${together.size} teammates affected at the same time (${[...together].join(', ')})`,
      })
      break
    }
  }

  const pairs = new Map<string, Observed[]>()
  for (const o of obs) {
    const key = `${o.pack}\u0000${o.teammate}`
    pairs.set(key, [...(pairs.get(key) ?? []), o])
  }
  for (const list of pairs.values()) {
    const { teammate, pack } = list[0]!
    const connectFailed = list.find((o) => o.kind === 'connect' && (isAdmin(o.result) || isPrompt(o.result)))
    if (connectFailed) {
      findings.push({
        verdict: 'admin',
        teammate,
        pack,
        why: 'clicking Connect failed or showed no authorization screen',
      })
      continue
    }
    if (list.some((o) => o.kind === 'run' && isAdmin(o.result))) {
      findings.push({ verdict: 'admin', teammate, pack, why: 'runs are blocked on the app configuration' })
      continue
    }
    // A loop: prompt, successful Connect, and the very next run prompts again.
    let loop = false
    for (let i = 0; i + 2 < list.length; i++) {
      const [a, b, c] = [list[i]!, list[i + 1]!, list[i + 2]!]
      if (
        a.kind === 'run' &&
        isPrompt(a.result) &&
        b.kind === 'connect' &&
        isOk(b.result) &&
        c.kind === 'run' &&
        isPrompt(c.result)
      )
        loop = true
    }
    if (loop) {
      findings.push({
        verdict: 'admin',
        teammate,
        pack,
        why: 'prompted to reconnect on every run even after Connect',
      })
      continue
    }
    if (list.some((o) => isPrompt(o.result)))
      findings.push({
        verdict: 'no_action',
        teammate,
        pack,
        why: 'prompted to reconnect and Connect resolved it',
      })
  }

  const verdict: TriageVerdict = findings.some((f) => f.verdict === 'support')
    ? 'support'
    : findings.some((f) => f.verdict === 'admin')
      ? 'admin'
      : 'no_action'
  return { verdict, findings }
}

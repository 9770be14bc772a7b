/**
 * A trace as swimlanes: one lane per teammate and pack, one per pack's source (secret rotations,
 * faults, approvals) and one for the manager's processes (restarts, crashes, store outages). Pure:
 * the HTML and Markdown renderers draw this model, so what a picture shows is decided (and tested)
 * in one place. Every text that can reach a page goes through redactSecrets here, so neither
 * renderer can leak a token a manager put into an outcome reason or an error message.
 */
import { formatDuration } from '../clock.ts'
import { redactSecrets } from '../redact.ts'
import type { Violation } from '../rules/types.ts'
import { formatDayTime } from '../scenario/time.ts'
import { triageTrace } from '../triage.ts'
import { callbackWords, formatEvent, formatResult } from '../world/timeline-format.ts'
import type { OrgSpec, StepResult, TimelineEvent, TraceStep } from '../world/types.ts'

/** What a mark is: the legend has one entry per kind and tone that occurs. */
export type MarkKind = 'run' | 'refresh' | 'connect' | 'world'

/**
 * How it went. ok: silent success; prompt: asked to reconnect; admin / support: blocked with that
 * contact; retry: retry later; error: the manager threw, hung or crashed, or a refresh was refused;
 * lost: the answer never reached the manager (dropped, reset); event: something the world did.
 */
export type MarkTone = 'ok' | 'prompt' | 'admin' | 'support' | 'retry' | 'error' | 'lost' | 'event'

export interface TimelineMark {
  lane: string
  /** Position on the folded axis: the index of the step's slot (see TimelineModel.slots). */
  slot: number
  /** Order inside a slot (a refresh is drawn just before the run it belongs to). */
  order: number
  kind: MarkKind
  tone: MarkTone
  /** A short label for the mark (a word or two). */
  label: string
  /** Lines shown on hover and click: time, event, result, source's answers, rules broken. Redacted. */
  detail: string[]
  /** Rules this step broke (the mark is ringed). */
  broken: string[]
  stepIndex: number
}

export type LaneKind = 'manager' | 'source' | 'teammate'

export interface TimelineLane {
  id: string
  kind: LaneKind
  label: string
  pack?: string
  teammate?: string
}

/** One column of the folded time axis: a played step, after `gapMs` of world time since the previous one. */
export interface TimelineSlot {
  stepIndex: number
  elapsedMs: number
  gapMs: number
  /** The gap is longer than FOLD_AFTER_MS and is drawn as a break instead of to scale. */
  folded: boolean
  /** `day 3 09:00` */
  at: string
}

export interface TriageSummary {
  verdict: string
  lines: string[]
}

export interface TimelineModel {
  title: string
  lanes: TimelineLane[]
  slots: TimelineSlot[]
  marks: TimelineMark[]
  triage: TriageSummary
  /** Rules broken in this trace, as `rule: because` lines. */
  broken: string[]
  notes: string[]
  /** A text log shown folded under the picture (e.g. what the suite saw when the file did not reproduce). */
  log?: { title: string; lines: string[] }
}

export interface TimelineInput {
  title: string
  org: OrgSpec
  trace: readonly TraceStep[]
  violations?: readonly Violation[]
  /** Extra lines under the title (e.g. "reproduced from the written file"). */
  notes?: string[]
  log?: { title: string; lines: string[] }
  /** Secret values known to the caller (redacted by value as well as by shape). */
  secrets?: readonly string[]
  /**
   * Manager processes sharing the store (the scenario's `instances`). A run's or a crash's process
   * index is taken modulo this, as the world does; absent, it is inferred from the processes the
   * trace saw at work.
   */
  instances?: number
}

/** Gaps longer than this are folded: drawn as a fixed-width break labelled with the real duration. */
export const FOLD_AFTER_MS = 6 * 60 * 60 * 1000

const MANAGER_LANE = 'manager'
const sourceLane = (pack: string) => `source:${pack}`
const teammateLane = (teammate: string, pack: string) => `${teammate}@${pack}`

export function buildTimelineModel(input: TimelineInput): TimelineModel {
  const clean = (text: string) => redactSecrets(text, input.secrets ?? [])
  const { org, trace } = input
  const processes = Math.max(1, input.instances ?? processesSeen(trace))
  const violationsAt = new Map<number, Violation[]>()
  for (const v of input.violations ?? [])
    violationsAt.set(v.stepIndex, [...(violationsAt.get(v.stepIndex) ?? []), v])

  const slots: TimelineSlot[] = []
  const marks: TimelineMark[] = []
  let gapMs = 0
  for (const step of trace) {
    if (step.event.type === 'advance') {
      gapMs += step.event.ms
      continue
    }
    const slot = slots.length
    slots.push({
      stepIndex: step.index,
      elapsedMs: step.elapsedMs,
      gapMs,
      folded: gapMs > FOLD_AFTER_MS,
      at: formatDayTime(step.elapsedMs),
    })
    gapMs = 0
    const broken = (violationsAt.get(step.index) ?? []).map((v) => v.rule)
    const common = stepDetail(step, violationsAt.get(step.index) ?? []).map(clean)
    for (const mark of marksOf(step, org, processes)) {
      marks.push({
        ...mark,
        label: clean(mark.label),
        detail: [...mark.detail.map(clean), ...common],
        slot,
        stepIndex: step.index,
        broken: mark.kind === 'refresh' ? [] : broken,
      })
    }
  }

  const used = new Set(marks.map((m) => m.lane))
  const lanes: TimelineLane[] = []
  if (used.has(MANAGER_LANE)) lanes.push({ id: MANAGER_LANE, kind: 'manager', label: 'manager processes' })
  for (const pack of org.packs) {
    if (used.has(sourceLane(pack.id)))
      lanes.push({ id: sourceLane(pack.id), kind: 'source', label: `${pack.id} source`, pack: pack.id })
    for (const teammate of org.teammates)
      lanes.push({
        id: teammateLane(teammate, pack.id),
        kind: 'teammate',
        label: teammateLane(teammate, pack.id),
        pack: pack.id,
        teammate,
      })
  }

  return {
    title: clean(input.title),
    lanes,
    slots,
    marks,
    triage: summarizeTriage(trace, org, clean),
    broken: (input.violations ?? []).map((v) => clean(`${v.rule}: ${v.because}`)),
    notes: (input.notes ?? []).map(clean),
    ...(input.log ? { log: { title: clean(input.log.title), lines: input.log.lines.map(clean) } } : {}),
  }
}

type RawMark = Omit<TimelineMark, 'slot' | 'stepIndex' | 'broken'>

/** The processes a trace saw at work: one more than the highest process index in its IO. */
function processesSeen(trace: readonly TraceStep[]): number {
  let highest = 0
  for (const step of trace)
    for (const e of step.io ?? []) if ('proc' in e) highest = Math.max(highest, e.proc.instance)
  return highest + 1
}

function marksOf(step: TraceStep, org: OrgSpec, processes: number): RawMark[] {
  const { event } = step
  const out: RawMark[] = []
  switch (event.type) {
    case 'run':
      out.push(...refreshesOf(step, (t, p) => t === event.teammate && p === event.pack))
      out.push(resultMark(teammateLane(event.teammate, event.pack), 'run', step.result))
      break
    case 'concurrent_runs':
      for (const [i, r] of event.runs.entries()) {
        const lane = teammateLane(r.teammate, r.pack)
        if (!out.some((m) => m.lane === lane && m.kind === 'refresh'))
          out.push(...refreshesOf(step, (t, p) => t === r.teammate && p === r.pack))
        const mark = resultMark(lane, 'run', step.results?.[i] ?? { kind: 'none' })
        out.push({
          ...mark,
          order: 1 + i,
          label: `${mark.label}${r.instance !== undefined ? ` on P${r.instance % processes}` : ''}`,
        })
      }
      if (event.crash !== undefined) {
        // The process that died, as the world recorded it (the event's index is taken modulo the process count).
        const died = step.io?.find((e) => e.kind === 'crash')
        const victim = died && 'proc' in died ? died.proc.instance : event.crash % processes
        out.push(worldMark(MANAGER_LANE, `P${victim} crashed`, event))
      }
      break
    case 'connect':
      out.push(
        withDetail(
          resultMark(teammateLane(event.teammate, event.pack), 'connect', step.result),
          callbackWords(event),
        ),
      )
      break
    case 'revoke':
      out.push(worldMark(teammateLane(event.teammate, event.pack), `revoked by ${event.by}`, event))
      break
    case 'clear_credentials':
      out.push(worldMark(teammateLane(event.teammate, event.pack), 'admin reset', event))
      break
    case 'rotate_secret':
      out.push(worldMark(sourceLane(event.pack), 'secret rotated', event))
      break
    case 'update_secret':
      out.push(worldMark(sourceLane(event.pack), 'secret updated', event))
      break
    case 'approve_app':
      out.push(worldMark(sourceLane(event.pack), 'app approved', event))
      break
    case 'fault':
      out.push(worldMark(sourceLane(event.pack), `fault: ${event.endpoint} ${faultName(event)}`, event))
      break
    case 'indexing':
      out.push(worldMark(sourceLane(event.pack), `indexing ${event.action}`, event))
      break
    case 'other_devices':
      out.push(
        worldMark(
          teammateLane(event.teammate, event.pack),
          `signed in on ${event.count} other devices`,
          event,
        ),
      )
      break
    case 'restart_manager':
      out.push(worldMark(MANAGER_LANE, 'restart', event))
      break
    case 'store_fault':
      out.push(worldMark(MANAGER_LANE, 'store fails writes', event))
      break
    case 'advance':
      break
  }
  // The product's own clears after the step's runs (PackSpec.product), after the runs themselves.
  for (const c of step.productClears ?? [])
    out.push({
      ...worldMark(teammateLane(c.teammate, c.pack), 'product reset', event),
      detail: [
        `the product cleared ${c.teammate}'s stored credentials after the run${c.error !== undefined ? ` (failed: ${c.error})` : ''}`,
      ],
      order: 2,
    })
  // A pack the org does not define cannot have a lane; keep the mark on the manager lane instead of dropping it.
  const packs = new Set(org.packs.map((p) => p.id))
  return out.map((m) =>
    m.lane === MANAGER_LANE || packs.has(laneP(m.lane)) ? m : { ...m, lane: MANAGER_LANE },
  )
}

const laneP = (lane: string) =>
  lane.startsWith('source:') ? lane.slice(7) : lane.slice(lane.indexOf('@') + 1)

function faultName(event: Extract<TimelineEvent, { type: 'fault' }>): string {
  const { fault } = event
  if (fault.kind === 'http_error') return `HTTP ${fault.status}${event.times > 1 ? ` x${event.times}` : ''}`
  return `${fault.kind.replaceAll('_', ' ')}${event.times > 1 ? ` x${event.times}` : ''}`
}

function worldMark(lane: string, label: string, event: TimelineEvent): RawMark {
  return { lane, kind: 'world', tone: 'event', label, detail: [formatEvent(event)], order: 0 }
}

export function toneOf(result: StepResult): MarkTone {
  switch (result.kind) {
    case 'outcome':
      switch (result.outcome.kind) {
        case 'ok':
          return 'ok'
        case 'connect_required':
          return 'prompt'
        case 'blocked':
          return result.outcome.contact
        case 'retry_later':
          return 'retry'
      }
      break
    case 'stuck_at_source':
      return 'admin'
    case 'none':
      return 'event'
    default:
      return 'error'
  }
}

const TONE_WORDS: Record<MarkTone, string> = {
  ok: 'ok',
  prompt: 'asked to reconnect',
  admin: 'ask your admin',
  support: 'contact support',
  retry: 'retry later',
  error: 'failed',
  lost: 'answer lost',
  event: '',
}

/** A mark with more lines of detail (shown on hover). */
function withDetail(mark: RawMark, lines: readonly string[]): RawMark {
  return lines.length === 0 ? mark : { ...mark, detail: [...mark.detail, ...lines] }
}

function resultMark(lane: string, kind: 'run' | 'connect', result: StepResult): RawMark {
  const tone = toneOf(result)
  const words =
    result.kind === 'crashed'
      ? 'crashed'
      : result.kind === 'manager_error'
        ? 'manager error'
        : TONE_WORDS[tone]
  const label = kind === 'connect' ? (tone === 'ok' ? 'Connect' : `Connect ${words}`) : words || 'run'
  return { lane, kind, tone, label, detail: [`${kind}: ${formatResult(result) || 'no result'}`], order: 1 }
}

/**
 * The refresh-token requests of one run, from the manager's IO log when the world recorded it (it
 * names the run), else from what the pack's source saw during a plain run step.
 */
function refreshesOf(step: TraceStep, belongs: (teammate: string, pack: string) => boolean): RawMark[] {
  const out: RawMark[] = []
  const { event } = step
  const lane = (t: string, p: string) => teammateLane(t, p)
  const fromIo = (step.io ?? []).filter(
    (e): e is Extract<NonNullable<TraceStep['io']>[number], { kind: 'token_request' }> =>
      e.kind === 'token_request' && e.grantType === 'refresh_token',
  )
  if (fromIo.length > 0) {
    for (const r of fromIo) {
      const owner =
        r.run ?? (event.type === 'run' ? { teammate: event.teammate, pack: event.pack } : undefined)
      if (!owner || !belongs(owner.teammate, owner.pack)) continue
      const tone: MarkTone = r.dropped ? 'lost' : r.status !== undefined && r.status < 400 ? 'ok' : 'error'
      const rejected = r.ledger.find((l) => l.type === 'refresh' && l.result === 'rejected')
      out.push({
        lane: lane(owner.teammate, owner.pack),
        kind: 'refresh',
        tone,
        label: tone === 'ok' ? 'refresh' : tone === 'lost' ? 'refresh answer lost' : 'refresh refused',
        detail: [
          `refresh: presented ${r.presented ?? 'a refresh token'} -> ${
            r.dropped ? `answer dropped (${r.fault ?? 'lost'})` : `HTTP ${r.status ?? '?'}`
          }${r.issued?.refreshToken ? `, new ${r.issued.refreshToken}` : ''}${
            rejected && rejected.type === 'refresh' ? ` (source: ${rejected.presented} token rejected)` : ''
          }`,
        ],
        order: 0,
      })
    }
    return out
  }
  if (event.type !== 'run' || !belongs(event.teammate, event.pack)) return out
  for (const r of step.requests) {
    if (r.endpoint !== 'token' || r.grantType !== 'refresh_token' || r.pack !== event.pack) continue
    const tone: MarkTone =
      r.fault === 'commit_then_drop' || r.fault === 'connection_reset'
        ? 'lost'
        : r.status < 400
          ? 'ok'
          : 'error'
    out.push({
      lane: lane(event.teammate, event.pack),
      kind: 'refresh',
      tone,
      label: tone === 'ok' ? 'refresh' : tone === 'lost' ? 'refresh answer lost' : 'refresh refused',
      detail: [
        `refresh: ${r.method} ${r.path} -> HTTP ${r.status}${r.error ? ` ${r.error}` : ''}${r.fault ? ` (${r.fault})` : ''}`,
      ],
      order: 0,
    })
  }
  return out
}

/** What every mark of a step shows below its own line: when, what, the grant in the source, the source's answers, rules broken. */
function stepDetail(step: TraceStep, violations: readonly Violation[]): string[] {
  const lines = [
    `step ${step.index + 1} at ${formatDayTime(step.elapsedMs)} (+${formatDuration(step.elapsedMs)})`,
  ]
  lines.push(`event: ${formatEvent(step.event)}`)
  if (step.results && step.results.length > 0)
    lines.push(`results: ${step.results.map(formatResult).join(', ')}`)
  else if (step.result.kind !== 'none') lines.push(`result: ${formatResult(step.result)}`)
  const truth = (t: TraceStep['truthAfter']) =>
    t === undefined ? '?' : t.status === 'ended' ? `ended (${t.cause})` : t.status
  if (step.truthBefore || step.truthAfter)
    lines.push(`grant in the source: ${truth(step.truthBefore)} -> ${truth(step.truthAfter)}`)
  const seen = step.requests.filter((r) => r.endpoint !== 'metadata' && r.endpoint !== 'lab')
  for (const r of seen.slice(0, 8))
    lines.push(
      `${r.pack}: ${r.method} ${r.path}${r.grantType ? ` (${r.grantType})` : ''} -> ${r.status}${r.error ? ` ${r.error}` : ''}${r.fault ? ` [${r.fault}]` : ''}`,
    )
  if (seen.length > 8) lines.push(`… and ${seen.length - 8} more requests`)
  for (const l of step.ledger.filter((e) => e.type === 'family_ended' || e.type === 'client_auth_failed'))
    lines.push(
      `${l.pack}: ${l.type === 'family_ended' ? `grant ended (${l.cause})` : 'client authentication failed'}`,
    )
  for (const v of violations) lines.push(`✗ ${v.rule}: ${v.because}`)
  return lines
}

function summarizeTriage(
  trace: readonly TraceStep[],
  org: OrgSpec,
  clean: (s: string) => string,
): TriageSummary {
  const report = triageTrace(trace, org)
  const lines = report.findings.map((f) => {
    const who = f.teammate !== undefined ? `${f.teammate}${f.pack !== undefined ? `@${f.pack}` : ''}: ` : ''
    return clean(`${f.verdict}: ${who}${f.why}`)
  })
  return { verdict: report.verdict, lines }
}

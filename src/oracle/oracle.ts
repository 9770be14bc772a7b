import type { GrantTruth } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import type {
  AllowedResult,
  PromptCause,
  RuleDefinition,
  RuleId,
  RunSituation,
  Situation,
  Violation,
} from '../rules/types.ts'
import { MINUTE_MS } from '../clock.ts'
import { RotationLedger } from '../rules/ledger-invariants.ts'
import type { GrantState } from '../rules/types.ts'
import type { OrgSpec, ProcRef, RunRef, StepResult, TraceStep } from '../world/types.ts'
import { grantStateOf } from './grant-state.ts'

/**
 * After a process crashes mid-run, or the store refuses a write, the manager may have left a lock
 * (a lease) on that teammate's credential that only time releases. For this long afterwards a run on
 * that pair may answer "retry later"; never a prompt. A manager whose lease is shorter recovers sooner.
 */
export const LINGERING_TROUBLE_MS = 10 * MINUTE_MS

/** What the model remembers about one teammate on one pack. */
interface PairModel {
  holds: boolean
  clearedSelf: boolean
  othersClearedSinceLastRun: boolean
  secretRepairedSinceLastRun: boolean
  lastPromptCause?: PromptCause
  firstRunAfterConnect?: { promptCause: PromptCause }
  otherPackTouchedSinceLastRun: boolean
  indexingChangedSinceLastRun: boolean
  /** The previous run had transient trouble. */
  lastRunHadTrouble?: boolean
  /** A crash or store outage during a run of this pair: trouble may linger until then. */
  troubleUntilMs?: number
}

interface PackModel {
  provider: ProviderId
  /** The source answered a token request with Retry-After: until then, waiting is the right answer. */
  retryAfterUntilMs?: number
  secretMismatch: boolean
  approvalRequired: boolean
  approved: boolean
}

export interface JudgedSituation {
  situation: Situation
  result: StepResult
}

/**
 * The oracle: a model far simpler than the system. It follows the timeline's events (connects,
 * clears, secret rotations) and the source's ground truth (is the grant alive, and if not, who ended
 * it), turns each run and Connect into a Situation, and asks every rule which results it allows.
 * It never looks inside the manager.
 */
export class Oracle {
  private readonly pairs = new Map<string, PairModel>()
  private readonly packs = new Map<string, PackModel>()
  /** How many times each rule had something to say: a rule that never spoke proved nothing. */
  readonly checks = new Map<RuleId, number>()
  /** Who caused each refresh-token reuse, from the ledgers and the processes' IO (ledger-invariants.ts). */
  private readonly lineage = new RotationLedger()

  constructor(org: OrgSpec) {
    for (const pack of org.packs) {
      this.packs.set(pack.id, {
        provider: pack.provider,
        secretMismatch: false,
        approvalRequired: pack.approvalRequired === true,
        approved: false,
      })
      for (const teammate of org.teammates) {
        this.pairs.set(key(teammate, pack.id), {
          holds: false,
          clearedSelf: false,
          othersClearedSinceLastRun: false,
          secretRepairedSinceLastRun: false,
          otherPackTouchedSinceLastRun: false,
          indexingChangedSinceLastRun: false,
        })
      }
    }
  }

  /** Judges one step against `rules`, then moves the model past it. */
  judge(step: TraceStep, rules: readonly RuleDefinition[]): Violation[] {
    const judged = this.situations(step)
    const violations: Violation[] = []
    for (const { situation, result } of judged) {
      for (const rule of rules) {
        const expectation = rule.judge?.(situation)
        if (!expectation) continue
        this.checks.set(rule.id, (this.checks.get(rule.id) ?? 0) + 1)
        if (!resultIsAllowed(result, expectation.allowed)) {
          violations.push({
            rule: rule.id,
            stepIndex: step.index,
            because: expectation.because,
            allowed: expectation.allowed,
            actual: result,
          })
        }
      }
    }
    this.advance(step, judged)
    return violations
  }

  /** The situations of a step; the step's IO is ingested into the lineage as a side effect (once per step). */
  situations(step: TraceStep): JudgedSituation[] {
    const { event } = step
    // Grant states before the step are read before the step's IO is ingested, those after, after.
    const beforeStates: GrantState[] =
      event.type === 'run'
        ? [this.grantState(step.truthBefore, event.pack)]
        : event.type === 'concurrent_runs'
          ? event.runs.map((r, i) => this.grantState(step.truths?.[i]?.before, r.pack))
          : []
    this.lineage.ingest(step)
    this.noteLingeringTrouble(step)
    const storeTrouble = (step.io ?? []).some((e) => e.kind === 'store_write' && e.result === 'failed')
    const trouble = (pack: string) =>
      storeTrouble || step.requests.some((r) => r.pack === pack && r.fault !== undefined)
    switch (event.type) {
      case 'run':
        return [
          {
            situation: this.runSituation(
              event.teammate,
              event.pack,
              beforeStates[0]!,
              this.grantState(step.truthAfter, event.pack),
              trouble(event.pack) || this.lingering(event.teammate, event.pack, step.atMs),
            ),
            result: step.result,
          },
        ]
      case 'concurrent_runs':
        return event.runs.flatMap((r, i) => {
          const result = step.results?.[i] ?? { kind: 'none' }
          // A run whose process crashed answered nobody: there is nothing to judge.
          if (result.kind === 'crashed') return []
          return [
            {
              situation: this.runSituation(
                r.teammate,
                r.pack,
                beforeStates[i]!,
                this.grantState(step.truths?.[i]?.after, r.pack),
                trouble(r.pack) || this.lingering(r.teammate, r.pack, step.atMs),
              ),
              result,
            },
          ]
        })
      case 'connect': {
        const pack = this.pack(event.pack)
        return [
          {
            situation: {
              kind: 'connect',
              teammate: event.teammate,
              pack: event.pack,
              provider: pack.provider,
              secretMismatch: pack.secretMismatch,
              transientTrouble: trouble(event.pack) || this.rateLimited(event.pack, step.atMs),
              approvalMissing: pack.approvalRequired && !pack.approved,
              approvedAfterGate: pack.approvalRequired && pack.approved,
              codeExpired: step.codeExpiredAtCallback === true,
            },
            result: step.result,
          },
        ]
      }
      default:
        return []
    }
  }

  /** The grant's state for the rules: the source's truth, with reuse attributed through the lineage. */
  private grantState(truth: GrantTruth | undefined, pack: string): GrantState {
    const state = grantStateOf(truth)
    if (
      truth?.status === 'ended' &&
      truth.cause === 'reuse_detected' &&
      this.lineage.endExcused(pack, truth.familyId)
    ) {
      return { kind: 'ended', cause: truth.cause, origin: 'lost_response' }
    }
    if (truth?.status === 'alive' && this.lineage.stranded(pack, truth.familyId)) {
      // Alive at the source, but its current refresh token never durably reached the manager.
      return { kind: 'ended', cause: 'reuse_detected', origin: 'lost_response' }
    }
    return state
  }

  /** A crash or a failed store write during a run: that pair may meet a left-over lease for a while. */
  private noteLingeringTrouble(step: TraceStep): void {
    for (const e of step.io ?? []) {
      if (e.kind === 'token_request' && e.retryAfterMs !== undefined) {
        const pack = this.packs.get(e.pack)
        if (pack) pack.retryAfterUntilMs = Math.max(pack.retryAfterUntilMs ?? 0, e.atMs + e.retryAfterMs)
      }
      const runs =
        e.kind === 'crash'
          ? e.runs
          : e.kind === 'store_write' && e.result === 'failed'
            ? activeRuns(step, e.proc, e.seq)
            : []
      for (const run of runs) {
        const pair = this.pairs.get(key(run.teammate, run.pack))
        if (pair) pair.troubleUntilMs = Math.max(pair.troubleUntilMs ?? 0, e.atMs + LINGERING_TROUBLE_MS)
      }
    }
  }

  private lingering(teammate: string, pack: string, atMs: number): boolean {
    const until = this.pairs.get(key(teammate, pack))?.troubleUntilMs
    return (until !== undefined && atMs < until) || this.rateLimited(pack, atMs)
  }

  /** The source asked (Retry-After) not to be asked again before now: waiting is a right answer. */
  private rateLimited(pack: string, atMs: number): boolean {
    const until = this.packs.get(pack)?.retryAfterUntilMs
    return until !== undefined && atMs < until
  }

  private runSituation(
    teammate: string,
    packId: string,
    grant: GrantState,
    grantAfter: GrantState,
    transientTrouble: boolean,
  ): RunSituation {
    const pair = this.pair(teammate, packId)
    const pack = this.pack(packId)
    return {
      kind: 'run',
      teammate,
      pack: packId,
      provider: pack.provider,
      holds: pair.holds,
      clearedSelf: pair.clearedSelf,
      othersClearedSinceLastRun: pair.othersClearedSinceLastRun,
      grant,
      grantAfter,
      secretMismatch: pack.secretMismatch,
      secretRepairedSinceLastRun: pair.secretRepairedSinceLastRun,
      transientTrouble,
      ...(pair.lastRunHadTrouble ? { afterTransientTrouble: true } : {}),
      ...(pair.firstRunAfterConnect ? { firstRunAfterConnect: pair.firstRunAfterConnect } : {}),
      otherPackTouchedSinceLastRun: pair.otherPackTouchedSinceLastRun,
      indexingChangedSinceLastRun: pair.indexingChangedSinceLastRun,
    }
  }

  private advance(step: TraceStep, judged: JudgedSituation[]): void {
    const { event } = step
    switch (event.type) {
      case 'run':
      case 'concurrent_runs':
        for (const { situation, result } of judged) {
          if (situation.kind !== 'run') continue
          const pair = this.pair(situation.teammate, situation.pack)
          if (result.kind === 'outcome' && result.outcome.kind === 'connect_required') {
            pair.lastPromptCause = promptCauseOf(situation)
          }
          delete pair.firstRunAfterConnect
          pair.lastRunHadTrouble = situation.transientTrouble
          pair.othersClearedSinceLastRun = false
          pair.secretRepairedSinceLastRun = false
          pair.otherPackTouchedSinceLastRun = false
          pair.indexingChangedSinceLastRun = false
        }
        break
      case 'connect': {
        const pair = this.pair(event.teammate, event.pack)
        if (step.result.kind === 'outcome' && step.result.outcome.kind === 'ok') {
          pair.firstRunAfterConnect = { promptCause: pair.lastPromptCause ?? 'not_connected' }
          pair.holds = true
          pair.clearedSelf = false
          delete pair.lastPromptCause
        }
        break
      }
      case 'rotate_secret':
        this.pack(event.pack).secretMismatch = true
        break
      case 'update_secret': {
        const pack = this.pack(event.pack)
        if (pack.secretMismatch) {
          pack.secretMismatch = false
          for (const [k, pair] of this.pairs)
            if (packOfKey(k) === event.pack) pair.secretRepairedSinceLastRun = true
        }
        break
      }
      case 'clear_credentials':
        this.cleared(step, event.teammate, event.pack, step.result.kind === 'manager_error')
        break
      case 'approve_app':
        this.pack(event.pack).approved = true
        break
      case 'indexing':
        for (const [k, pair] of this.pairs)
          if (packOfKey(k) === event.pack) pair.indexingChangedSinceLastRun = true
        break
      default:
        break
    }
    // The product cleared credentials after the step's runs (PackSpec.product): an admin clear each,
    // after the runs were judged (the next run is the one that must ask to Connect).
    for (const clear of step.productClears ?? []) {
      this.cleared(step, clear.teammate, clear.pack, clear.error !== undefined)
      this.markPacksTouched([clear.pack])
    }
    this.markOtherPacksTouched(step)
  }

  /** An admin clear in the console (a clear_credentials step, or the product's own after a run). */
  private cleared(step: TraceStep, teammate: string, pack: string, failed: boolean): void {
    // The console reported a failure while the store was refusing writes: nothing was cleared for
    // sure, and the admin knows. (A failure without store trouble counts as cleared: the rules judge.)
    const storeTrouble = (step.io ?? []).some((e) => e.kind === 'store_write' && e.result === 'failed')
    if (failed && storeTrouble) return
    const self = this.pair(teammate, pack)
    self.holds = false
    self.clearedSelf = true
    self.lastPromptCause = 'reset'
    delete self.firstRunAfterConnect
    for (const [k, pair] of this.pairs) {
      if (packOfKey(k) === pack && pair !== self) pair.othersClearedSinceLastRun = true
    }
  }

  /** Any event naming a pack counts as touching it; every other pack's teammates take note for pack-isolation. */
  private markOtherPacksTouched(step: TraceStep): void {
    const { event } = step
    // A plain run changes nothing in the source; everything else that names a pack may.
    if (event.type === 'run' || event.type === 'concurrent_runs' || !('pack' in event)) return
    this.markPacksTouched([event.pack])
  }

  private markPacksTouched(packs: readonly string[]): void {
    for (const pack of new Set(packs)) {
      for (const [k, pair] of this.pairs) if (packOfKey(k) !== pack) pair.otherPackTouchedSinceLastRun = true
    }
  }

  private pair(teammate: string, pack: string): PairModel {
    const pair = this.pairs.get(key(teammate, pack))
    if (!pair) throw new Error(`oracle: no model for ${teammate} on ${pack}`)
    return pair
  }

  private pack(pack: string): PackModel {
    const model = this.packs.get(pack)
    if (!model) throw new Error(`oracle: no model for pack ${pack}`)
    return model
  }
}

function promptCauseOf(s: RunSituation): PromptCause {
  if (s.clearedSelf) return 'reset'
  if (!s.holds) return 'not_connected'
  if (s.grant.kind === 'ended') return s.grant.origin
  if (s.grantAfter.kind === 'ended') return s.grantAfter.origin
  return 'other'
}

/** The runs in flight on a process at a point of the step's IO log. */
function activeRuns(step: TraceStep, proc: ProcRef, beforeSeq: number): RunRef[] {
  const open = new Map<number, RunRef>()
  for (const e of step.io ?? []) {
    if (e.seq >= beforeSeq) break
    if (e.proc.instance !== proc.instance || e.proc.generation !== proc.generation) continue
    if (e.kind === 'run_start') open.set(e.run.id, e.run)
    else if (e.kind === 'run_end') open.delete(e.run.id)
  }
  return [...open.values()]
}

const SEP = '\u0000'
function key(teammate: string, pack: string): string {
  return `${pack}${SEP}${teammate}`
}
function packOfKey(k: string): string {
  return k.slice(0, k.indexOf(SEP))
}

export function resultIsAllowed(result: StepResult, allowed: readonly AllowedResult[]): boolean {
  if (result.kind === 'stuck_at_source') return allowed.some((a) => a.kind === 'stuck_at_source')
  if (result.kind !== 'outcome') return false
  const outcome = result.outcome
  return allowed.some((a): boolean => {
    switch (a.kind) {
      case 'ok':
        return outcome.kind === 'ok'
      case 'retry_later':
        return outcome.kind === 'retry_later'
      case 'blocked':
        return outcome.kind === 'blocked' && outcome.contact === a.contact
      case 'connect_required':
        return outcome.kind === 'connect_required' && a.reasons.includes(outcome.reason)
      default:
        return false
    }
  })
}

export function formatAllowed(allowed: readonly AllowedResult[]): string {
  return allowed
    .map((a) => {
      switch (a.kind) {
        case 'connect_required':
          return `connect_required(${a.reasons.join('|')})`
        case 'blocked':
          return `blocked(${a.contact})`
        default:
          return a.kind
      }
    })
    .join(' or ')
}

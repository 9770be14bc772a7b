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
import type { OrgSpec, StepResult, TraceStep } from '../world/types.ts'
import { grantStateOf } from './grant-state.ts'

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
}

interface PackModel {
  provider: ProviderId
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

  situations(step: TraceStep): JudgedSituation[] {
    const { event } = step
    const trouble = (pack: string) => step.requests.some((r) => r.pack === pack && r.fault !== undefined)
    switch (event.type) {
      case 'run':
        return [
          {
            situation: this.runSituation(
              event.teammate,
              event.pack,
              step.truthBefore,
              step.truthAfter,
              trouble(event.pack),
            ),
            result: step.result,
          },
        ]
      case 'concurrent_runs':
        return event.runs.map((r, i) => ({
          situation: this.runSituation(
            r.teammate,
            r.pack,
            step.truths?.[i]?.before,
            step.truths?.[i]?.after,
            trouble(r.pack),
          ),
          result: step.results?.[i] ?? { kind: 'none' },
        }))
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
              transientTrouble: trouble(event.pack),
              approvalMissing: pack.approvalRequired && !pack.approved,
              approvedAfterGate: pack.approvalRequired && pack.approved,
            },
            result: step.result,
          },
        ]
      }
      default:
        return []
    }
  }

  private runSituation(
    teammate: string,
    packId: string,
    before: GrantTruth | undefined,
    after: GrantTruth | undefined,
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
      grant: grantStateOf(before),
      grantAfter: grantStateOf(after),
      secretMismatch: pack.secretMismatch,
      secretRepairedSinceLastRun: pair.secretRepairedSinceLastRun,
      transientTrouble,
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
      case 'clear_credentials': {
        const self = this.pair(event.teammate, event.pack)
        self.holds = false
        self.clearedSelf = true
        self.lastPromptCause = 'reset'
        delete self.firstRunAfterConnect
        for (const [k, pair] of this.pairs) {
          if (packOfKey(k) === event.pack && pair !== self) pair.othersClearedSinceLastRun = true
        }
        break
      }
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
    this.markOtherPacksTouched(step)
  }

  /** Any event naming a pack counts as touching it; every other pack's teammates take note for pack-isolation. */
  private markOtherPacksTouched(step: TraceStep): void {
    const { event } = step
    // A plain run changes nothing in the source; everything else that names a pack may.
    if (event.type === 'run' || event.type === 'concurrent_runs' || !('pack' in event)) return
    const touched = new Set<string>([event.pack])
    for (const pack of touched) {
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

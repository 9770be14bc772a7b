/**
 * Invariants over the sources' ledgers joined with what the harness saw the manager's processes do
 * (TraceStep.io): who caused a refresh-token reuse, and was a Retry-After honoured.
 *
 * ## Refresh-token lineage
 * Every token family (one Connect) is a chain of links: the code exchange, then each refresh the
 * source honoured on a rotating policy. Link k minted refresh token RT(k) and retired RT(k-1). When
 * the source classifies a presented token as `retired_after_leeway` (a reuse), the question is
 * whether the manager had something better to present: the token's successors in the chain.
 *
 * A successor is *kept* when its response reached a process that persisted it, acted on it (sent its
 * access token to the API), or is still holding it; a response still on its way also counts (another
 * process presenting the same token meanwhile is exactly the concurrent-refresh bug). A successor is
 * *lost to the world* when the response was dropped (commit_then_drop, a reset after the source
 * committed), its process died before delivery or before persisting it (without having acted on it),
 * the store refused the write (store_fault), or the response carried no refresh token at all.
 *
 * The reuse is the manager's doing if any successor was kept; otherwise it is the world's (the source
 * destroyed a grant whose replacement never durably reached the manager: a prompt is allowed). One
 * exception keeps the leeway meaningful. On a source whose reuse leeway is usable (at least
 * USABLE_LEEWAY_MS, e.g. Atlassian's 10 minutes), some losses are visible to the manager at once: a
 * refresh whose answer never came (dropped on the wire), or an answer without a refresh token (when an
 * earlier refresh of the grant showed that the source rotates). The manager then has time to present
 * the old token again and get a fresh one; if the process that saw such a loss never presented it
 * again while the leeway lasted (for a dropped answer: never retried after a network failure; and it
 * did not crash first), the later reuse is the manager's.
 *
 * Tokens are harness labels (`RT3`), never values.
 */
import type { GrantEndCause, LedgerEvent } from '../../mocks/types.ts'
import { formatDuration } from '../clock.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { IoEvent, ProcRef, RunRef, TraceStep } from '../world/types.ts'
import { formatProc, formatRun } from '../world/process-io.ts'
import { defineTraceIndex, type TraceIndexes } from './trace-indexes.ts'

/** A reuse leeway at least this long leaves a manager time to re-present a token after a missing refresh_token. */
export const USABLE_LEEWAY_MS = 60_000

type TokenRequest = Extract<IoEvent, { kind: 'token_request' }>

interface Link {
  familyKey: string
  kind: 'code' | 'refresh'
  requestSeq: number
  stepIndex: number
  atMs: number
  proc: ProcRef
  run?: RunRef
  /** The token this request presented (refresh). */
  presented?: string
  /** The refresh token this link minted, when the harness saw it in the answer. */
  refreshToken?: string
  accessToken?: string
  /** The answer reached the harness without the refresh token the source minted. */
  refreshTokenMissing: boolean
  fate: 'in_flight' | 'lost' | 'delivered'
  persisted: boolean
  acted: boolean
  crashed: boolean
  storeFailed: boolean
  /** The IO seq of the first refused write of it (store_fault), when the store refused one. */
  storeFailedSeq?: number
  /** When the presenting process claimed the credential for this request (its last lease write), else when it sent it. */
  claimedAtMs: number
  /** The answer was dropped on the wire (the process saw a network failure), not lost to a crash. */
  dropped: boolean
  reuseLeewayMs: number
  /** The source is documented to rotate on every refresh (ALWAYS_ROTATES), and this client's policy does. */
  knownToRotate: boolean
}

interface FamilyState {
  key: string
  pack: string
  familyId: string
  login: string
  links: Link[]
  ended?: { cause: GrantEndCause; excused: boolean }
}

export interface ReuseFinding {
  stepIndex: number
  seq: number
  atMs: number
  pack: string
  login: string
  familyId: string
  proc: ProcRef
  run?: RunRef
  /** The label of the token presented. */
  presented: string
  /** The source honoured it anyway (a second redemption outside the leeway). */
  redeemed: boolean
  excused: boolean
  /** Why, in words, without token values. */
  because: string
}

export interface RetryAfterFinding {
  stepIndex: number
  pack: string
  proc: ProcRef
  run?: RunRef
  retryAfterMs: number
  /** How long after the answer the next token request came. */
  afterMs: number
}

function sameProc(a: ProcRef, b: ProcRef): boolean {
  return a.instance === b.instance && a.generation === b.generation
}

function familyKey(pack: string, familyId: string): string {
  return `${pack}\u0000${familyId}`
}

/**
 * Follows a trace step by step (ingest each step once, in order). The oracle keeps one to attribute
 * grant ends; rules build one over a whole trace.
 */
export class RotationLedger {
  private readonly families = new Map<string, FamilyState>()
  private readonly linksByRequest = new Map<number, Link>()
  private readonly linksByToken = new Map<string, Link>()
  private readonly deliveredTo = new Map<string, Link[]>()
  private readonly rateLimits = new Map<
    string,
    { untilMs: number; retryAfterMs: number; atMs: number; seq: number }
  >()
  /** Every run the processes started, with whether the store refused one of its process's writes meanwhile. */
  private readonly runs: RunSpan[] = []
  /** Per process: when it last wrote a lease (claimed a credential). */
  private readonly lastClaimAt = new Map<string, number>()
  readonly reuses: ReuseFinding[] = []
  readonly retryAfterBreaches: RetryAfterFinding[] = []
  private ingested = 0

  /** Ingests the steps of `trace` not seen yet (the trace only ever grows). */
  follow(trace: readonly TraceStep[]): void {
    for (; this.ingested < trace.length; this.ingested++) this.ingest(trace[this.ingested]!)
  }

  ingest(step: TraceStep): void {
    for (const event of step.io ?? []) this.event(step.index, event)
  }

  /** The family `familyId` of `pack` ended by a reuse that was the world's doing. */
  endExcused(pack: string, familyId: string): boolean {
    return this.families.get(familyKey(pack, familyId))?.ended?.excused === true
  }

  /**
   * The family is alive at the source, but the refresh token it honours now never durably reached the
   * manager (its answer was lost to the world): the manager cannot refresh it, short of a leeway.
   */
  stranded(pack: string, familyId: string): boolean {
    const family = this.families.get(familyKey(pack, familyId))
    const last = family?.links[family.links.length - 1]
    return last !== undefined && lostToWorld(last)
  }

  private event(stepIndex: number, event: IoEvent): void {
    switch (event.kind) {
      case 'token_request':
        this.tokenRequest(stepIndex, event)
        break
      case 'token_delivered': {
        const link = this.linksByRequest.get(event.requestSeq)
        // A dropped answer "arrives" as a network error: the link stays lost.
        if (link && link.fate === 'in_flight') {
          link.fate = 'delivered'
          const key = procKey(event.proc)
          this.deliveredTo.set(key, [...(this.deliveredTo.get(key) ?? []), link])
        }
        const request = this.requestsBySeq.get(event.requestSeq)
        if (request?.retryAfterMs !== undefined) {
          this.rateLimits.set(`${procKey(event.proc)}\u0000${request.pack}`, {
            untilMs: event.atMs + request.retryAfterMs,
            retryAfterMs: request.retryAfterMs,
            atMs: event.atMs,
            seq: event.seq,
          })
        }
        break
      }
      case 'token_lost': {
        const link = this.linksByRequest.get(event.requestSeq)
        if (link) link.fate = 'lost'
        break
      }
      case 'api_request':
        for (const link of this.pendingOf(event.proc)) {
          if (link.accessToken === event.accessToken) link.acted = true
        }
        break
      case 'store_write':
        if (event.result === 'failed') {
          for (const link of this.pendingOf(event.proc)) {
            link.storeFailed = true
            link.storeFailedSeq ??= event.seq
          }
          for (const span of this.openRuns(event.proc)) span.refusedWrite = true
        } else if (event.result === 'ok' && !event.deletes) {
          if (event.leased === true) this.lastClaimAt.set(procKey(event.proc), event.atMs)
          const written =
            event.refreshToken === undefined ? undefined : this.linksByToken.get(event.refreshToken)
          if (written) written.persisted = true
          else if (event.refreshToken === undefined) {
            // A store the harness cannot read (encrypted values): any write after delivery counts.
            for (const link of this.pendingOf(event.proc)) link.persisted = true
          }
        }
        break
      case 'run_start':
        this.runs.push({
          proc: event.proc,
          run: event.run,
          startSeq: event.seq,
          startAtMs: event.atMs,
          refusedWrite: false,
        })
        break
      case 'run_end': {
        const span = this.openRuns(event.proc).find((r) => r.run.id === event.run.id)
        if (span) span.endSeq = event.seq
        break
      }
      case 'crash':
        for (const link of this.linksByRequest.values()) {
          if (!sameProc(link.proc, event.proc) || link.persisted) continue
          if (link.fate === 'in_flight') link.fate = 'lost'
          link.crashed = true
        }
        break
      default:
        break
    }
  }

  private readonly requestsBySeq = new Map<number, TokenRequest>()

  /** Runs started on this process that have not ended. */
  private openRuns(proc: ProcRef): RunSpan[] {
    return this.runs.filter((r) => r.endSeq === undefined && sameProc(r.proc, proc))
  }

  /** Links delivered to this process whose refresh token is not persisted yet. */
  private pendingOf(proc: ProcRef): Link[] {
    return (this.deliveredTo.get(procKey(proc)) ?? []).filter((l) => !l.persisted)
  }

  private tokenRequest(stepIndex: number, event: TokenRequest): void {
    this.requestsBySeq.set(event.seq, event)
    this.checkRetryAfter(stepIndex, event)
    let reuse: ReuseFinding | undefined
    for (const entry of event.ledger) {
      switch (entry.type) {
        case 'code_exchanged': {
          const key = familyKey(event.pack, entry.familyId)
          const family: FamilyState = {
            key,
            pack: event.pack,
            familyId: entry.familyId,
            login: entry.login,
            links: [],
          }
          this.families.set(key, family)
          this.addLink(family, stepIndex, event, 'code')
          break
        }
        case 'refresh': {
          const family = this.families.get(familyKey(event.pack, entry.familyId))
          if (!family) break
          if (entry.presented === 'retired_after_leeway' && family.ended === undefined) {
            reuse = this.judgeReuse(stepIndex, event, entry, family)
            this.reuses.push(reuse)
          }
          if (entry.result === 'issued' && event.rotation) this.addLink(family, stepIndex, event, 'refresh')
          break
        }
        case 'family_ended': {
          const family = this.families.get(familyKey(event.pack, entry.familyId))
          if (!family || family.ended) break
          const excused = entry.cause === 'reuse_detected' ? (reuse?.excused ?? false) : false
          family.ended = { cause: entry.cause, excused }
          break
        }
        default:
          break
      }
    }
  }

  private addLink(
    family: FamilyState,
    stepIndex: number,
    event: TokenRequest,
    kind: 'code' | 'refresh',
  ): void {
    const issued = event.issued
    const missing =
      issued !== undefined &&
      issued.refreshToken === undefined &&
      (kind === 'refresh' || event.fault === 'omit_refresh_token')
    const link: Link = {
      familyKey: family.key,
      kind,
      requestSeq: event.seq,
      stepIndex,
      atMs: event.atMs,
      proc: event.proc,
      ...(event.run ? { run: event.run } : {}),
      ...(event.presented !== undefined ? { presented: event.presented } : {}),
      ...(issued?.refreshToken !== undefined ? { refreshToken: issued.refreshToken } : {}),
      ...(issued?.accessToken !== undefined ? { accessToken: issued.accessToken } : {}),
      refreshTokenMissing: missing,
      fate: event.dropped ? 'lost' : 'in_flight',
      dropped: event.dropped,
      persisted: false,
      acted: false,
      crashed: false,
      storeFailed: false,
      claimedAtMs: Math.min(this.lastClaimAt.get(procKey(event.proc)) ?? event.sentAtMs, event.sentAtMs),
      reuseLeewayMs: event.reuseLeewayMs,
      knownToRotate: event.rotation && event.provider !== undefined && event.provider in ALWAYS_ROTATES,
    }
    family.links.push(link)
    this.linksByRequest.set(event.seq, link)
    if (link.refreshToken !== undefined) this.linksByToken.set(link.refreshToken, link)
  }

  private judgeReuse(
    stepIndex: number,
    event: TokenRequest,
    entry: Extract<LedgerEvent, { type: 'refresh' }>,
    family: FamilyState,
  ): ReuseFinding {
    const presented = event.presented ?? 'an unseen refresh token'
    const base = {
      stepIndex,
      seq: event.seq,
      atMs: event.atMs,
      pack: event.pack,
      login: family.login,
      familyId: family.familyId,
      proc: event.proc,
      ...(event.run ? { run: event.run } : {}),
      presented,
      redeemed: entry.result === 'issued',
    }
    const who = `${formatProc(event.proc)} presented ${presented}`
    const own = event.presented === undefined ? undefined : this.linksByToken.get(event.presented)
    if (!own || own.familyKey !== family.key) {
      return {
        ...base,
        excused: true,
        because: `${who}, which the harness never saw issued: not attributable`,
      }
    }
    const successors = family.links.slice(family.links.indexOf(own) + 1)
    if (successors.length === 0) {
      return { ...base, excused: true, because: `${who}; its replacement was never seen: not attributable` }
    }
    const kept = successors.find((s) => !lostToWorld(s))
    if (kept) {
      return {
        ...base,
        excused: false,
        because: `${who} after the source had replaced it with ${describeLink(kept)}`,
      }
    }
    // Losses the manager saw at once, on a source whose leeway leaves time to present the token again.
    const visible = successors.filter(
      (s) =>
        s.kind === 'refresh' &&
        s.reuseLeewayMs >= USABLE_LEEWAY_MS &&
        !s.crashed &&
        (s.dropped ||
          (s.fate === 'delivered' &&
            s.refreshTokenMissing &&
            (s.knownToRotate || rotationSeenBefore(family, s)))),
    )
    const unused = visible[0]
    if (unused !== undefined && !visible.some((s) => this.usedLeeway(s))) {
      const loss = unused.dropped ? 'its answer was dropped' : 'its answer came without a refresh token'
      return {
        ...base,
        excused: false,
        because: `${who} outside the source's ${formatDuration(unused.reuseLeewayMs)} leeway; the refresh that replaced it was seen to fail by ${formatProc(unused.proc)} (${loss}), which never presented ${presented} again while the leeway allowed it`,
      }
    }
    // A write the store refused, on a source whose leeway is usable: the retired token is the only
    // durable one, and a process that does not hold the replacement (another one, or the holder's
    // successor after a restart) ran this credential inside the leeway without presenting it again.
    for (const refused of successors.filter((s) => refusedInLeeway(s))) {
      if (this.presentedAgain(refused)) continue
      const chance = this.missedChance(family, refused)
      if (chance === undefined) continue
      return {
        ...base,
        excused: false,
        because: `${who} outside the source's ${formatDuration(refused.reuseLeewayMs)} leeway; the store refused ${formatProc(refused.proc)}'s write of ${refused.refreshToken ?? 'its replacement'}, and run ${formatRun(chance.run)} on ${formatProc(chance.proc)} ran inside the leeway without presenting ${presented} again (waiting out the lease of a holder that could not persist loses the grant)`,
      }
    }
    return {
      ...base,
      excused: true,
      because: `${who}; every replacement was lost to the world (${successors.map(describeLoss).join('; ')})`,
    }
  }

  /**
   * Did the process that saw this loss use the leeway: present the same token again while the source
   * still honoured it? Judged from the process's side, by time (a retry answered by a 5xx never
   * reaches the source's ledger): after a dropped answer, any other presentation of the token by that
   * process within the leeway counts (it retried after network failures, committed or not); after an
   * answer without a refresh token, one sent after it.
   */
  private usedLeeway(link: Link): boolean {
    const until = link.atMs + link.reuseLeewayMs
    for (const r of this.requestsBySeq.values()) {
      if (r.seq === link.requestSeq || !sameProc(r.proc, link.proc) || r.presented !== link.presented)
        continue
      if (r.sentAtMs >= until) continue
      if (link.dropped ? r.sentAtMs >= link.atMs - link.reuseLeewayMs : r.seq > link.requestSeq) return true
    }
    return false
  }

  /** Did any process present this link's token again while the source's leeway still honoured it? */
  private presentedAgain(link: Link): boolean {
    const until = link.atMs + link.reuseLeewayMs
    for (const r of this.requestsBySeq.values()) {
      if (r.seq > link.requestSeq && r.presented === link.presented && r.sentAtMs < until) return true
    }
    return false
  }

  /**
   * A run of the family's teammate and pack, on a process that does not hold the refused replacement,
   * that started after the refusal with time left in the leeway (a minute before it ends, counted from
   * the claim), ended, and saw no write of its own process refused: it could have presented the token.
   */
  private missedChance(family: FamilyState, link: Link): RunSpan | undefined {
    const deadline = link.claimedAtMs + link.reuseLeewayMs - USABLE_LEEWAY_MS
    return this.runs.find(
      (r) =>
        r.run.teammate === family.login &&
        r.run.pack === family.pack &&
        !sameProc(r.proc, link.proc) &&
        r.startSeq > (link.storeFailedSeq ?? Number.POSITIVE_INFINITY) &&
        r.startAtMs < deadline &&
        r.endSeq !== undefined &&
        !r.refusedWrite,
    )
  }

  private checkRetryAfter(stepIndex: number, event: TokenRequest): void {
    const limit = this.rateLimits.get(`${procKey(event.proc)}\u0000${event.pack}`)
    // Only a request sent after the process had the Retry-After in hand, and before it ran out.
    if (!limit || event.sentAfterSeq < limit.seq || event.sentAtMs >= limit.untilMs) return
    this.retryAfterBreaches.push({
      stepIndex,
      pack: event.pack,
      proc: event.proc,
      ...(event.run ? { run: event.run } : {}),
      retryAfterMs: limit.retryAfterMs,
      afterMs: event.sentAtMs - limit.atMs,
    })
  }
}

/**
 * Sources documented to rotate the refresh token on every refresh: a manager can know, before any
 * refresh, that an answer without a refresh token lost one, so the first refresh after Connect gets no
 * excuse there. Elsewhere only a rotation seen earlier in the family tells it (rotationSeenBefore).
 */
export const ALWAYS_ROTATES: Readonly<Partial<Record<ProviderId, string>>> = {
  jira: 'connectors.md §1 and the summary table: Atlassian "RT rotates | always" (rotating refresh tokens are mandatory for 3LO)',
  zendesk:
    'connectors.md §5 and the addendum: expiring Zendesk tokens "a refresh rotates both tokens" (legacy tokens have no refresh token at all)',
}

/**
 * Before `link`, a refresh answer of this family brought a new refresh token to the manager: it can
 * tell that the source rotates, so an answer without one means a token went missing. (On the first
 * refresh after Connect, a missing refresh token is what every non-rotating source sends.)
 */
function rotationSeenBefore(family: FamilyState, link: Link): boolean {
  const before = family.links.slice(0, family.links.indexOf(link))
  return before.some((l) => l.kind === 'refresh' && l.fate === 'delivered' && l.refreshToken !== undefined)
}

interface RunSpan {
  proc: ProcRef
  run: RunRef
  startSeq: number
  startAtMs: number
  endSeq?: number
  /** The store refused a write of the run's process while it ran. */
  refusedWrite: boolean
}

/** A delivered replacement the store refused to persist (never used), on a source with a usable leeway. */
function refusedInLeeway(link: Link): boolean {
  return (
    link.kind === 'refresh' &&
    link.reuseLeewayMs >= USABLE_LEEWAY_MS &&
    link.fate === 'delivered' &&
    link.storeFailed &&
    !link.persisted &&
    !link.acted &&
    !link.refreshTokenMissing
  )
}

function procKey(proc: ProcRef): string {
  return `${proc.instance}.${proc.generation}`
}

/** The link's refresh token never durably reached the manager, through no fault of the manager. */
function lostToWorld(link: Link): boolean {
  if (link.fate === 'lost') return true
  if (link.fate === 'in_flight') return false
  if (link.refreshTokenMissing) return true
  if (link.persisted || link.acted) return false
  return link.crashed || link.storeFailed
}

function describeLink(link: Link): string {
  const token = link.refreshToken ?? 'a new refresh token'
  const where = formatProc(link.proc)
  if (link.fate === 'in_flight') return `${token}, whose answer was on its way to ${where}`
  if (link.persisted) return `${token}, which ${where} had received and stored`
  if (link.acted)
    return `${token}, which ${where} had received and used (its access token reached the API) without storing it`
  return `${token}, which ${where} had received and still held`
}

function describeLoss(link: Link): string {
  const where = formatProc(link.proc)
  if (link.fate === 'lost') return `the answer to ${where} was lost`
  if (link.refreshTokenMissing) return `the answer to ${where} had no refresh token`
  if (link.crashed) return `${where} crashed before storing ${link.refreshToken ?? 'it'}`
  return `the store refused ${where}'s write of ${link.refreshToken ?? 'it'}`
}

const ROTATION_LEDGER = defineTraceIndex('rotation ledger', () => new RotationLedger())

/** The ledger over a trace, kept up to date incrementally (judgeTrace runs after every step). */
export function rotationLedgerOf(trace: readonly TraceStep[], indexes: TraceIndexes): RotationLedger {
  const ledger = indexes.of(ROTATION_LEDGER)
  ledger.follow(trace)
  return ledger
}

/**
 * The manager's processes as the harness sees them: every request a manager instance sends, every
 * response it receives and every read and write it makes to the shared credential store passes
 * through here. That gives three things:
 *
 * - **Interleaving points.** Before a request reaches a source, before its response reaches the
 *   process, and before each store read or write, `interleave(label)` is awaited. The default
 *   continues at once; the scheduler-driven exploration (src/suite/interleavings.ts) decides there
 *   which process goes next, so arrival order, response order and store order are all explored.
 * - **Crashes.** `kill(instance)` ends a process: whatever it had in flight never completes (a request
 *   already on the wire is still processed by the source; its response is lost), and its runs end in
 *   `crashed`. The store survives.
 * - **An IO log** (IoEvent) with tokens replaced by labels (`RT3`), from which the rules attribute a
 *   refresh-token reuse to the manager or to the world (src/rules/ledger-invariants.ts).
 *
 * Token values are read here (the harness plays the network) but only labels ever leave this module.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Clock } from '../clock.ts'
import type { LedgerEvent, RecordedRequest } from '../../mocks/types.ts'
import type { CredentialStore, ProviderId, StoredCredential } from '../manager/contract.ts'
import { providerClient } from '../providers/index.ts'
import { decodeResponseBody, headersToRecord, parseRetryAfterMs } from '../providers/wire.ts'
import type { IoEvent, ProcRef, RunRef, StepResult } from './types.ts'
import { StringBodyResponse, stringBodyRequest } from '../../mocks/string-body.ts'

/** What the world's serialized exchange with a mock returns: the answer and what the source recorded for it. */
export interface Exchanged {
  response?: Response
  error?: unknown
  ledger: LedgerEvent[]
  recorded: RecordedRequest[]
}

export interface TargetInfo {
  pack: string
  provider: ProviderId
  endpoint: 'token' | 'api' | 'other'
  rotation: boolean
  reuseLeewayMs: number
}

export interface ProcessIoOptions {
  clock: Clock
  store: CredentialStore
  interleave: (label: string) => Promise<void>
  /** Sends one request to the mock that owns its origin, one request per mock at a time. */
  exchange: (request: Request) => Promise<Exchanged>
  targetOf: (url: URL) => TargetInfo | undefined
  /** Follow each run through its async work (AsyncLocalStorage), not only when it runs alone on its process. */
  attributeRuns?: boolean
}

interface ProcState {
  generation: number
  kill: () => void
  died: Promise<void>
  active: Map<number, RunRef>
  /** Resolves when this incarnation reaches its first interleaving point. */
  started: Promise<void>
  start: () => void
  /** IO points reached, and the crash armed for the n-th one. */
  points: number
  crashAt?: { point: number; crash: () => void }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => {})
}

/** `P0`, and `P0'` after its first restart. */
export function formatProc(proc: ProcRef): string {
  return `P${proc.instance}${"'".repeat(proc.generation)}`
}

export function formatRun(run: RunRef | undefined): string {
  return run ? `${run.teammate}#${run.id}` : '-'
}

/** Reads grant_type and refresh_token from a token request body (form or JSON), whatever the dialect. */
export function tokenRequestFields(
  contentType: string | null,
  text: string,
): { grantType?: string; refreshToken?: string } {
  let get: (name: string) => unknown
  if (contentType?.includes('json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
    get = (name) => record[name]
  } else {
    const params = new URLSearchParams(text)
    get = (name) => params.get(name) ?? undefined
  }
  const grantType = get('grant_type')
  const refreshToken = get('refresh_token')
  return {
    ...(typeof grantType === 'string' ? { grantType } : {}),
    ...(typeof refreshToken === 'string' && refreshToken !== '' ? { refreshToken } : {}),
  }
}

function isLeased(credential: StoredCredential | undefined): boolean {
  return Object.keys(credential?.extras ?? {}).some((k) => k.includes('lease'))
}

export class ProcessIo {
  readonly log: IoEvent[] = []
  private seq = 0
  private runIds = 0
  private readonly procs: ProcState[] = []
  private readonly labels = new Map<string, string>()
  private readonly counters = { RT: 0, AT: 0 }
  private readonly context: AsyncLocalStorage<RunRef> | undefined

  constructor(private readonly options: ProcessIoOptions) {
    this.context = options.attributeRuns ? new AsyncLocalStorage<RunRef>() : undefined
  }

  /**
   * The world is over. An AsyncLocalStorage that has been entered makes Node run its hooks on every
   * promise of the thread until the last such storage is disabled: on Node 20 an `await` costs about
   * three times as much. Without this, one counterexample replay slowed everything after it.
   */
  close(): void {
    this.context?.disable()
  }

  /** The live incarnation of instance `instance` (created on first use). */
  current(instance: number): ProcRef {
    return { instance, generation: this.state(instance).generation }
  }

  isAlive(proc: ProcRef): boolean {
    return this.state(proc.instance).generation === proc.generation
  }

  /** Resolves once `proc` has reached an IO point (so a crash can land in the middle of its work). */
  started(proc: ProcRef): Promise<void> {
    const state = this.state(proc.instance)
    return state.generation === proc.generation ? state.started : Promise.resolve()
  }

  /**
   * Arms a crash: `crash` is called (and must kill the instance) when its current incarnation reaches
   * IO point number `fromNow` counted from now (1 = its next one). Returns a disarm function.
   */
  armCrash(instance: number, fromNow: number, crash: () => void): () => void {
    const state = this.state(instance)
    const armed = { point: state.points + Math.max(1, fromNow), crash }
    state.crashAt = armed
    return () => {
      if (state.crashAt === armed) delete state.crashAt
    }
  }

  /** Awaits the interleaving point `label` on behalf of `proc` (where an armed crash strikes). */
  private point(proc: ProcRef, label: string): Promise<void> {
    const state = this.state(proc.instance)
    if (state.generation === proc.generation) {
      state.start()
      state.points++
      if (state.crashAt !== undefined && state.points >= state.crashAt.point) {
        const { crash } = state.crashAt
        delete state.crashAt
        crash()
      }
    }
    return this.options.interleave(label)
  }

  /** Resolves when this incarnation dies (never, for one that outlives the world). */
  death(proc: ProcRef): Promise<void> {
    const state = this.state(proc.instance)
    return state.generation === proc.generation ? state.died : Promise.resolve()
  }

  /** The process dies: its pending work never completes. The next `current(instance)` is a new incarnation. */
  kill(instance: number): void {
    const state = this.state(instance)
    const proc = { instance, generation: state.generation }
    this.push({ kind: 'crash', proc, runs: [...state.active.values()] })
    const fresh = this.freshState(state.generation + 1)
    this.procs[instance] = fresh
    state.kill()
  }

  /**
   * Runs `work` as a new run of `proc`. IO the process does while this is its only run in flight is
   * attributed to it (with several in flight, single-flight may share work between them anyway).
   */
  async inRun<T>(
    proc: ProcRef,
    teammate: string,
    pack: string,
    work: (run: RunRef) => Promise<T>,
  ): Promise<T> {
    const run: RunRef = { id: ++this.runIds, teammate, pack }
    const state = this.state(proc.instance)
    state.active.set(run.id, run)
    this.push({ kind: 'run_start', proc, run })
    try {
      return await (this.context ? this.context.run(run, () => work(run)) : work(run))
    } finally {
      state.active.delete(run.id)
    }
  }

  /** Records the outcome of a run (if its process is still alive to give it). */
  endRun(proc: ProcRef, run: RunRef, result: StepResult): void {
    if (this.isAlive(proc)) this.push({ kind: 'run_end', proc, run, result })
  }

  /** The run this IO serves: followed through async work when asked, else the only run in flight on `proc`. */
  private soleRun(proc: ProcRef): RunRef | undefined {
    if (this.context) return this.context.getStore()
    if (!this.isAlive(proc)) return undefined
    const active = this.state(proc.instance).active
    return active.size === 1 ? [...active.values()][0] : undefined
  }

  /** The label of a token value the harness has seen (assigning the next one if new). */
  label(kind: 'RT' | 'AT', value: string): string {
    const known = this.labels.get(value)
    if (known !== undefined) return known
    this.counters[kind]++
    const label = `${kind}${this.counters[kind]}`
    this.labels.set(value, label)
    return label
  }

  private knownLabel(value: string | undefined): string | undefined {
    return value === undefined ? undefined : this.labels.get(value)
  }

  /** The fetch a manager instance gets: token requests are tapped; all requests pass the interleaving points. */
  fetchFor(proc: ProcRef): typeof fetch {
    return async (input, init) => {
      const request = stringBodyRequest(input, init)
      const url = new URL(request.url)
      const target = this.options.targetOf(url)
      const run = this.soleRun(proc)
      const who = `${formatProc(proc)} ${formatRun(run)}`
      if (target?.endpoint !== 'token') {
        await this.point(proc, `${who} -> ${url.pathname}`)
        if (!this.isAlive(proc)) return never()
        const exchanged = await this.options.exchange(request)
        await this.point(proc, `${who} <- ${url.pathname}`)
        if (!this.isAlive(proc)) return never()
        if (exchanged.response === undefined) throw exchanged.error
        return exchanged.response
      }

      const fields = tokenRequestFields(request.headers.get('content-type'), await bodyTextOf(request, init))
      const sentAfterSeq = this.seq
      const sentAtMs = this.options.clock.now()
      await this.point(proc, `${who} -> token ${fields.grantType ?? '?'}`)
      // A process that died before sending sends nothing; one that dies after, has its request processed.
      if (!this.isAlive(proc)) return never()
      const exchanged = await this.options.exchange(request)
      const presented = fields.refreshToken === undefined ? undefined : this.label('RT', fields.refreshToken)
      let issued: { refreshToken?: string; accessToken?: string; expiresInMs?: number } | undefined
      let retryAfterMs: number | undefined
      // Read once and hand the manager a Response over the same text: clone() tees the body stream,
      // which was a visible share of the suite's profile.
      const response = exchanged.response === undefined ? undefined : await rebuilt(exchanged.response)
      if (response !== undefined) {
        const headers = headersToRecord(response.headers)
        const now = this.options.clock.now()
        retryAfterMs = parseRetryAfterMs(headers['retry-after'], now)
        const parsed = providerClient(target.provider).parseTokenResponse(
          response.status,
          headers,
          decodeResponseBody(response.text),
          now,
        )
        if (parsed.kind === 'success') {
          // The refresh token first: a response's tokens are labelled RT before AT, in arrival order.
          const refreshToken =
            parsed.token.refreshToken === undefined ? undefined : this.label('RT', parsed.token.refreshToken)
          const accessToken = this.label('AT', parsed.token.accessToken)
          issued = {
            ...(refreshToken === undefined ? {} : { refreshToken }),
            accessToken,
            ...(parsed.token.expiresInMs === undefined ? {} : { expiresInMs: parsed.token.expiresInMs }),
          }
        }
      }
      const fault = exchanged.recorded.find((r) => r.fault !== undefined)?.fault
      const requestSeq = this.push({
        kind: 'token_request',
        sentAfterSeq,
        sentAtMs,
        pack: target.pack,
        proc,
        ...(run ? { run } : {}),
        ...(fields.grantType !== undefined ? { grantType: fields.grantType } : {}),
        ...(presented !== undefined ? { presented } : {}),
        ...(response !== undefined ? { status: response.status } : {}),
        dropped: response === undefined,
        ...(fault !== undefined ? { fault } : {}),
        ledger: exchanged.ledger,
        ...(issued ? { issued } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        rotation: target.rotation,
        reuseLeewayMs: target.reuseLeewayMs,
        provider: target.provider,
      })
      await this.point(proc, `${who} <- token`)
      if (!this.isAlive(proc)) {
        this.push({ kind: 'token_lost', requestSeq, proc, ...(run ? { run } : {}) })
        return never()
      }
      this.push({ kind: 'token_delivered', requestSeq, proc, ...(run ? { run } : {}) })
      if (response === undefined) throw exchanged.error
      return response.fresh()
    }
  }

  /** An API call of a run (the agent's call with the token the manager supplied). */
  async apiCall(
    proc: ProcRef,
    run: RunRef,
    accessToken: string,
    send: () => Promise<Response>,
  ): Promise<Response> {
    const pack = run.pack
    const who = `${formatProc(proc)} ${formatRun(run)}`
    await this.point(proc, `${who} -> api`)
    if (!this.isAlive(proc)) return never()
    const response = await send()
    this.push({
      kind: 'api_request',
      pack,
      proc,
      run,
      accessToken: this.label('AT', accessToken),
      status: response.status,
    })
    await this.point(proc, `${who} <- api`)
    if (!this.isAlive(proc)) return never()
    return response
  }

  /** The store a manager instance gets: reads and writes pass the interleaving points and are logged. */
  storeFor(proc: ProcRef): CredentialStore {
    const store = this.options.store
    return {
      get: async (key) => {
        const run = this.soleRun(proc)
        await this.point(proc, `${formatProc(proc)} ${formatRun(run)} store.get ${key}`)
        if (!this.isAlive(proc)) return never()
        const row = await store.get(key)
        const refreshToken = this.knownLabel(row?.credential.refreshToken)
        this.push({
          kind: 'store_read',
          proc,
          ...(run ? { run } : {}),
          key,
          ...(row ? { version: row.version } : {}),
          ...(refreshToken !== undefined ? { refreshToken } : {}),
          ...(isLeased(row?.credential) ? { leased: true } : {}),
        })
        return row
      },
      compareAndSet: async (key, expectedVersion, next) => {
        const run = this.soleRun(proc)
        await this.point(proc, `${formatProc(proc)} ${formatRun(run)} store.cas ${key} v${expectedVersion}`)
        if (!this.isAlive(proc)) return never()
        const refreshToken = this.knownLabel(next?.refreshToken)
        const base = {
          kind: 'store_write' as const,
          proc,
          ...(run ? { run } : {}),
          key,
          expectedVersion,
          deletes: next === undefined,
          ...(refreshToken !== undefined ? { refreshToken } : {}),
          ...(isLeased(next) ? { leased: true } : {}),
        }
        let ok: boolean
        try {
          ok = await store.compareAndSet(key, expectedVersion, next)
        } catch (error) {
          this.push({ ...base, result: 'failed' })
          throw error
        }
        this.push({ ...base, result: ok ? 'ok' : 'conflict' })
        return ok
      },
      keys: () => store.keys(),
    }
  }

  /** `event` is a fresh literal at every call site: it is stamped in place (a spread copy showed in the profile). */
  private push(event: DistributiveOmit<IoEvent, 'seq' | 'atMs'>): number {
    const seq = ++this.seq
    const stamped = event as { seq?: number; atMs?: number }
    stamped.seq = seq
    stamped.atMs = this.options.clock.now()
    this.log.push(stamped as IoEvent)
    return seq
  }

  private state(instance: number): ProcState {
    let state = this.procs[instance]
    if (state === undefined) {
      state = this.freshState(0)
      this.procs[instance] = state
    }
    return state
  }

  private freshState(generation: number): ProcState {
    let kill: () => void = () => {}
    const died = new Promise<void>((resolve) => {
      kill = resolve
    })
    let start: () => void = () => {}
    const started = new Promise<void>((resolve) => {
      start = resolve
    })
    return { generation, kill, died, active: new Map(), started, start, points: 0 }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A request's body text: from `init` when the manager passed a string or form (no stream read), else read from a clone. */
async function bodyTextOf(request: Request, init: RequestInit | undefined): Promise<string> {
  const body = init?.body
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  return request.clone().text()
}

/** A response read once: its text for the harness, and a fresh Response over the same text for the manager. */
async function rebuilt(
  response: Response,
): Promise<{ status: number; headers: Headers; text: string; fresh(): Response }> {
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    fresh: () =>
      new StringBodyResponse(text === '' ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      }),
  }
}

import { createHash } from 'node:crypto'
import { ManualClock, OffsetClock } from '../clock.ts'
import { createSequentialIds, type IdSource } from '../ids.ts'
import type { GrantTruth, MockProvider } from '../../mocks/types.ts'
import {
  type ApiResult,
  type CreateManager,
  isOutcome,
  type PackDescriptor,
  type TokenManager,
} from '../manager/contract.ts'
import { createMemoryCredentialStore } from '../manager/memory-store.ts'
import { createFaultyStore, type FaultyStore } from './faulty-store.ts'
import { type Exchanged, ProcessIo, type TargetInfo } from './process-io.ts'
import { providerClient } from '../providers/index.ts'
import { LabError } from '../errors.ts'
import { APP_APPROVAL_KEY, mockFactoryFor } from './mock-registry.ts'
import type { MockPool } from './mock-pool.ts'
import { HeldGrants } from './held-grants.ts'
import { createIndexingConnector, type IndexingConnector } from './indexing-connector.ts'
import { validateOrg } from './org.ts'
import { forgetsAfterRun } from './product.ts'
import type { OrgSpec, PackSpec, ProductClear, StepResult, TimelineEvent, TraceStep } from './types.ts'

export interface WorldOptions {
  org: OrgSpec
  createManager: CreateManager
  /** How many manager instances (processes) share the credential store. Runs use instance 0 unless concurrent. */
  managerInstances?: number
  /** The manager's clock runs this far ahead of (positive) or behind the sources. */
  managerClockSkewMs?: number
  /**
   * Awaited at every IO point of a manager process (a request reaching a source, its response reaching
   * the process, a store read or write); see process-io.ts. The interleaving exploration decides the
   * order of concurrent work here. Default: continue at once.
   */
  interleave?: (label: string) => Promise<void>
  /**
   * Attribute every IO event to the run it serves, even with several runs in flight on one process
   * (AsyncLocalStorage: slower, so for printing a counterexample, not for exploring).
   */
  attributeRuns?: boolean
  /**
   * Lease the packs' mocks from this pool (reset ones where it has them) and give them back on
   * `close()`, after which the world answers no more requests. Default: build the world's own.
   */
  mocks?: MockPool
}

interface PackRuntime {
  spec: PackSpec
  mock: MockProvider
  /** The search-indexing connector's separate OAuth app in the same source, when the pack has one. */
  indexing?: IndexingConnector
  descriptor: PackDescriptor
  clientId: string
  /** The secret the source currently accepts, and the one the admin console holds. */
  sourceSecret: string
  consoleSecret: string
  /** How long the source's authorization codes live for this pack's client (its policy's codeTtlMs). */
  codeTtlMs: number
}

const REDIRECT_BASE = 'https://app.reconnect-lab.test/oauth/callback'

/**
 * The simulated org: mocks per pack, the manager under test, and a virtual clock. `apply` plays one
 * timeline event and returns what happened; the oracle judges it afterwards. Everything is in-process.
 */
export class World {
  readonly clock = new ManualClock()
  readonly trace: TraceStep[] = []
  private readonly ids: IdSource = createSequentialIds()
  private readonly packs = new Map<string, PackRuntime>()
  private readonly mocksByOrigin = new Map<string, MockProvider>()
  private readonly store: FaultyStore = createFaultyStore(createMemoryCredentialStore())
  /** The manager's processes: their IO, interleaving points and crashes. */
  readonly io: ProcessIo
  /** One request at a time per mock, so each request's ledger entries are exactly attributable. */
  private readonly mockQueues = new Map<MockProvider, Promise<unknown>>()
  private readonly clientPolicies = new Map<string, { rotation: boolean; reuseLeewayMs: number }>()
  /** The token families the manager's own code exchanges created (what `grantTruth` reads). */
  private readonly held = new HeldGrants()
  private managers: TokenManager[] = []
  private disposals: Promise<unknown>[] = []
  /** The packs' mocks went back to the pool: a late request from a dropped process must not reach them. */
  private released = false
  /** When each instance's background hook is due next (world clock), once it has one. */
  private readonly nextTick = new Map<number, number>()
  private readonly startMs: number
  readonly org: OrgSpec
  /**
   * Per pack: sign-ins on teammates' other devices so far (other_devices), which number the next one.
   * Their families are never the manager's (HeldGrants only learns from its own processes).
   */
  private readonly otherDeviceSignIns = new Map<string, number>()

  constructor(private readonly options: WorldOptions) {
    validateOrg(options.org)
    this.org = options.org
    this.startMs = this.clock.now()
    this.io = new ProcessIo({
      clock: this.clock,
      store: this.store,
      interleave: options.interleave ?? (() => Promise.resolve()),
      exchange: (request) => this.exchange(request),
      targetOf: (url) => this.targetOf(url),
      ...(options.attributeRuns ? { attributeRuns: true } : {}),
    })
    for (const spec of options.org.packs) this.packs.set(spec.id, this.createPack(spec))
    this.managers = this.createManagers()
  }

  /** Routes a request to the mock that owns its origin; anything else is a harness bug, not a network call. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const mock = this.mocksByOrigin.get(url.origin)
    if (!mock) throw new TypeError(`reconnect-lab: no mock listens on ${url.origin} (in-process world)`)
    return this.serialized(mock, () => {
      this.checkOpen(url)
      return mock.fetch(input, init)
    })
  }

  /** Runs `call` on `mock` after every earlier call to it has finished. */
  private serialized<T>(mock: MockProvider, call: () => Promise<T>): Promise<T> {
    const previous = this.mockQueues.get(mock) ?? Promise.resolve()
    const next = previous.then(call, call)
    this.mockQueues.set(
      mock,
      next.catch(() => undefined),
    )
    return next
  }

  /** One request to the mock owning its origin, with the ledger entries and records it produced. */
  private exchange(request: Request): Promise<Exchanged> {
    const url = new URL(request.url)
    const mock = this.mocksByOrigin.get(url.origin)
    if (!mock) throw new TypeError(`reconnect-lab: no mock listens on ${url.origin} (in-process world)`)
    return this.serialized(mock, async () => {
      this.checkOpen(url)
      const ledgerMark = mock.control.ledgerMark()
      const requestMark = mock.control.requestMark()
      let response: Response | undefined
      let error: unknown
      try {
        response = await mock.fetch(request)
      } catch (caught) {
        error = caught
      }
      const ledger = mock.control.ledgerSince(ledgerMark)
      this.held.observe(ledger)
      return {
        ...(response !== undefined ? { response } : { error }),
        ledger,
        recorded: mock.control.requestsSince(requestMark),
      }
    })
  }

  private checkOpen(url: URL): void {
    if (this.released)
      throw new TypeError(`reconnect-lab: ${url.origin} belongs to a world that has closed (a late request)`)
  }

  private targetOf(url: URL): TargetInfo | undefined {
    for (const [id, p] of this.packs) {
      if (new URL(p.mock.issuer).origin !== url.origin) continue
      const path = (endpoint: string) => new URL(endpoint).pathname
      const endpoint =
        url.pathname === path(p.descriptor.endpoints.token)
          ? 'token'
          : url.pathname === path(p.descriptor.endpoints.api)
            ? 'api'
            : 'other'
      const policy = this.clientPolicies.get(id) ?? { rotation: false, reuseLeewayMs: 0 }
      return { pack: id, provider: p.spec.provider, endpoint, ...policy }
    }
    return undefined
  }

  pack(packId: string): PackRuntime {
    const pack = this.packs.get(packId)
    if (!pack) throw new LabError('UNKNOWN_PACK', `unknown pack "${packId}"`)
    return pack
  }

  packIds(): string[] {
    return [...this.packs.keys()]
  }

  /** The source's truth about the grant the manager holds (other devices' grants of the account do not count). */
  grantTruth(teammate: string, packId: string): GrantTruth {
    const pack = this.pack(packId)
    return pack.mock.control.grantTruth(teammate, pack.clientId, this.held.of(teammate, pack.clientId))
  }

  /** True when a custom pack's source secret was rotated and the admin console still holds the old one. */
  secretMismatch(packId: string): boolean {
    const pack = this.pack(packId)
    return pack.sourceSecret !== pack.consoleSecret
  }

  async apply(event: TimelineEvent): Promise<TraceStep> {
    this.checkEvent(event)
    const atMs = this.clock.now()
    const marks = new Map(
      [...this.packs].map(([id, p]) => [
        id,
        { requests: p.mock.control.requestMark(), ledger: p.mock.control.ledgerMark() },
      ]),
    )
    const subject = 'teammate' in event ? { teammate: event.teammate, pack: event.pack } : undefined
    const truthBefore = subject ? this.grantTruth(subject.teammate, subject.pack) : undefined
    const pairTruthBefore =
      event.type === 'concurrent_runs'
        ? event.runs.map((r) => this.grantTruth(r.teammate, r.pack))
        : undefined
    let result: StepResult = { kind: 'none' }
    let results: StepResult[] | undefined
    let productClears: ProductClear[] | undefined
    let codeExpiredAtCallback: boolean | undefined
    const ioMark = this.io.log.length

    switch (event.type) {
      case 'advance':
        await this.advance(event.ms)
        break
      case 'run':
        result = await this.runOn(0, event.teammate, event.pack)
        productClears = await this.productForgets([{ ...event, result }])
        break
      case 'connect':
        ;({ result, codeExpiredAtCallback } = await this.connect(
          event.teammate,
          event.pack,
          event.callbackDelayMs ?? 0,
        ))
        break
      case 'revoke': {
        const pack = this.pack(event.pack)
        pack.mock.control.revokeGrant(event.teammate, pack.clientId, event.by)
        break
      }
      case 'rotate_secret': {
        const pack = this.pack(event.pack)
        pack.sourceSecret = pack.mock.control.rotateClientSecret(pack.clientId)
        break
      }
      case 'update_secret': {
        const pack = this.pack(event.pack)
        pack.consoleSecret = pack.sourceSecret
        for (const manager of this.managers)
          await manager.updateClientSecret(pack.spec.id, pack.consoleSecret)
        break
      }
      case 'clear_credentials': {
        const error = await this.clearInConsole(event.teammate, event.pack)
        // The console showed the admin an error (a store outage, say): nothing was cleared for sure.
        if (error !== undefined) result = { kind: 'manager_error', message: error }
        break
      }
      case 'fault':
        this.pack(event.pack).mock.control.injectFault({
          endpoint: event.endpoint,
          fault: event.fault,
          times: event.times,
        })
        break
      case 'concurrent_runs': {
        const count = this.managers.length
        const instances = event.runs.map((r, i) => (r.instance ?? i) % count)
        const victim = event.crash === undefined ? undefined : event.crash % count
        const busy = victim !== undefined && instances.includes(victim)
        if (victim !== undefined && busy && event.crashAtIo !== undefined) {
          // The process dies as it reaches that IO point; if it finishes first, right after.
          let struck = false
          const disarm = this.io.armCrash(victim, event.crashAtIo, () => {
            struck = true
            this.restart(victim)
          })
          results = await Promise.all(event.runs.map((r, i) => this.runOn(instances[i]!, r.teammate, r.pack)))
          disarm()
          if (!struck) this.restart(victim)
          const answered = results
          productClears = await this.productForgets(
            event.runs.map((r, i) => ({ ...r, result: answered[i]! })),
          )
          break
        }
        // A process with runs to do crashes once it is at work, where the interleaving chooses.
        const started = busy ? this.io.started(this.io.current(victim)) : undefined
        const runs = event.runs.map((r, i) => this.runOn(instances[i]!, r.teammate, r.pack))
        const crash = victim === undefined ? undefined : this.crashDuring(victim, started)
        results = await Promise.all(runs)
        await crash
        const answered = results
        productClears = await this.productForgets(event.runs.map((r, i) => ({ ...r, result: answered[i]! })))
        break
      }
      case 'store_fault':
        this.store.failWrites(event.failures, event.afterWrites ?? 0)
        break
      case 'restart_manager':
        // A restart is a crash of every process between steps: memory is lost, the store survives.
        for (let i = 0; i < this.managers.length; i++) this.io.kill(i)
        for (const manager of this.managers) this.drop(manager)
        this.nextTick.clear()
        this.managers = this.createManagers()
        break
      case 'approve_app':
        this.pack(event.pack).mock.control.approve(APP_APPROVAL_KEY)
        break
      case 'indexing':
        await this.indexing(event.pack, event.action)
        break
      case 'other_devices':
        for (let i = 0; i < event.count; i++) await this.signInElsewhere(event.teammate, event.pack)
        break
    }

    const requests: TraceStep['requests'] = []
    const ledger: TraceStep['ledger'] = []
    for (const [id, p] of this.packs) {
      const mark = marks.get(id)!
      for (const r of p.mock.control.requestsSince(mark.requests)) requests.push({ ...r, pack: id })
      for (const e of p.mock.control.ledgerSince(mark.ledger)) ledger.push({ ...e, pack: id })
    }
    const io = this.io.log.slice(ioMark)
    const step: TraceStep = {
      index: this.trace.length,
      atMs,
      elapsedMs: atMs - this.startMs,
      event,
      result,
      ...(results ? { results } : {}),
      ...(truthBefore ? { truthBefore, truthAfter: this.grantTruth(subject!.teammate, subject!.pack) } : {}),
      ...(pairTruthBefore && event.type === 'concurrent_runs'
        ? {
            truths: event.runs.map((r, i) => ({
              before: pairTruthBefore[i]!,
              after: this.grantTruth(r.teammate, r.pack),
            })),
          }
        : {}),
      requests,
      ledger,
      ...(io.length > 0 ? { io } : {}),
      ...(productClears && productClears.length > 0 ? { productClears } : {}),
      ...(codeExpiredAtCallback !== undefined ? { codeExpiredAtCallback } : {}),
    }
    this.trace.push(step)
    return step
  }

  /** Clears a teammate's stored credentials as the admin console does; the console's error, if it showed one. */
  private async clearInConsole(teammate: string, packId: string): Promise<string | undefined> {
    // The admin console is one place: clearing through one instance clears the shared store.
    try {
      await this.managers[0]!.clearCredentials(teammate, packId)
      return undefined
    } catch (error) {
      return describeError(error)
    }
  }

  /**
   * The product around the manager (PackSpec.product): on packs that forget credentials after every
   * run, each run that answered (a crashed process answered nobody) is followed by a console clear of
   * its teammate, once per teammate and pack, in run order.
   */
  private async productForgets(
    runs: Array<{ teammate: string; pack: string; result: StepResult }>,
  ): Promise<ProductClear[] | undefined> {
    const clears: ProductClear[] = []
    const done = new Set<string>()
    for (const { teammate, pack, result } of runs) {
      const key = `${pack}\u0000${teammate}`
      if (result.kind === 'crashed' || done.has(key) || !forgetsAfterRun(this.pack(pack).spec.product))
        continue
      done.add(key)
      const error = await this.clearInConsole(teammate, pack)
      clears.push({ teammate, pack, ...(error !== undefined ? { error } : {}) })
    }
    return clears.length > 0 ? clears : undefined
  }

  /**
   * Moves time forward by `ms`. Managers that declared a background hook get `tick()` at every
   * multiple of their `everyMs` on the way (counted from their creation), outside any run, with the
   * clock set to that instant; without hooks this is one jump, so a 365-day horizon costs nothing.
   */
  private async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms
    for (;;) {
      let next = Number.POSITIVE_INFINITY
      for (const [i, manager] of this.managers.entries()) {
        if (manager.background === undefined) continue
        const due = this.nextTick.get(i) ?? this.clock.now() + manager.background.everyMs
        this.nextTick.set(i, due)
        next = Math.min(next, due)
      }
      if (next > end) break
      this.clock.set(Math.max(next, this.clock.now()))
      const due = [...this.managers.entries()].filter(([i]) => this.nextTick.get(i) === next)
      await Promise.all(
        due.map(async ([i, manager]) => {
          this.nextTick.set(i, next + (manager.background?.everyMs ?? Number.POSITIVE_INFINITY))
          try {
            await manager.background?.tick()
          } catch {
            // Background work is best effort, as in production: a failed tick shows in the next run.
          }
        }),
      )
    }
    this.clock.set(Math.max(end, this.clock.now()))
  }

  /** A run on one instance's current process; `crashed` if that process dies before answering. */
  private async runOn(instance: number, teammate: string, packId: string): Promise<StepResult> {
    const proc = this.io.current(instance)
    const manager = this.managers[instance]!
    const running = this.io.inRun(proc, teammate, packId, async (run) => {
      const result = await this.run(manager, teammate, packId, (accessToken, send) =>
        this.io.apiCall(proc, run, accessToken, send),
      )
      this.io.endRun(proc, run, result)
      return result
    })
    const crashed = this.io.death(proc).then((): StepResult => ({ kind: 'crashed' }))
    return Promise.race([running, crashed])
  }

  /** Kills instance `instance` at a point the interleaving chooses, and starts a fresh process in its place. */
  private async crashDuring(instance: number, started: Promise<void> | undefined): Promise<void> {
    await started
    await (this.options.interleave ?? (() => Promise.resolve()))(`crash P${instance}`)
    this.restart(instance)
  }

  /** Instance `instance`'s process dies; a fresh one (empty memory, same store) takes its place. */
  private restart(instance: number): void {
    this.io.kill(instance)
    this.drop(this.managers[instance])
    this.nextTick.delete(instance)
    this.managers[instance] = this.createManager(instance)
  }

  /** The harness will not call `manager` again: let it release what it holds (its dispose, if any). */
  private drop(manager: TokenManager | undefined): void {
    if (manager?.dispose === undefined) return
    const disposing = Promise.resolve()
      .then(() => manager.dispose?.())
      .catch(() => undefined)
    this.disposals.push(disposing)
  }

  /** The world is over: every live instance is dropped (disposed) and their disposals awaited. */
  async close(): Promise<void> {
    for (const manager of this.managers) this.drop(manager)
    this.managers = []
    await Promise.all(this.disposals)
    this.disposals = []
    this.io.close()
    const pool = this.options.mocks
    if (pool === undefined || this.released) return
    this.released = true
    for (const pack of this.packs.values()) pool.release(pack.mock)
  }

  private async run(
    manager: TokenManager,
    teammate: string,
    packId: string,
    tap: (accessToken: string, send: () => Promise<Response>) => Promise<Response>,
  ): Promise<StepResult> {
    const pack = this.pack(packId)
    const callApi = async (accessToken: string): Promise<ApiResult> => {
      const res = await tap(accessToken, () =>
        this.fetch(pack.descriptor.endpoints.api, {
          headers: { authorization: `Bearer ${accessToken}` },
        }),
      )
      const headers: Record<string, string> = {}
      res.headers.forEach((value, key) => {
        headers[key] = value
      })
      const text = await res.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // not JSON: the manager gets the text
      }
      return { status: res.status, headers, body }
    }
    return this.callManager(() => manager.run(teammate, packId, callApi))
  }

  /**
   * The harness plays the browser: follow the authorization URL as the teammate, hand back the redirect,
   * `callbackDelayMs` after the source sent it (time moves as with an `advance` event). With a delay,
   * whether the code the redirect carries had outlived the source's code lifetime by then.
   */
  private async connect(
    teammate: string,
    packId: string,
    callbackDelayMs: number,
  ): Promise<{ result: StepResult; codeExpiredAtCallback?: boolean }> {
    const pack = this.pack(packId)
    const manager = this.managers[0]!
    let authorizationUrl: string
    try {
      ;({ authorizationUrl } = await manager.beginConnect(teammate, packId))
    } catch (error) {
      return { result: { kind: 'manager_error', message: describeError(error) } }
    }
    const url = new URL(authorizationUrl)
    url.searchParams.set('login_hint', teammate)
    const res = await this.fetch(url, { redirect: 'manual' })
    const location = res.headers.get('location')
    if (
      res.status < 300 ||
      res.status >= 400 ||
      !location ||
      !location.startsWith(pack.descriptor.redirectUri)
    ) {
      await res.body?.cancel()
      return { result: { kind: 'stuck_at_source', status: res.status } }
    }
    await res.body?.cancel()
    // The code was issued as the source redirected; the core refuses it once now >= issue + codeTtlMs.
    const late =
      callbackDelayMs > 0 && providerClient(pack.spec.provider).parseCallback(location).kind === 'code'
    if (callbackDelayMs > 0) await this.advance(callbackDelayMs)
    const result = await this.callManager(() => manager.completeConnect(teammate, packId, location))
    return late ? { result, codeExpiredAtCallback: callbackDelayMs >= pack.codeTtlMs } : { result }
  }

  /**
   * The teammate consents to the pack's app on another device: the browser flow and the code exchange
   * a client of that provider makes, straight to the source (not through the manager's processes).
   */
  private async signInElsewhere(teammate: string, packId: string): Promise<void> {
    const pack = this.pack(packId)
    const client = providerClient(pack.spec.provider)
    // The other device is the same app: it holds the secret the source accepts now.
    const descriptor: PackDescriptor = { ...pack.descriptor, clientSecret: pack.sourceSecret }
    const n = (this.otherDeviceSignIns.get(packId) ?? 0) + 1
    const verifier = `other-device-${n}-${'v'.repeat(43)}`
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const url = new URL(
      client.authorizationUrl(descriptor, { state: `other-device-${n}`, codeChallenge: challenge }),
    )
    url.searchParams.set('login_hint', teammate)
    const refused = (why: string) =>
      new LabError(
        'INVALID_EVENT',
        `other_devices(${teammate}@${packId}): the source refused sign-in number ${n} on another device (${why})`,
      )
    const authorized = await this.fetch(url, { redirect: 'manual' })
    await authorized.body?.cancel()
    const callback = client.parseCallback(authorized.headers.get('location') ?? '')
    if (callback.kind !== 'code') throw refused(`authorize answered ${authorized.status}`)
    const mark = pack.mock.control.ledgerMark()
    const request = client.tokenRequest(descriptor, {
      grantType: 'authorization_code',
      code: callback.code,
      codeVerifier: verifier,
    })
    const exchanged = await this.fetch(request.url, request.init)
    await exchanged.body?.cancel()
    if (!pack.mock.control.ledgerSince(mark).some((e) => e.type === 'code_exchanged'))
      throw refused(`the code exchange answered ${exchanged.status}`)
    this.otherDeviceSignIns.set(packId, n)
  }

  private async indexing(packId: string, action: 'connect' | 'disconnect' | 'revoke'): Promise<void> {
    const pack = this.pack(packId)
    if (!pack.indexing)
      throw new LabError(
        'INVALID_EVENT',
        `indexing(${packId}): the pack has no indexing connector (options.indexingConnector)`,
      )
    await pack.indexing[action]()
  }

  private async callManager(call: () => Promise<unknown>): Promise<StepResult> {
    try {
      const outcome = await call()
      if (!isOutcome(outcome)) {
        return {
          kind: 'manager_error',
          message: `returned something that is not an Outcome: ${safeJson(outcome)}`,
        }
      }
      return { kind: 'outcome', outcome }
    } catch (error) {
      return { kind: 'manager_error', message: describeError(error) }
    }
  }

  private createPack(spec: PackSpec): PackRuntime {
    const origin = `http://${spec.id}.${spec.provider}.mock`
    const mockClock = new OffsetClock(this.clock)
    const input = {
      issuer: origin,
      ...(spec.instance !== undefined ? { instance: spec.instance } : {}),
      ...(spec.options !== undefined ? { options: spec.options } : {}),
      ...(spec.approvalRequired ? { approvalRequired: true } : {}),
    }
    const mock = this.options.mocks
      ? this.options.mocks.lease(spec.provider, input, mockClock, this.ids)
      : mockFactoryFor(spec.provider)({ ...input, clock: mockClock, ids: this.ids })
    const redirectUri = `${REDIRECT_BASE}/${encodeURIComponent(spec.id)}`
    // A central app runs on the provider's defaults; only a custom app carries the org's policy.
    const client = mock.control.createClient({
      redirectUris: [redirectUri],
      ...(spec.setup === 'custom' && spec.policy ? { policy: spec.policy } : {}),
    })
    this.clientPolicies.set(spec.id, {
      rotation: client.policy.rotation,
      reuseLeewayMs: client.policy.reuseLeewayMs,
    })
    for (const teammate of this.options.org.teammates) mock.control.createUser({ login: teammate })
    this.mocksByOrigin.set(new URL(mock.issuer).origin, mock)
    const client_ = providerClient(spec.provider)
    const descriptor: PackDescriptor = {
      id: spec.id,
      provider: spec.provider,
      setup: spec.setup,
      baseUrl: mock.issuer,
      endpoints: client_.endpoints(mock.issuer),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri,
      scopes: spec.scopes ?? client_.defaultScopes,
    }
    return {
      spec,
      mock,
      descriptor,
      ...(spec.options?.['indexingConnector'] === true
        ? {
            indexing: createIndexingConnector({
              mock,
              provider: client_,
              fetch: this.fetch,
              redirectBase: REDIRECT_BASE,
              packId: spec.id,
            }),
          }
        : {}),
      clientId: client.clientId,
      sourceSecret: client.clientSecret,
      consoleSecret: client.clientSecret,
      codeTtlMs: client.policy.codeTtlMs,
    }
  }

  private createManagers(): TokenManager[] {
    const count = Math.max(1, this.options.managerInstances ?? 1)
    const managers: TokenManager[] = []
    for (let i = 0; i < count; i++) managers.push(this.createManager(i))
    return managers
  }

  /** A fresh manager for instance `instance`'s current process, over the shared store. */
  private createManager(instance: number): TokenManager {
    const clock = new OffsetClock(
      this.clock,
      this.options.managerClockSkewMs ?? this.options.org.managerClockSkewMs ?? 0,
    )
    const proc = this.io.current(instance)
    // Each instance gets its own copy of the descriptors, with the secret the console holds now.
    const packs = [...this.packs.values()].map((p) => ({ ...p.descriptor, clientSecret: p.consoleSecret }))
    return this.options.createManager({
      fetch: this.io.fetchFor(proc),
      clock,
      packs,
      store: this.io.storeFor(proc),
    })
  }

  private checkEvent(event: TimelineEvent): void {
    const teammates = new Set(this.org.teammates)
    const check = (teammate: string | undefined, pack: string | undefined) => {
      if (teammate !== undefined && !teammates.has(teammate))
        throw new LabError('UNKNOWN_TEAMMATE', `event ${event.type} names unknown teammate "${teammate}"`)
      if (pack !== undefined) this.pack(pack)
    }
    if (event.type === 'concurrent_runs') for (const r of event.runs) check(r.teammate, r.pack)
    else check('teammate' in event ? event.teammate : undefined, 'pack' in event ? event.pack : undefined)
    if (event.type === 'rotate_secret' && this.pack(event.pack).spec.setup === 'central') {
      throw new LabError(
        'INVALID_EVENT',
        `rotate_secret(${event.pack}): a central app's secret belongs to the product, the org cannot rotate it`,
      )
    }
    if (event.type === 'advance' && (!Number.isFinite(event.ms) || event.ms < 0)) {
      throw new LabError('INVALID_EVENT', `advance needs a duration >= 0, got ${event.ms}`)
    }
    if (
      event.type === 'connect' &&
      event.callbackDelayMs !== undefined &&
      (!Number.isFinite(event.callbackDelayMs) || event.callbackDelayMs < 0)
    ) {
      throw new LabError(
        'INVALID_EVENT',
        `connect(${event.teammate}, ${event.pack}) needs a callback delay >= 0, got ${event.callbackDelayMs}`,
      )
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export function createWorld(options: WorldOptions): World {
  return new World(options)
}

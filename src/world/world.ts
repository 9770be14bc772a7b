import { ManualClock, OffsetClock } from '../clock.ts'
import { createSequentialIds, type IdSource } from '../ids.ts'
import type { GrantTruth, MockProvider } from '../../mocks/types.ts'
import {
  type ApiResult,
  type CreateManager,
  type CredentialStore,
  isOutcome,
  type PackDescriptor,
  type TokenManager,
} from '../manager/contract.ts'
import { createMemoryCredentialStore } from '../manager/memory-store.ts'
import { providerClient } from '../providers/index.ts'
import { LabError } from './errors.ts'
import { APP_APPROVAL_KEY, mockFactoryFor } from './mock-registry.ts'
import { createIndexingConnector, type IndexingConnector } from './indexing-connector.ts'
import { validateOrg } from './org.ts'
import type { OrgSpec, PackSpec, StepResult, TimelineEvent, TraceStep } from './types.ts'

export interface WorldOptions {
  org: OrgSpec
  createManager: CreateManager
  /** How many manager instances (processes) share the credential store. Runs use instance 0 unless concurrent. */
  managerInstances?: number
  /** The manager's clock runs this far ahead of (positive) or behind the sources. */
  managerClockSkewMs?: number
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
  private readonly store: CredentialStore = createMemoryCredentialStore()
  private managers: TokenManager[] = []
  private readonly startMs: number
  readonly org: OrgSpec

  constructor(private readonly options: WorldOptions) {
    validateOrg(options.org)
    this.org = options.org
    this.startMs = this.clock.now()
    for (const spec of options.org.packs) this.packs.set(spec.id, this.createPack(spec))
    this.managers = this.createManagers()
  }

  /** Routes a request to the mock that owns its origin; anything else is a harness bug, not a network call. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const mock = this.mocksByOrigin.get(url.origin)
    if (!mock) throw new TypeError(`reconnect-lab: no mock listens on ${url.origin} (in-process world)`)
    return mock.fetch(input, init)
  }

  pack(packId: string): PackRuntime {
    const pack = this.packs.get(packId)
    if (!pack) throw new LabError('UNKNOWN_PACK', `unknown pack "${packId}"`)
    return pack
  }

  packIds(): string[] {
    return [...this.packs.keys()]
  }

  grantTruth(teammate: string, packId: string): GrantTruth {
    const pack = this.pack(packId)
    return pack.mock.control.grantTruth(teammate, pack.clientId)
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
        { requests: p.mock.requests().length, ledger: p.mock.control.ledger().length },
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

    switch (event.type) {
      case 'advance':
        this.clock.advance(event.ms)
        break
      case 'run':
        result = await this.run(0, event.teammate, event.pack)
        break
      case 'connect':
        result = await this.connect(event.teammate, event.pack)
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
      case 'clear_credentials':
        // The admin console is one place: clearing through one instance clears the shared store.
        await this.managers[0]!.clearCredentials(event.teammate, event.pack)
        break
      case 'fault':
        this.pack(event.pack).mock.control.injectFault({
          endpoint: event.endpoint,
          fault: event.fault,
          times: event.times,
        })
        break
      case 'concurrent_runs':
        results = await Promise.all(
          event.runs.map((r, i) => this.run(i % this.managers.length, r.teammate, r.pack)),
        )
        break
      case 'restart_manager':
        this.managers = this.createManagers()
        break
      case 'approve_app':
        this.pack(event.pack).mock.control.approve(APP_APPROVAL_KEY)
        break
      case 'indexing':
        await this.indexing(event.pack, event.action)
        break
    }

    const requests: TraceStep['requests'] = []
    const ledger: TraceStep['ledger'] = []
    for (const [id, p] of this.packs) {
      const mark = marks.get(id)!
      for (const r of p.mock.requests().slice(mark.requests)) requests.push({ ...r, pack: id })
      for (const e of p.mock.control.ledger().slice(mark.ledger)) ledger.push({ ...e, pack: id })
    }
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
    }
    this.trace.push(step)
    return step
  }

  private async run(instance: number, teammate: string, packId: string): Promise<StepResult> {
    const pack = this.pack(packId)
    const callApi = async (accessToken: string): Promise<ApiResult> => {
      const res = await this.fetch(pack.descriptor.endpoints.api, {
        headers: { authorization: `Bearer ${accessToken}` },
      })
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
    return this.callManager(() => this.managers[instance]!.run(teammate, packId, callApi))
  }

  /** The harness plays the browser: follow the authorization URL as the teammate, hand back the redirect. */
  private async connect(teammate: string, packId: string): Promise<StepResult> {
    const pack = this.pack(packId)
    const manager = this.managers[0]!
    let authorizationUrl: string
    try {
      ;({ authorizationUrl } = await manager.beginConnect(teammate, packId))
    } catch (error) {
      return { kind: 'manager_error', message: describeError(error) }
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
      return { kind: 'stuck_at_source', status: res.status }
    }
    await res.body?.cancel()
    return this.callManager(() => manager.completeConnect(teammate, packId, location))
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
    const mock = mockFactoryFor(spec.provider)({
      clock: mockClock,
      ids: this.ids,
      issuer: origin,
      ...(spec.instance !== undefined ? { instance: spec.instance } : {}),
      ...(spec.options !== undefined ? { options: spec.options } : {}),
      ...(spec.approvalRequired ? { approvalRequired: true } : {}),
    })
    const redirectUri = `${REDIRECT_BASE}/${encodeURIComponent(spec.id)}`
    // A central app runs on the provider's defaults; only a custom app carries the org's policy.
    const client = mock.control.createClient({
      redirectUris: [redirectUri],
      ...(spec.setup === 'custom' && spec.policy ? { policy: spec.policy } : {}),
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
    }
  }

  private createManagers(): TokenManager[] {
    const count = Math.max(1, this.options.managerInstances ?? 1)
    const clock = new OffsetClock(this.clock, this.options.managerClockSkewMs ?? 0)
    const managers: TokenManager[] = []
    for (let i = 0; i < count; i++) {
      // Each instance gets its own copy of the descriptors, with the secret the console holds now.
      const packs = [...this.packs.values()].map((p) => ({ ...p.descriptor, clientSecret: p.consoleSecret }))
      managers.push(this.options.createManager({ fetch: this.fetch, clock, packs, store: this.store }))
    }
    return managers
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

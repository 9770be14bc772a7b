/**
 * Any in-process TokenManager (a module exporting createManager) served over the manager protocol:
 * `node --import tsx examples/protocol-shim/shim.ts [module | --mutant <id>]` (default: the reference
 * manager; `--mutant <id>` a shipped known-bug manager of scenarios/mutants/, `none` the reference, for
 * `selfcheck --manager-cmd "node --import tsx examples/protocol-shim/shim.ts --mutant {mutant}"`).
 * The parity test drives the reference manager through it and compares the report with the
 * in-process one; the protocol benchmark measures its cost. It reaches the sources with the
 * global fetch (real HTTP to the loopback URLs of its descriptors), the clock and the store by
 * callbacks, like a manager in any other language would.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type {
  CallApi,
  CreateManager,
  CredentialStore,
  PackDescriptor,
  StoredCredential,
  TokenManager,
} from '../../src/manager/contract.ts'
import { yieldToEventLoop } from '../../src/clock.ts'
import { NOW_HEADER } from '../../src/manager/protocol/gateway.ts'
import { type Json, PROTOCOL_VERSION, RpcPeer } from '../../src/manager/protocol/rpc.ts'

const path = process.argv[2]
async function load(): Promise<{ createManager: CreateManager }> {
  if (path === '--mutant') {
    const id = process.argv[3]
    if (id === undefined || id === 'none') return import('../../src/manager/reference-manager.ts')
    const { MUTANTS } = await import('../../scenarios/mutants/index.ts')
    const mutant = MUTANTS.find((m) => m.id === id)
    if (!mutant) {
      process.stderr.write(`shim: unknown mutant ${id}\n`)
      process.exit(2)
    }
    return mutant
  }
  return path === undefined
    ? import('../../src/manager/reference-manager.ts')
    : import(pathToFileURL(resolve(path)).href)
}
const mod = await load()

interface Served {
  manager: TokenManager
  now: number
  /** HTTP requests sent and not yet read to the end (the `settle` answer). */
  inFlight: number
}
const instances = new Map<string, Served>()
/** Statuses whose Response cannot carry a body. */
const NULL_BODY = new Set([101, 204, 205, 304])
type Params = Record<string, unknown>

const peer: RpcPeer = new RpcPeer(
  process.stdin,
  process.stdout,
  async (method, raw) => handle(method, (raw ?? {}) as Params),
  (problem) => {
    process.stderr.write(`shim: the harness ${problem}\n`)
    process.exit(1)
  },
)
process.stdin.on('end', () => process.exit(0))

async function callback(served: Served, instance: string, method: string, params: Params): Promise<Params> {
  const result = (await peer.request(method, { instance, ...params } as Json)) as Params
  if (typeof result['now'] === 'number') served.now = Math.max(served.now, result['now'])
  return result
}

function createInstance(instance: string, packs: PackDescriptor[], now: number): Served {
  const served = { now, inFlight: 0 } as Served
  const store: CredentialStore = {
    get: async (key) =>
      ((await callback(served, instance, 'store.get', { key }))['row'] ?? undefined) as never,
    compareAndSet: async (key, expectedVersion, next?: StoredCredential) =>
      (
        await callback(served, instance, 'store.compareAndSet', {
          key,
          expectedVersion,
          next: next ?? null,
        })
      )['ok'] === true,
    keys: async () => (await callback(served, instance, 'store.keys', {}))['keys'] as string[],
  }
  served.manager = mod.createManager({
    // Every gateway answer carries the instance's virtual time: the round trip's time is seen, as in process.
    // The body is read here, so "in flight" ends when the answer is wholly in this process.
    fetch: async (input, init) => {
      served.inFlight++
      try {
        const response = await fetch(input, init)
        const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer()
        const now = Number(response.headers.get(NOW_HEADER) ?? Number.NaN)
        if (Number.isFinite(now)) served.now = Math.max(served.now, now)
        return new Response(body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        })
      } finally {
        served.inFlight--
      }
    },
    clock: {
      now: () => served.now,
      sleep: async (ms) => void (await callback(served, instance, 'sleep', { ms })),
    },
    packs,
    store,
  })
  return served
}

async function handle(method: string, params: Params): Promise<Json> {
  if (method === 'initialize')
    return { protocolVersion: PROTOCOL_VERSION, manager: { name: 'reconnect-lab shim' }, settle: true }
  if (method === 'settle') {
    // One thread: once the event loop comes round, every call is answered or waits (on the harness,
    // on an HTTP answer, or on another call). Two turns, so work queued by the first has run too.
    await yieldToEventLoop()
    await yieldToEventLoop()
    return { inFlight: Object.fromEntries([...instances].map(([id, s]) => [id, s.inFlight])) }
  }
  if (method === 'shutdown') process.exit(0)
  const instance = params['instance'] as string
  if (method === 'create') {
    instances.set(
      instance,
      createInstance(instance, params['packs'] as PackDescriptor[], params['now'] as number),
    )
    return {}
  }
  const served = instances.get(instance)
  if (!served) throw new Error(`unknown instance ${instance}`)
  if (typeof params['now'] === 'number') served.now = Math.max(served.now, params['now'])
  const m = served.manager
  const s = (name: string) => params[name] as string
  switch (method) {
    case 'dispose':
      instances.delete(instance)
      await m.dispose?.()
      return {}
    case 'run': {
      const callApi: CallApi = async (accessToken) => {
        const r = await callback(served, instance, 'callApi', { call: s('call'), accessToken })
        return {
          status: r['status'] as number,
          headers: r['headers'] as Record<string, string>,
          body: r['body'],
        }
      }
      return (await m.run(s('teammate'), s('pack'), callApi)) as unknown as Json
    }
    case 'beginConnect':
      return (await m.beginConnect(s('teammate'), s('pack'))) as unknown as Json
    case 'completeConnect':
      return (await m.completeConnect(s('teammate'), s('pack'), s('callbackUrl'))) as unknown as Json
    case 'clearCredentials':
      await m.clearCredentials(s('teammate'), s('pack'))
      return {}
    case 'updateClientSecret':
      await m.updateClientSecret(s('pack'), s('secret'))
      return {}
    default:
      throw new Error(`no manager method ${method}`)
  }
}

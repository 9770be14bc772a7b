/**
 * A token manager in another process, in any language, put under test through the manager protocol
 * (docs/PROTOCOL.md): JSON-RPC 2.0, newline-delimited, over the child's stdin and stdout.
 *
 * One long-lived process holds every manager instance the harness creates (thousands per run);
 * `create`/`dispose` bound each instance's life, and an instance whose simulated process crashed is
 * disposed and cut off: its callbacks are refused and its HTTP connections destroyed, so it can do
 * nothing more to the store or the sources. The manager reaches the sources over real HTTP at the
 * loopback URLs of its pack descriptors (gateway.ts) and calls back for the agent's API call, the
 * clock and the shared credential store.
 *
 * The process dying, writing anything but JSON-RPC to stdout, answering what was never asked or
 * speaking another protocol version fails every pending and later call with one message naming the
 * command, the call and what went wrong, with the end of its stderr (redacted). The harness never
 * waits on it without a real-time limit (the guard's per-call timeout, a handshake timeout).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { startStopwatch, withRealTimeout } from '../../clock.ts'
import { redactSecrets } from '../../redact.ts'
import { LabError } from '../../errors.ts'
import type {
  ApiResult,
  CallApi,
  CreateManager,
  CredentialStore,
  ManagerEnv,
  PackDescriptor,
  StoredCredential,
  TokenManager,
} from '../contract.ts'
import { guardManager } from '../load.ts'
import { registerSettled } from '../settling.ts'
import { createMemoryCredentialStore } from '../memory-store.ts'
import { type Gateway, NOW_HEADER, startGateway } from './gateway.ts'
import { type Json, PROTOCOL_VERSION, RPC_ERRORS, RpcCallbackError, RpcPeer, type TrafficTap } from './rpc.ts'

export const HANDSHAKE_TIMEOUT_MS = 10_000
/**
 * Real time without any message from the process after which a call that is neither answered nor
 * waiting on the harness counts as waiting on something inside the process (another call's lock).
 */
export const SETTLE_SILENCE_MS = 10
/** How long a manager that declared `settle` may take to answer it before the silence rule applies. */
const SETTLE_ANSWER_MS = 1000
/** `settle` questions per scheduling decision before the silence rule applies. */
const SETTLE_ASKS = 8
/**
 * Real time a decision may keep asking while the process is busy (`moved`) or its IO is on the wire
 * (`wire`). Neither spends one of the SETTLE_ASKS: on a loaded machine a request can take longer than
 * the silence to reach the gateway, and a busy process can move on eight times in a row; deciding
 * then would diverge from the in-process schedule (a request stamped as sent after an answer the
 * process had not yet read: parity.test.ts's rare failure).
 */
const SETTLE_WIRE_BUDGET_MS = 2000
const STDERR_KEEP = 16 * 1024

export interface ProtocolManagerOptions {
  /** The shell command that starts the manager process, e.g. `python3 examples/python/adapter.py`. */
  command: string
  cwd: string
  callTimeoutMs?: number
  /** Sees every message both ways (tests validate real traffic against the schemas). */
  tap?: TrafficTap
}

export interface ProtocolManager {
  /** Guarded like an in-process module: timeouts, outcome validation, redaction. */
  createManager: CreateManager
  label: string
  /** What the process wrote to stderr (the last 16 KB), redacted. */
  stderr(): string
  /** Why the process is unusable, once it is. */
  failure(): string | undefined
  /**
   * How the waits before scheduling decisions ended: on a `settle` answer, or on the silence rule
   * (a manager that does not answer `settle`, or whose answers kept finding something on the wire).
   */
  settling(): { answered: number; silent: number }
  /** It declared `settle` in its initialize answer. */
  settles: boolean
  close(): Promise<void>
}

interface Instance {
  env: ManagerEnv
  store: CredentialStore
  calls: Map<string, CallApi>
  gone: boolean
  /** Rejects once the instance is dropped: whatever it still waits for (a callback, a call) ends at once. */
  dropped: Promise<never>
  drop: (error: Error) => void
  /** This instance's harness calls in flight, and how many of them wait on the harness now. */
  motion: { calls: number; waiting: number }
}

/** `work`, unless the instance is dropped first (its simulated process crashed mid-call). */
function unlessDropped<T>(instance: Instance, work: Promise<T>): Promise<T> {
  return Promise.race([work, instance.dropped])
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Points every URL of a descriptor at the gateway: `http://host/p` -> `<base>/host/p`. */
function throughGateway(url: string, base: string): string {
  const u = new URL(url)
  return `${base}/${u.host}${u.pathname}${u.search}`
}

function viaGateway(pack: PackDescriptor, base: string): PackDescriptor {
  const e = pack.endpoints
  return {
    ...pack,
    baseUrl: throughGateway(pack.baseUrl, base),
    endpoints: {
      authorize: throughGateway(e.authorize, base),
      token: throughGateway(e.token, base),
      ...(e.revoke !== undefined ? { revoke: throughGateway(e.revoke, base) } : {}),
      api: throughGateway(e.api, base),
    },
  }
}

/** The browser follows the authorization URL on the mock itself: map a gateway URL back to the mock's. */
function fromGateway(url: string, base: string): string {
  if (!url.startsWith(`${base}/`)) return url
  return `http://${url.slice(base.length + 1)}`
}

export async function startProtocolManager(options: ProtocolManagerOptions): Promise<ProtocolManager> {
  const label = `--manager-cmd "${options.command}"`
  const gateway: Gateway = await startGateway()
  let stderr = ''
  let failure: string | undefined
  let closing = false
  const child: ChildProcess = spawn(options.command, {
    cwd: options.cwd,
    shell: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP)
  })
  const stderrTail = () => {
    const lines = redactSecrets(stderr).trimEnd().split('\n').slice(-8)
    return lines.join('\n').trim() === '' ? '' : `; its stderr ends:\n    ${lines.join('\n    ')}`
  }
  const instances = new Map<string, Instance>()
  let nextInstance = 0
  let nextCall = 0
  /** The manager answers `settle` (declared in its initialize answer). */
  let canSettle = false
  const settling = { answered: 0, silent: 0 }

  // What is in motion, over live instances: harness calls the process has not answered, and of those
  // how many wait on the harness (a callback being served, an HTTP request at the gateway). A call
  // that does neither is running in the process, on its way to its next IO point. A dropped instance
  // counts no more: its IO may be parked forever in a world that has moved on.
  const motion = { calls: 0, waiting: 0 }
  let activity = 0
  const watchers: Array<() => void> = []
  const poke = () => {
    activity++
    for (const wake of watchers.splice(0)) wake()
  }
  const counted = <T>(instance: Instance, work: Promise<T>, kind: 'calls' | 'waiting'): Promise<T> => {
    if (instance.gone) return work
    instance.motion[kind]++
    motion[kind]++
    poke()
    return work.finally(() => {
      if (instance.gone) return
      instance.motion[kind]--
      motion[kind]--
      poke()
    })
  }
  const forget = (instance: Instance) => {
    motion.calls -= instance.motion.calls
    motion.waiting -= instance.motion.waiting
    instance.motion = { calls: 0, waiting: 0 }
    poke()
  }
  /**
   * Asks a manager that declared `settle` whether it has nothing runnable. `settled`: it answered with
   * no other message or harness work in between, and every HTTP request it has in flight is at the
   * gateway, unanswered (none on the wire either way), so a call that is neither answered nor waiting
   * on the harness is blocked inside the process (on another call's lock). `moved`: something
   * happened meanwhile, ask again. `wire`: an HTTP request or answer is on its way. `unknown`: no
   * usable answer in time.
   */
  async function askSettled(): Promise<'settled' | 'moved' | 'wire' | 'unknown'> {
    const seen = activity
    const late = new Error('settle')
    let answer: unknown
    try {
      answer = await withRealTimeout(peer.request('settle', {}), SETTLE_ANSWER_MS, () => late)
    } catch (error) {
      // Slow (a loaded machine) is not wrong: the silence rule takes over. An error answer breaks
      // what initialize declared; a dead process has already failed everything.
      if (error !== late && failure === undefined)
        breakWith(
          `broke the protocol: it declared settle in initialize, then ${error instanceof Error ? error.message : String(error)}`,
        )
      return 'unknown'
    }
    const inFlight = isRecord(answer) ? answer['inFlight'] : undefined
    if (
      !isRecord(inFlight) ||
      !Object.values(inFlight).every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
    ) {
      breakWith(
        `broke the protocol: it answered settle with ${JSON.stringify(answer)?.slice(0, 120)}, not {"inFlight": {"<instance>": <requests in flight>}} (docs/protocol/settle.result.schema.json)`,
      )
      return 'unknown'
    }
    // The answer itself is one message from the process.
    if (activity !== seen + 1) return 'moved'
    for (const id of instances.keys()) if ((inFlight[id] ?? 0) !== gateway.open(id)) return 'wire'
    return 'settled'
  }

  /** Resolves once every call in flight waits on the harness or is answered (or the process is silent). */
  async function settled(silenceMs = SETTLE_SILENCE_MS): Promise<void> {
    let asks = 0
    let wireSince: (() => number) | undefined
    while (failure === undefined && motion.calls > motion.waiting) {
      if (canSettle && asks < SETTLE_ASKS) {
        asks++
        const state = await askSettled()
        if (state === 'settled') {
          settling.answered++
          return
        }
        if (state === 'moved' || state === 'wire') {
          // Not an answer to give up on: the process is busy or its IO is on the wire. Ask again for
          // as long as the budget lasts (a lying count or a never-quiet process is bounded by it).
          wireSince ??= startStopwatch()
          if (wireSince() < SETTLE_WIRE_BUDGET_MS) asks--
          if (state === 'moved') continue
        }
      }
      if (failure !== undefined || motion.calls === motion.waiting) return
      const seen = activity
      const changed = new Promise<void>((resolve) => watchers.push(resolve))
      const quiet = await withRealTimeout(
        changed.then(() => false),
        silenceMs,
        () => new Error('quiet'),
      ).catch(() => true)
      // Silence: the process is blocked on itself, unless a manager that answers `settle` can still
      // be asked (what was on the wire has reached it in the meantime).
      if (quiet && activity === seen && !(canSettle && asks < SETTLE_ASKS)) {
        settling.silent++
        return
      }
    }
  }

  const breakWith = (problem: string) => {
    if (failure !== undefined) return
    const during = peer.pendingMethods()
    failure = `${label}: the manager process ${problem}${during.length > 0 ? ` (while the harness waited for ${[...new Set(during)].join(', ')})` : ''}${stderrTail()}`
    peer.fail(new Error(failure))
    if (child.exitCode === null) child.kill('SIGKILL')
  }

  const peer = new RpcPeer(
    child.stdout!,
    child.stdin!,
    (method, params) => callback(method, params),
    (problem) => breakWith(`broke the protocol: it ${problem}`),
    (direction, message) => {
      options.tap?.(direction, message)
      if (direction === 'from-manager') poke()
    },
  )
  child.stdin?.on('error', () => undefined)
  child.on('error', (error) => breakWith(`could not be started: ${error.message}`))
  child.on('exit', (code, signal) => {
    if (closing) return
    // Let the last stderr lines arrive before quoting them.
    setImmediate(() => breakWith(`exited ${signal ? `on signal ${signal}` : `with code ${code}`}`))
  })

  async function callback(method: string, params: unknown): Promise<Json> {
    if (!isRecord(params) || typeof params['instance'] !== 'string')
      throw new RpcCallbackError(RPC_ERRORS.invalidParams, `${method}: params.instance (string) is required`)
    const instance = instances.get(params['instance'])
    if (!instance || instance.gone)
      throw new RpcCallbackError(
        RPC_ERRORS.instanceGone,
        `instance ${params['instance']} was disposed or its process crashed: nothing was done`,
      )
    return unlessDropped(instance, counted(instance, serveCallback(instance, method, params), 'waiting'))
  }

  async function serveCallback(
    instance: Instance,
    method: string,
    params: Record<string, unknown>,
  ): Promise<Json> {
    const { env, store } = instance
    const now = () => env.clock.now()
    const str = (name: string) => {
      const v = params[name]
      if (typeof v !== 'string')
        throw new RpcCallbackError(RPC_ERRORS.invalidParams, `${method}: params.${name} must be a string`)
      return v
    }
    switch (method) {
      case 'callApi': {
        const call = instance.calls.get(str('call'))
        if (!call)
          throw new RpcCallbackError(
            RPC_ERRORS.invalidParams,
            `callApi: no run in flight with call ${params['call']}`,
          )
        let result: ApiResult
        try {
          result = await call(str('accessToken'))
        } catch (error) {
          throw new RpcCallbackError(
            RPC_ERRORS.failed,
            `network error: ${error instanceof Error ? error.message : String(error)}`,
          )
        }
        return { status: result.status, headers: result.headers, body: result.body as Json, now: now() }
      }
      case 'now':
        return { now: now() }
      case 'sleep': {
        const ms = params['ms']
        if (typeof ms !== 'number' || !(ms >= 0))
          throw new RpcCallbackError(RPC_ERRORS.invalidParams, 'sleep: params.ms must be a number >= 0')
        await env.clock.sleep(ms)
        return { now: now() }
      }
      case 'store.get': {
        const row = await store.get(str('key'))
        return { row: (row ?? null) as Json, now: now() }
      }
      case 'store.compareAndSet': {
        const expected = params['expectedVersion']
        const next = params['next']
        if (typeof expected !== 'number' || !(next === null || isRecord(next)))
          throw new RpcCallbackError(
            RPC_ERRORS.invalidParams,
            'store.compareAndSet: expectedVersion (number) and next (credential or null) are required',
          )
        let ok: boolean
        try {
          ok = await store.compareAndSet(
            str('key'),
            expected,
            next === null ? undefined : (next as unknown as StoredCredential),
          )
        } catch (error) {
          throw new RpcCallbackError(
            RPC_ERRORS.failed,
            `store write failed: ${error instanceof Error ? error.message : String(error)}`,
          )
        }
        return { ok, now: now() }
      }
      case 'store.keys':
        return { keys: await store.keys(), now: now() }
      default:
        throw new RpcCallbackError(RPC_ERRORS.methodNotFound, `no harness method ${method}`)
    }
  }

  // Handshake: the version both sides speak, and what the manager declares (a background schedule).
  let hello: unknown
  try {
    hello = await withRealTimeout(
      peer.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        harness: { name: 'reconnect-lab' },
      }),
      HANDSHAKE_TIMEOUT_MS,
      () =>
        new Error(`${label}: no answer to initialize within ${HANDSHAKE_TIMEOUT_MS / 1000} s${stderrTail()}`),
    )
  } catch (error) {
    await shutdown()
    throw new LabError(
      'MANAGER_LOAD',
      redactSecrets(failure ?? (error instanceof Error ? error.message : String(error))),
    )
  }
  const problem = !isRecord(hello)
    ? 'answered initialize with something that is not an object'
    : hello['protocolVersion'] !== PROTOCOL_VERSION
      ? `speaks protocol version ${JSON.stringify(hello['protocolVersion'])}; this reconnect-lab speaks ${PROTOCOL_VERSION}`
      : undefined
  const declared =
    isRecord(hello) && isRecord(hello['background']) ? hello['background']['everyMs'] : undefined
  if (problem || (declared !== undefined && (typeof declared !== 'number' || declared < 60_000))) {
    await shutdown()
    throw new LabError(
      'MANAGER_LOAD',
      `${label}: ${problem ?? 'declared background.everyMs that is not a number >= 60000'}`,
    )
  }
  const backgroundEveryMs = declared as number | undefined
  canSettle = isRecord(hello) && hello['settle'] === true

  const create: CreateManager = (env: ManagerEnv): TokenManager => {
    const id = `m${++nextInstance}`
    const base = gateway.base(id)
    let drop: (error: Error) => void = () => {}
    const dropped = new Promise<never>((_, reject) => {
      drop = reject
    })
    dropped.catch(() => undefined)
    const instance: Instance = {
      env,
      store: env.store ?? createMemoryCredentialStore(),
      calls: new Map(),
      gone: false,
      dropped,
      drop,
      motion: { calls: 0, waiting: 0 },
    }
    instances.set(id, instance)
    // Each answer carries the instance's virtual time (X-Lab-Now), as every callback answer does: a
    // manager that reads its clock after an HTTP round trip sees the time the round trip took.
    gateway.attach(id, async (input, init) => {
      const response = await counted(instance, env.fetch(input, init), 'waiting')
      const headers = new Headers(response.headers)
      headers.set(NOW_HEADER, String(env.clock.now()))
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      })
    })
    const packs = env.packs.map((p) => viaGateway(p, base))
    const created = counted(
      instance,
      peer.request('create', { instance: id, packs: packs as unknown as Json, now: env.clock.now() }),
      'calls',
    )
    created.catch(() => undefined)
    const call = async (method: string, params: Record<string, Json>): Promise<unknown> => {
      await unlessDropped(instance, created)
      return unlessDropped(
        instance,
        counted(instance, peer.request(method, { instance: id, ...params, now: env.clock.now() }), 'calls'),
      )
    }
    return {
      async run(teammate, pack, callApi) {
        const callId = `c${++nextCall}`
        instance.calls.set(callId, callApi)
        try {
          return (await call('run', { call: callId, teammate, pack })) as never
        } finally {
          instance.calls.delete(callId)
        }
      },
      async beginConnect(teammate, pack) {
        const result = await call('beginConnect', { teammate, pack })
        if (isRecord(result) && typeof result['authorizationUrl'] === 'string')
          return { authorizationUrl: fromGateway(result['authorizationUrl'], base) }
        return result as never
      },
      completeConnect: (teammate, pack, callbackUrl) =>
        call('completeConnect', { teammate, pack, callbackUrl }) as never,
      clearCredentials: async (teammate, pack) => void (await call('clearCredentials', { teammate, pack })),
      updateClientSecret: async (pack, secret) => void (await call('updateClientSecret', { pack, secret })),
      async dispose() {
        forget(instance)
        instance.gone = true
        instance.drop(
          new RpcCallbackError(
            RPC_ERRORS.instanceGone,
            `instance ${id} was dropped (its process crashed or the timeline ended)`,
          ),
        )
        gateway.drop(id)
        instances.delete(id)
        if (failure === undefined)
          await peer.request('dispose', { instance: id, now: env.clock.now() }).catch(() => undefined)
      },
      ...(backgroundEveryMs !== undefined
        ? {
            background: { everyMs: backgroundEveryMs, tick: async () => void (await call('background', {})) },
          }
        : {}),
    }
  }

  async function shutdown(): Promise<void> {
    closing = true
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      if (failure === undefined) peer.notify('shutdown', {})
      child.stdin?.end()
      await withRealTimeout(exited, 1000, () => new Error('shutdown')).catch(() => {
        child.kill('SIGKILL')
      })
    }
    peer.fail(new Error(`${label}: the manager process was shut down`))
    await gateway.close()
  }

  return {
    createManager: registerSettled(
      guardManager(create, {
        label,
        cwd: options.cwd,
        ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
      }),
      settled,
    ),
    label,
    stderr: () => redactSecrets(stderr),
    failure: () => failure,
    settling: () => ({ ...settling }),
    settles: canSettle,
    close: shutdown,
  }
}

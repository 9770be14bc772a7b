/**
 * Loading a user's token manager (`reconnect-lab run --manager ./my-adapter.ts`) and guarding it.
 *
 * Loading fails with one clear LabError('MANAGER_LOAD') naming the file and what is wrong: the file
 * is missing, it does not load, it has no `createManager` export (or the wrong kind), or
 * `createManager(env)` throws or returns something that is not a TokenManager.
 *
 * The guard wraps every call the harness makes. A call that throws, never settles (DEFAULT_CALL_TIMEOUT_MS
 * of real time, `--call-timeout`), or returns something that is not an Outcome becomes a LabError
 * (code MANAGER_MISBEHAVED) naming the file, the call and what went wrong, with the manager's own stack frames (never the
 * harness's). The world reports it as that step's `manager error`. Every message is redacted with the
 * secrets the guard has seen (client secrets, stored tokens, access tokens handed to the API call).
 */
import { stat } from 'node:fs/promises'
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ManualClock, withRealTimeout } from '../clock.ts'
import { providerClient } from '../providers/index.ts'
import { redactSecrets } from '../redact.ts'
import { isLabError, LabError } from '../errors.ts'
import {
  CONNECT_REASONS,
  type CallApi,
  type CreateManager,
  type CredentialStore,
  type ManagerEnv,
  OUTCOME_KINDS,
  type Outcome,
  type PackDescriptor,
  type ProviderId,
  type TokenManager,
} from './contract.ts'
import { createMemoryCredentialStore } from './memory-store.ts'

/** How long one call into the manager may take, in real time, before it counts as never settling. */
export const DEFAULT_CALL_TIMEOUT_MS = 5000

const METHODS = ['run', 'beginConnect', 'completeConnect', 'clearCredentials', 'updateClientSecret'] as const
const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']
const MAX_FRAMES = 6
/**
 * The repository root, whose src/ and mocks/ frames are the harness's. Under the CLI bundle
 * (bin/launch.mjs) this module's URL is the bundle's, so the launcher says where the sources are.
 */
const HARNESS_ROOT = process.env['RECONNECT_LAB_ROOT'] ?? fileURLToPath(new URL('../../', import.meta.url))

export interface GuardOptions {
  /** How reports name the manager: its path relative to the working directory. */
  label: string
  callTimeoutMs?: number
  /** Paths in stack frames are shown relative to this. */
  cwd: string
  /** The manager's module file: frames in its directory are the manager's own, wherever it lives. */
  file?: string
}

export interface LoadManagerOptions {
  cwd: string
  callTimeoutMs?: number
  /** The providers whose packs `createManager` is probed with at load time (default: baseline). */
  probeProviders?: readonly ProviderId[]
}

export interface LoadedManager {
  /** The user's factory, guarded. */
  createManager: CreateManager
  /** The path as reports show it (relative to cwd). */
  label: string
  file: string
}

function loadError(message: string): LabError {
  return new LabError('MANAGER_LOAD', redactSecrets(message))
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value} (${String(value).slice(0, 40)})`
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value)
    if (text === undefined) return String(value)
    return text.length > 200 ? `${text.slice(0, 200)}...` : text
  } catch {
    return String(value)
  }
}

/** Frames of `stack` that are not the harness's (src/, mocks/, node_modules, node internals), paths relative to cwd. */
export function ownStackFrames(stack: string | undefined, cwd: string, ownDir?: string): string[] {
  if (!stack) return []
  const harness = [`${HARNESS_ROOT}src${sep}`, `${HARNESS_ROOT}mocks${sep}`, `${sep}node_modules${sep}`]
  const frames: string[] = []
  for (const line of stack.split('\n')) {
    const match = /^\s+at (.*)$/.exec(line)
    if (!match) continue
    let frame = (match[1] as string).replace(/file:\/\/[^\s)]+/g, (url) => {
      try {
        return fileURLToPath(url)
      } catch {
        return url
      }
    })
    const own =
      ownDir !== undefined && frame.includes(`${ownDir}${sep}`) && !frame.includes(`${sep}node_modules${sep}`)
    if (!own && (harness.some((h) => frame.includes(h)) || /\bnode:|\(native\)|<anonymous>/.test(frame)))
      continue
    frame = frame.replace(/(\/[^\s():]+)/g, (path) =>
      path.startsWith(cwd) ? relative(cwd, path) || path : path,
    )
    frames.push(frame)
    if (frames.length >= MAX_FRAMES) break
  }
  return frames
}

/** `TypeError: boom` and the manager's own frames, one per line. */
export function describeThrown(error: unknown, cwd: string, ownDir?: string): string {
  if (!(error instanceof Error)) return `a non-Error value: ${safeJson(error)}`
  const head = `${error.name}: ${error.message}`
  const frames = ownStackFrames(error.stack, cwd, ownDir)
  return frames.length > 0 ? `${head}\n${frames.map((f) => `      at ${f}`).join('\n')}` : head
}

/** Why `value` is not an Outcome, or undefined when it is one. */
export function outcomeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `an Outcome is an object with a kind (${OUTCOME_KINDS.join(', ')})`
  const v = value as Record<string, unknown>
  switch (v['kind']) {
    case 'ok':
      return undefined
    case 'connect_required':
      return typeof v['reason'] === 'string' && (CONNECT_REASONS as readonly string[]).includes(v['reason'])
        ? undefined
        : `connect_required needs a reason, one of ${CONNECT_REASONS.join(', ')}`
    case 'blocked':
      if (typeof v['reason'] !== 'string') return 'blocked needs a reason (text)'
      return v['contact'] === 'admin' || v['contact'] === 'support'
        ? undefined
        : "blocked needs contact 'admin' or 'support'"
    case 'retry_later':
      return typeof v['reason'] === 'string' ? undefined : 'retry_later needs a reason (text)'
    default:
      return `kind must be one of ${OUTCOME_KINDS.join(', ')}`
  }
}

function authorizationProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'beginConnect must return { authorizationUrl }'
  const url = (value as Record<string, unknown>)['authorizationUrl']
  if (typeof url !== 'string') return 'beginConnect must return { authorizationUrl: string }'
  try {
    new URL(url)
    return undefined
  } catch {
    return 'authorizationUrl is not an absolute URL'
  }
}

/** Why `value` is not a TokenManager, or undefined when it is one. */
function managerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `it returned ${describeType(value)}, not a TokenManager`
  if (typeof (value as { then?: unknown }).then === 'function')
    return 'it returned a Promise; createManager must return the TokenManager itself (do async setup lazily, in the first call)'
  const missing = METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function')
  if (missing.length > 0)
    return `the TokenManager it returned has no method${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (a TokenManager has ${METHODS.join(', ')})`
  const { dispose, background } = value as Record<string, unknown>
  if (dispose !== undefined && typeof dispose !== 'function') return 'its dispose is not a function'
  if (background !== undefined) {
    const b = background as Record<string, unknown> | null
    const every = b?.['everyMs']
    if (typeof b?.['tick'] !== 'function' || typeof every !== 'number' || !(every >= 60_000))
      return 'its background must be { everyMs: number >= 60000, tick(): Promise<void> }'
  }
  return undefined
}

/** Remembers secret values the guard sees, to scrub them from messages (bounded). */
class SecretSet {
  private readonly values = new Set<string>()
  add(value: string | undefined): void {
    if (value === undefined || value.length < 4) return
    if (this.values.size > 5000) this.values.clear()
    this.values.add(value)
  }
  scrub(text: string): string {
    return redactSecrets(text, this.values)
  }
}

function observeStore(store: CredentialStore, secrets: SecretSet): CredentialStore {
  return {
    async get(key) {
      const row = await store.get(key)
      secrets.add(row?.credential.accessToken)
      secrets.add(row?.credential.refreshToken)
      return row
    },
    async compareAndSet(key, expectedVersion, next) {
      secrets.add(next?.accessToken)
      secrets.add(next?.refreshToken)
      return store.compareAndSet(key, expectedVersion, next)
    },
    keys: () => store.keys(),
  }
}

/**
 * One per manager instance (each `createManager(env)`): after a call never settles, that instance's later
 * calls fail at once instead of hanging too. Never shared across instances: a crashed process's abandoned
 * call times out later in real time, and must not poison the next incarnation, another timeline or the
 * replay of a counterexample (that made every file of a user's manager "not reproduce").
 */
interface GuardState {
  hung?: string
}

/**
 * Wraps a CreateManager so every failure is the manager's, clearly attributed: see the module comment.
 * `createManager(env)` throwing, or returning a non-TokenManager, throws that LabError too.
 */
export function guardManager(create: CreateManager, options: GuardOptions): CreateManager {
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
  const cwd = options.cwd
  const ownDir = options.file !== undefined ? dirname(options.file) : undefined
  const thrown = (error: unknown) => describeThrown(error, cwd, ownDir)
  const label = options.label

  return (env: ManagerEnv): TokenManager => {
    const state: GuardState = {}
    const secrets = new SecretSet()
    for (const pack of env.packs) secrets.add(pack.clientSecret)
    const guardedEnv: ManagerEnv = {
      ...env,
      ...(env.store ? { store: observeStore(env.store, secrets) } : {}),
    }
    let built: unknown
    try {
      built = create(guardedEnv)
    } catch (error) {
      throw new LabError(
        'MANAGER_MISBEHAVED',
        secrets.scrub(`${label}: createManager(env) threw ${thrown(error)}`),
      )
    }
    const problem = managerProblem(built)
    if (problem)
      throw new LabError('MANAGER_MISBEHAVED', secrets.scrub(`${label}: createManager(env): ${problem}`))
    const manager = built as TokenManager

    async function call<T>(
      method: string,
      args: string,
      invoke: () => Promise<T>,
      validate: (value: unknown) => string | undefined,
    ): Promise<T> {
      const what = `${method}(${args})`
      if (state.hung !== undefined) {
        throw new LabError(
          'MANAGER_MISBEHAVED',
          `${label}: ${what} was not called: an earlier call, ${state.hung}, never settled, so reconnect-lab stopped calling this manager`,
        )
      }
      let pending: Promise<T>
      try {
        pending = Promise.resolve(invoke())
      } catch (error) {
        throw new LabError('MANAGER_MISBEHAVED', secrets.scrub(`${label}: ${what} threw ${thrown(error)}`))
      }
      let timedOut = false
      let value: T
      try {
        value = await withRealTimeout(pending, timeoutMs, () => {
          timedOut = true
          return new LabError(
            'MANAGER_MISBEHAVED',
            `${label}: ${what} did not settle within ${timeoutMs} ms of real time (the per-call timeout; change it with --call-timeout)`,
          )
        })
      } catch (error) {
        if (timedOut && isLabError(error, 'MANAGER_MISBEHAVED')) {
          state.hung = what
          throw error
        }
        throw new LabError('MANAGER_MISBEHAVED', secrets.scrub(`${label}: ${what} threw ${thrown(error)}`))
      }
      const invalid = validate(value)
      if (invalid)
        throw new LabError(
          'MANAGER_MISBEHAVED',
          secrets.scrub(`${label}: ${what} returned ${safeJson(value)}: ${invalid}`),
        )
      return value
    }

    const observeCallApi =
      (callApi: CallApi): CallApi =>
      (accessToken) => {
        secrets.add(accessToken)
        return callApi(accessToken)
      }
    const anything = () => undefined

    const background = manager.background
    return {
      ...(typeof manager.dispose === 'function'
        ? {
            dispose: () =>
              call('dispose', '', async () => manager.dispose?.(), anything).then(() => undefined),
          }
        : {}),
      ...(background !== undefined
        ? {
            background: {
              everyMs: background.everyMs,
              tick: () => call('background.tick', '', () => background.tick(), anything),
            },
          }
        : {}),
      run: (teammate, packId, callApi) =>
        call<Outcome>(
          'run',
          `${teammate}, ${packId}`,
          () => manager.run(teammate, packId, observeCallApi(callApi)),
          outcomeProblem,
        ),
      beginConnect: (teammate, packId) =>
        call(
          'beginConnect',
          `${teammate}, ${packId}`,
          () => manager.beginConnect(teammate, packId),
          authorizationProblem,
        ),
      completeConnect: (teammate, packId, callbackUrl) =>
        call<Outcome>(
          'completeConnect',
          `${teammate}, ${packId}`,
          () => manager.completeConnect(teammate, packId, callbackUrl),
          outcomeProblem,
        ),
      clearCredentials: (teammate, packId) =>
        call(
          'clearCredentials',
          `${teammate}, ${packId}`,
          () => manager.clearCredentials(teammate, packId),
          anything,
        ),
      updateClientSecret: (packId, secret) => {
        secrets.add(secret)
        return call(
          'updateClientSecret',
          `${packId}, [redacted]`,
          () => manager.updateClientSecret(packId, secret),
          anything,
        )
      },
    }
  }
}

/** A pack per provider, as a world would describe it, for the load-time construction probe. */
function probePacks(providers: readonly ProviderId[]): PackDescriptor[] {
  return providers.map((provider) => {
    let client: ReturnType<typeof providerClient>
    try {
      client = providerClient(provider)
    } catch {
      client = providerClient('baseline')
    }
    const baseUrl = `http://probe.${provider}.mock`
    return {
      id: `probe-${provider}`,
      provider,
      setup: 'custom',
      baseUrl,
      endpoints: client.endpoints(baseUrl),
      clientId: 'probe-client',
      clientSecret: 'probe-client-secret',
      redirectUri: `https://app.reconnect-lab.test/oauth/callback/probe-${provider}`,
      scopes: [...client.defaultScopes],
    }
  })
}

/** Imports `path` (a .ts or .js module exporting `createManager`), checks it and returns the guarded factory. */
export async function loadManagerModule(path: string, options: LoadManagerOptions): Promise<LoadedManager> {
  const file = resolve(options.cwd, path)
  const label = relative(options.cwd, file) || path
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(file)
  } catch {
    throw loadError(`--manager ${label}: no such file (looked for ${file})`)
  }
  if (!info.isFile()) throw loadError(`--manager ${label}: is not a file`)
  if (!MODULE_EXTENSIONS.some((ext) => file.endsWith(ext)))
    throw loadError(`--manager ${label}: must be a .ts or .js module (${MODULE_EXTENSIONS.join(', ')})`)

  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw loadError(`${label}: could not be loaded: ${loadFailure(error, options.cwd)}`)
  }

  const factory = mod['createManager']
  if (factory === undefined) {
    const names = Object.keys(mod).filter((k) => k !== 'default' && k !== 'module.exports')
    const fallback = mod['default'] as Record<string, unknown> | undefined
    const hint =
      typeof fallback === 'function' || typeof fallback?.['createManager'] === 'function'
        ? ' It has a default export: export the factory by name instead, `export const createManager: CreateManager = (env) => ...`.'
        : ' Add `export const createManager: CreateManager = (env) => ...` (types from reconnect-lab).'
    throw loadError(
      `${label}: has no export named createManager (it exports ${names.length > 0 ? names.join(', ') : 'nothing by name'}).${hint}`,
    )
  }
  if (typeof factory !== 'function') {
    throw loadError(
      `${label}: createManager is ${describeType(factory)}, not a function (env) => TokenManager`,
    )
  }

  const guarded = guardManager(factory as CreateManager, {
    label,
    cwd: options.cwd,
    file,
    ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
  })
  // Construct once with a realistic environment, so a constructor that throws is a load error (exit 2).
  const probeEnv: ManagerEnv = {
    fetch: async () => {
      throw new TypeError('reconnect-lab: the load-time probe has no network; createManager must not fetch')
    },
    clock: new ManualClock(),
    packs: probePacks(options.probeProviders ?? ['baseline']),
    store: createMemoryCredentialStore(),
  }
  try {
    guarded(probeEnv)
  } catch (error) {
    if (isLabError(error, 'MANAGER_MISBEHAVED')) throw loadError(error.message)
    throw error
  }
  return { createManager: guarded, label, file }
}

/** The first lines of an import failure (syntax error with its position, missing dependency), no stack. */
function loadFailure(error: unknown, cwd: string): string {
  if (!(error instanceof Error)) return safeJson(error)
  const lines = error.message
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s+at /.test(l))
    .slice(0, 4)
    .map((l) => l.split(`${cwd}${sep}`).join(''))
  const head = lines.join('\n  ')
  const frames = ownStackFrames(error.stack, cwd, undefined)
  const isSyntax = error.name === 'SyntaxError' || /Transform failed|ERROR:/.test(error.message)
  const where = !isSyntax && frames.length > 0 ? ` (its top-level code threw, at ${frames[0]})` : ''
  return `${error.name === 'Error' ? '' : `${error.name}: `}${head}${where}`
}

import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server'
import { readFileSync } from 'node:fs'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DROP_HEADER } from '../../../mocks/faults.ts'
import { LAB_TOKEN_HEADER, checkLabRequest } from '../../../mocks/lab-guard.ts'
import { DEFAULT_REQUEST_LOG_SIZE } from '../../../mocks/recorder.ts'
import { NO_STORE_HEADERS, type ResponseDialect, toResponse } from '../../../mocks/spec/dialect.ts'
import { coreError } from '../../../mocks/spec/core.ts'
import type { MockProvider } from '../../../mocks/types.ts'
import { systemClock } from '../../clock.ts'
import { createCryptoIds } from '../../ids.ts'
import type { ProviderId } from '../../manager/contract.ts'
import { packOptionRefusal } from '../../connectors/registry.ts'
import { mockFactoryFor, providersWithMocks } from '../../world/mock-registry.ts'
import type { CliIo } from '../io.ts'
import { LabError } from '../../errors.ts'
import {
  type ConfigPath,
  type LoadedConfig,
  ServeConfigError,
  type ServeProviderConfig,
  fieldName,
  fieldOfMessage,
  parseServeConfig,
} from './serve-config.ts'

export interface ServeOptions {
  providers?: ProviderId[]
  /** First port; each provider takes the next one. 0 picks free ports. */
  port: number
  host: string
  /** Every provider under http://host:port/<provider> on one port (issuer = that base). */
  singlePort?: boolean
  /** false: no /_lab at all (it answers the provider's 404). Default true. */
  control?: boolean
  requestLogSize?: number
  /** Ledger events each mock keeps (a ring); default DEFAULT_SERVE_LEDGER_SIZE. */
  ledgerSize?: number
  /** Superseded tokens per family and kind kept past the reuse leeway; default DEFAULT_SERVE_TOKEN_RETENTION. */
  tokenRetention?: number
  /** A parsed `--config` file. */
  config?: LoadedConfig
  /** `--option provider.key=value`, over the config file's options. */
  optionFlags?: ReadonlyArray<{ provider: string; key: string; value: string | number | boolean }>
  /** Fixed control token (tests); default: a fresh unguessable one per start. */
  labToken?: string
}

export interface RunningServers {
  urls: Record<string, string>
  /** The token every /_lab request must carry in the X-Lab-Token header ('' when control is off). */
  labToken: string
  /** Who each provider's /authorize signs in without a login_hint. */
  defaultLogins: Record<string, string>
  mocks: Record<string, MockProvider>
  close(): Promise<void>
}

/** Serve keeps memory flat however long it runs: a bounded ledger and bounded token history (docs/SERVE.md). */
export const DEFAULT_SERVE_LEDGER_SIZE = 10_000
export const DEFAULT_SERVE_TOKEN_RETENTION = 100

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'] as const
/** Methods a WHATWG Request cannot carry: answered here, in the provider's dialect, before any parsing. */
const FORBIDDEN_METHODS = new Set(['TRACE', 'TRACK', 'CONNECT'])

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

interface ProviderPlan {
  provider: ProviderId
  section: ServeProviderConfig
  /** Where the section sits in the config file, for error locations. */
  path: ConfigPath
}

function sectionsOf(options: ServeOptions): ProviderPlan[] {
  const fromConfig = options.config?.config.providers ?? {}
  const chosen =
    options.providers ??
    (Object.keys(fromConfig).length > 0 ? (Object.keys(fromConfig) as ProviderId[]) : providersWithMocks())
  const plans = chosen.map((provider) => {
    const section: ServeProviderConfig = { ...(fromConfig[provider] ?? {}) }
    return { provider, section, path: ['providers', provider] as ConfigPath }
  })
  for (const flag of options.optionFlags ?? []) {
    const plan = plans.find((p) => p.provider === flag.provider)
    if (!plan)
      throw new LabError(
        'USAGE',
        `--option ${flag.provider}.${flag.key}: "${flag.provider}" is not a served provider`,
      )
    plan.section = { ...plan.section, options: { ...plan.section.options, [flag.key]: flag.value } }
  }
  return plans
}

function configError(options: ServeOptions, path: ConfigPath, message: string): LabError {
  const loaded = options.config
  const at = loaded?.locate(path)
  const where = loaded && at ? `${loaded.file}:${at.line}:${at.col}: ` : ''
  return new LabError('USAGE', `${where}${fieldName(path)}: ${message.split('\n')[0] ?? message}`)
}

/** Builds a provider's mock from its section and applies clients, users and approvals; errors name the field. */
async function buildMock(
  options: ServeOptions,
  plan: ProviderPlan,
  issuer: string,
  signing: 'HS256' | 'RS256',
): Promise<MockProvider> {
  const { section, path } = plan
  // The connector record is the one source of options (names and values from its quirk records):
  // the same check, and the same words, as a scenario pack and /_lab/options.
  const refused = packOptionRefusal(plan.provider, section.options, {
    approvalRequired: section.approvalRequired === true,
  })
  if (refused) throw configError(options, [...path, 'options', refused.key], refused.message)
  let mock: MockProvider
  try {
    mock = mockFactoryFor(plan.provider)({
      clock: systemClock,
      ids: createCryptoIds(),
      issuer,
      ...(section.instance === undefined ? {} : { instance: section.instance }),
      ...(section.options === undefined ? {} : { options: section.options }),
      ...(section.policy === undefined ? {} : { policy: section.policy }),
      ...(section.approvalRequired ? { approvalRequired: true } : {}),
      runtime: {
        lifetime: 'server',
        signing,
        requestLogSize:
          options.requestLogSize ?? options.config?.config.requestLogSize ?? DEFAULT_REQUEST_LOG_SIZE,
        ledgerSize: options.ledgerSize ?? DEFAULT_SERVE_LEDGER_SIZE,
        tokenRetention: options.tokenRetention ?? DEFAULT_SERVE_TOKEN_RETENTION,
        ...(section.defaultLogin === undefined ? {} : { defaultLogin: section.defaultLogin }),
      },
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw configError(options, [...path, ...fieldOfMessage(message, section)], message)
  }
  if (signing === 'RS256') await warm(mock)
  const apply = (at: ConfigPath, work: () => void): void => {
    try {
      work()
    } catch (error) {
      throw configError(options, at, error instanceof Error ? error.message : String(error))
    }
  }
  section.clients?.forEach((client, i) => {
    const at: ConfigPath = [...path, 'clients', i]
    const policyKey = (message: string) =>
      Object.keys(client.policy ?? {}).find((key) => message.includes(key))
    try {
      mock.control.createClient({
        redirectUris: client.redirectUris,
        ...(client.clientId === undefined ? {} : { clientId: client.clientId }),
        ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
        ...(client.policy === undefined ? {} : { policy: client.policy }),
        ...(client.pkce === undefined ? {} : { pkce: client.pkce }),
      })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const key = policyKey(message)
      const sub: ConfigPath = key
        ? ['policy', key]
        : /redirect/i.test(message)
          ? ['redirectUris']
          : /client/i.test(message)
            ? ['clientId']
            : []
      throw configError(options, [...at, ...sub], message)
    }
  })
  section.users?.forEach((login, i) => {
    apply([...path, 'users', i], () => mock.control.createUser({ login }))
  })
  section.approvals?.forEach((key, i) => {
    apply([...path, 'approvals', i], () => mock.control.approve(key))
  })
  return mock
}

/**
 * Runs a few requests through a fresh mock before any client sees it (Hono compiles its router on
 * the first match; the middlewares, the body parsing and the dialect's code paths get compiled too),
 * then resets it: the warm-up leaves no request, ledger event or record behind.
 */
async function warm(mock: MockProvider): Promise<void> {
  const token = 'paths' in mock ? (mock as { paths: { token: string } }).paths.token : '/token'
  for (let i = 0; i < 3; i++) {
    await mock.app.request(token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=warm-up',
    })
    await mock.app.request('/.well-known/oauth-authorization-server')
  }
  mock.reset()
}

function dialectOf(mock: MockProvider): ResponseDialect | undefined {
  return 'dialect' in mock ? (mock as { dialect: ResponseDialect }).dialect : undefined
}

function defaultLoginOf(mock: MockProvider): string {
  return 'defaultLogin' in mock ? String((mock as { defaultLogin: unknown }).defaultLogin) : 'teammate'
}

/** A 405 for a method no route can take, in the provider's dialect (Slack: HTTP 200 ok:false). */
function methodRefused(mock: MockProvider, method: string): Response {
  const dialect = dialectOf(mock)
  const error = coreError('invalid_request', 'method_not_allowed', `${method} is not allowed`, {
    status: 405,
  })
  if (!dialect) return new Response(null, { status: 405 })
  const response = toResponse(
    dialect.oauthError({ ...error, endpoint: 'other', basicAuthUsed: false, realm: mock.provider }),
    NO_STORE_HEADERS,
  )
  response.headers.set('Allow', 'GET, POST')
  return response
}

function notFound(mock: MockProvider): Response {
  const dialect = dialectOf(mock)
  return dialect ? toResponse(dialect.notFound()) : new Response(null, { status: 404 })
}

/** The path of an absolute request URL, without parsing it (the guard only needs to spot /_lab). */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start < 0) return '/'
  const end = url.indexOf('?', start)
  return end < 0 ? url.slice(start) : url.slice(start, end)
}

type Listener = { server: Server; port: number }

function listen(
  host: string,
  port: number,
  handler: (request: Request, env: HttpBindings | Http2Bindings) => Promise<Response> | Response,
): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: handler, port, hostname: host }) as Server<
      typeof IncomingMessage,
      typeof ServerResponse
    >
    const onError = (error: NodeJS.ErrnoException) => {
      server.close()
      reject(error)
    }
    server.once('error', onError)
    server.once('listening', () => {
      server.off('error', onError)
      resolve({ server, port: (server.address() as AddressInfo).port })
    })
  })
}

function closeAll(servers: readonly Server[]): Promise<void> {
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections()
          s.close(() => resolve())
        }),
    ),
  ).then(() => undefined)
}

/**
 * `reconnect-lab serve`: the same mock apps over loopback HTTP, for clients that cannot take an
 * injected fetch. Real time, unguessable ids, RS256-signed JWTs with a JWKS; `/_lab/*` on each
 * server is the control surface (see mocks/lab-guard.ts for who may use it). A `connection_reset`
 * or `commit_then_drop` fault destroys the socket, as a dropped connection would.
 */
export async function startServers(options: ServeOptions): Promise<RunningServers> {
  if (!(LOOPBACK as readonly string[]).includes(options.host))
    throw new LabError(
      'USAGE',
      `--host must be a loopback address (127.0.0.1, localhost or ::1), got "${options.host}"`,
    )
  const host = urlHost(options.host)
  const plans = sectionsOf(options)
  const control = options.control ?? options.config?.config.control ?? true
  const singlePort = options.singlePort ?? options.config?.config.singlePort ?? false
  const labToken = control ? (options.labToken ?? createCryptoIds().next('lab_').replace(/\W/g, '')) : ''

  // Validate every section before opening a socket: a bad config leaves nothing running.
  for (const plan of plans) await buildMock(options, plan, `http://${host}:1`, 'HS256')

  const basePort = options.port
  const ports = new Map<ProviderId, number>()
  if (!singlePort) {
    let next = basePort
    for (const plan of plans) {
      const explicit = plan.section.port
      ports.set(plan.provider, explicit ?? (basePort === 0 ? 0 : next++))
    }
    if (basePort !== 0 && next - 1 > 65535)
      throw new LabError(
        'USAGE',
        `--port ${basePort}: ${plans.length} providers need ports ${basePort}-${next - 1}, past 65535`,
      )
    const taken = [...ports.values()].filter((p) => p !== 0)
    const dup = taken.find((p, i) => taken.indexOf(p) !== i)
    if (dup !== undefined) throw new LabError('USAGE', `port ${dup} is given to two providers`)
  }

  const mocks: Record<string, MockProvider> = {}
  const urls: Record<string, string> = {}
  const servers: Server[] = []
  const guard = (mock: MockProvider, request: Request, port: number): Response | undefined => {
    if (!control) return notFound(mock)
    const refusal = checkLabRequest(
      {
        method: request.method,
        host: request.headers.get('host') ?? undefined,
        contentType: request.headers.get('content-type') ?? undefined,
        token: request.headers.get(LAB_TOKEN_HEADER) ?? undefined,
      },
      { port, token: labToken },
    )
    if (!refusal) return undefined
    return Response.json(
      { error: refusal.error, error_description: refusal.description },
      { status: refusal.status },
    )
  }

  const plansByProvider = new Map(plans.map((p) => [p.provider, p]))
  const rebuilders = new Map<string, (plan: ProviderPlan) => Promise<MockProvider>>()
  /**
   * `GET /_lab/options`: the provider's current options; `POST {"options": {...}}`: new options over
   * them, checked by the connector record and the pack factory exactly as `--config` is. A refused
   * value answers 400 naming the field and changes nothing; an accepted one rebuilds the provider
   * (clients, users and approvals of the config are applied again; grants and tokens start afresh).
   */
  const changeOptions = async (mock: MockProvider, request: Request): Promise<Response> => {
    const plan = plansByProvider.get(mock.provider as ProviderId)
    const rebuild = rebuilders.get(mock.provider)
    if (!plan || !rebuild) return notFound(mock)
    if (request.method === 'GET') return Response.json({ options: plan.section.options ?? {} })
    if (request.method !== 'POST') return methodRefused(mock, request.method)
    const refuse = (field: string, description: string) =>
      Response.json(
        { error: 'invalid_request', error_description: `${field}: ${description}` },
        { status: 400 },
      )
    let body: unknown
    try {
      body = JSON.parse(await request.text())
    } catch {
      return refuse('(body)', 'the body is not valid JSON')
    }
    const patch = (body as { options?: unknown } | null)?.options
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      return refuse('options', 'must be an object of option names and values')
    for (const [key, value] of Object.entries(patch))
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return refuse(`options.${key}`, 'must be a string, a number or true/false')
    const next: ProviderPlan = {
      ...plan,
      section: {
        ...plan.section,
        options: { ...plan.section.options, ...(patch as Record<string, string | number | boolean>) },
      },
    }
    const refused = packOptionRefusal(plan.provider, next.section.options, {
      approvalRequired: plan.section.approvalRequired === true,
    })
    if (refused) return refuse(`options.${refused.key}`, refused.message)
    try {
      await rebuild(next)
    } catch (error) {
      // buildMock names the field as `[file:line:col: ]providers.<p>.<field>: …`; here it is `<field>`.
      const message = error instanceof Error ? error.message : String(error)
      const field = /providers\.[a-z]+\.(\S+): ([\s\S]*)$/.exec(message)
      return field ? refuse(field[1] ?? 'options', field[2] ?? message) : refuse('options', message)
    }
    plansByProvider.set(plan.provider, next)
    return Response.json({ options: next.section.options ?? {} })
  }

  /**
   * `rewritten`: the request under the provider's own path (single port). Otherwise the request
   * @hono/node-server built goes to the app as it is: wrapping it in a `new Request` would turn its
   * lazy body (read straight off the socket) into a web stream and an undici Request per request.
   */
  const dispatch = async (
    mock: MockProvider,
    request: Request,
    env: HttpBindings | Http2Bindings,
    path: string,
    port: number,
    rewritten?: string,
  ): Promise<Response> => {
    if (path === '/_lab' || path.startsWith('/_lab/')) {
      const refused = guard(mock, request, port)
      if (refused) return refused
      if (path === '/_lab/options') return changeOptions(mock, request)
    }
    const response = await mock.app.fetch(rewritten === undefined ? request : new Request(rewritten, request))
    if (response.headers.has(DROP_HEADER)) env.outgoing.socket?.destroy()
    return response
  }

  try {
    if (singlePort) {
      const byName = new Map<string, MockProvider>()
      let served = 0
      const listener = await listen(options.host, basePort, async (request, env) => {
        const url = new URL(request.url, 'http://localhost')
        // RFC 8414 §3.1: for an issuer with a path the well-known segment comes first.
        const wellKnown =
          /^\/\.well-known\/(oauth-authorization-server|openid-configuration)\/([a-z]+)$/.exec(url.pathname)
        const name = wellKnown?.[2] ?? url.pathname.split('/')[1] ?? ''
        const mock = byName.get(name)
        if (!mock)
          return Response.json(
            { error: 'not_found', error_description: `no provider "${name}" here` },
            { status: 404 },
          )
        if (FORBIDDEN_METHODS.has(request.method)) return methodRefused(mock, request.method)
        const rest = wellKnown ? `/.well-known/${wellKnown[1]}` : url.pathname.slice(name.length + 1) || '/'
        return dispatch(mock, request, env, rest, served, `http://${host}:${served}${rest}${url.search}`)
      })
      served = listener.port
      servers.push(listener.server)
      for (const plan of plans) {
        const base = `http://${host}:${served}/${plan.provider}`
        const build = async (next: ProviderPlan) => {
          const mock = await buildMock(options, next, base, 'RS256')
          byName.set(plan.provider, mock)
          mocks[plan.provider] = mock
          return mock
        }
        await build(plan)
        rebuilders.set(plan.provider, build)
        urls[plan.provider] = base
      }
    } else {
      for (const plan of plans) {
        let mock: MockProvider | undefined
        let port = 0
        const listener = await listen(options.host, ports.get(plan.provider) ?? 0, async (request, env) => {
          if (!mock) return new Response('starting', { status: 503 })
          if (FORBIDDEN_METHODS.has(request.method)) return methodRefused(mock, request.method)
          return dispatch(mock, request, env, pathOf(request.url), port)
        })
        servers.push(listener.server)
        port = listener.port
        const base = `http://${host}:${port}`
        const build = async (next: ProviderPlan) => {
          const built = await buildMock(options, next, base, 'RS256')
          mock = built
          mocks[plan.provider] = built
          return built
        }
        await build(plan)
        rebuilders.set(plan.provider, build)
        urls[plan.provider] = base
      }
    }
  } catch (error) {
    await closeAll(servers)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new LabError('USAGE', `cannot listen on ${options.host}: ${(error as Error).message}`)
    throw error
  }

  const defaultLogins: Record<string, string> = {}
  for (const [provider, mock] of Object.entries(mocks)) defaultLogins[provider] = defaultLoginOf(mock)
  return { urls, labToken, defaultLogins, mocks, close: () => closeAll(servers) }
}

/** Reads and parses `--config`; a syntax or shape error is a UsageError naming file:line:col and field. */
export function loadServeConfig(file: string, cwd: string): LoadedConfig {
  let text: string
  try {
    text = readFileSync(file.startsWith('/') ? file : `${cwd}/${file}`, 'utf8')
  } catch (error) {
    throw new LabError('USAGE', `--config ${file}: ${(error as Error).message}`)
  }
  try {
    return parseServeConfig(text, file)
  } catch (error) {
    if (error instanceof ServeConfigError) throw new LabError('USAGE', error.message)
    throw error
  }
}

export async function serveCommand(
  options: ServeOptions,
  io: CliIo,
  untilStopped: Promise<void>,
): Promise<number> {
  const running = await startServers(options)
  for (const [provider, url] of Object.entries(running.urls))
    io.out(
      `${provider.padEnd(11)} ${url}  (default login: ${running.defaultLogins[provider]}${running.labToken ? `; control: ${url}/_lab` : ''})\n`,
    )
  if (running.labToken) io.out(`control token (send as ${LAB_TOKEN_HEADER}): ${running.labToken}\n`)
  io.err('serving on loopback; press Ctrl-C to stop\n')
  await untilStopped
  await running.close()
  io.err('stopped\n')
  return 0
}

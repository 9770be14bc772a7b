/**
 * One refresh-grant server for the serve benchmarks, in its own process so that its CPU time is its
 * own (`process.cpuUsage`) and the client never shares its event loop. Started by
 * `serve-throughput.ts` and `serve-memory.ts` with `fork(refresh-target.ts, [kind])`; answers IPC:
 *   { type: 'setup', chains }  -> { type: 'ready', tokenUrl, clientId, clientSecret, refreshTokens, rotates, body }
 *   { type: 'usage' }          -> { type: 'usage', cpuMicros, rss, heapUsed, heapTotal, external }
 * Kinds: `lab` (reconnect-lab serve, baseline provider), `bare` (node:http returning the same JSON),
 * `oidc-provider` 9.13.3 and `oauth2-mock-server` 8.2.3. Every server listens on 127.0.0.1 only.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomBytes } from 'node:crypto'
import { systemClock } from '../../src/clock.ts'

export type TargetKind = 'lab' | 'bare' | 'oidc-provider' | 'oauth2-mock-server'

export interface TargetReady {
  type: 'ready'
  tokenUrl: string
  clientId: string
  clientSecret: string
  /** One refresh token per chain (each chain is one client-side loop of refreshes). */
  refreshTokens: string[]
  /** Whether each answer carries the next refresh token the chain must present. */
  rotates: boolean
}

export type TargetRequest = { type: 'setup'; chains: number } | { type: 'usage' }
/** CPU time (user + system, µs) of the server process so far; RSS and V8 heap used and committed (bytes). */
export interface TargetUsage {
  cpuMicros: number
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
}
export type TargetReply = TargetReady | ({ type: 'usage' } & TargetUsage)

const HOST = '127.0.0.1'
const REDIRECT = 'http://127.0.0.1:1/callback'

async function labTarget(chains: number): Promise<TargetReady> {
  // Loaded here only: the yardstick processes carry none of reconnect-lab.
  const { startServers } = await import('../../src/cli/commands/serve.ts')
  const running = await startServers({ providers: ['baseline'], port: 0, host: HOST, control: false })
  const mock = running.mocks['baseline']
  const base = running.urls['baseline']
  if (!mock || !base) throw new Error('serve did not start the baseline provider')
  const client = mock.control.createClient({ redirectUris: [REDIRECT] })
  const refreshTokens: string[] = []
  for (let i = 0; i < chains; i++) {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: REDIRECT,
      scope: 'read',
      state: 's',
      login_hint: `user${i}`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const authorize = await fetch(`${base}/authorize?${query}`, { redirect: 'manual' })
    const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const token = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { authorization: basic(client.clientId, client.clientSecret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }),
    })
    const body = (await token.json()) as { refresh_token?: string }
    if (!body.refresh_token) throw new Error(`lab: no refresh token (${JSON.stringify(body)})`)
    refreshTokens.push(body.refresh_token)
  }
  return {
    type: 'ready',
    tokenUrl: `${base}/token`,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshTokens,
    rotates: true,
  }
}

/** The floor: node:http reading the body and answering the JSON a lab refresh answers, nothing else. */
async function bareTarget(chains: number): Promise<TargetReady> {
  const json = JSON.stringify({
    access_token: `at_r.${randomBytes(18).toString('base64url')}`,
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: `rt_r.${randomBytes(18).toString('base64url')}`,
    scope: 'read',
  })
  const server = createServer((req, res) => {
    req.on('data', () => undefined)
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'content-length': Buffer.byteLength(json),
      })
      res.end(json)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const port = (server.address() as AddressInfo).port
  return {
    type: 'ready',
    tokenUrl: `http://${HOST}:${port}/token`,
    clientId: 'bare',
    clientSecret: 'bare-secret',
    refreshTokens: Array.from({ length: chains }, (_, i) => `rt_${i}`),
    rotates: false,
  }
}

async function oidcProviderTarget(chains: number): Promise<TargetReady> {
  // oidc-provider 9 warns about Node 20 at import and about its development defaults at start: this
  // process is only a bench server, so its warnings stay out of the bench's output.
  console.warn = () => undefined
  const { default: Provider } = await import('oidc-provider')
  const clientId = 'bench'
  const clientSecret = randomBytes(24).toString('base64url')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const port = (server.address() as AddressInfo).port
  const issuer = `http://${HOST}:${port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['https://client.example/callback'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    // Its quick-start adapter is an LRU of 1,000 entries: thousands of rotations evict the grants and
    // every later refresh fails. A plain Map keeps them (the lab's store keeps its grants too).
    adapter: MapAdapter,
    // Rotate like the lab's baseline, so both answer a refresh with a new refresh token.
    rotateRefreshToken: true,
  })
  server.on('request', provider.callback())
  const client = await provider.Client.find(clientId)
  if (!client) throw new Error('oidc-provider: client not found')
  const refreshTokens: string[] = []
  for (let i = 0; i < chains; i++) {
    const accountId = `user${i}`
    const grant = new provider.Grant({ accountId, clientId })
    grant.addOIDCScope('openid offline_access')
    const grantId = await grant.save()
    const token = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      scope: 'openid offline_access',
      gty: 'authorization_code',
      authTime: Math.floor(systemClock.now() / 1000),
    })
    refreshTokens.push(await token.save())
  }
  return { type: 'ready', tokenUrl: `${issuer}/token`, clientId, clientSecret, refreshTokens, rotates: true }
}

/** An unbounded oidc-provider storage adapter (the interface of its memory_adapter.js). */
const mapStore = new Map<string, { payload: Record<string, unknown>; consumed?: number }>()
class MapAdapter {
  constructor(private readonly model: string) {}
  private key(id: string): string {
    return `${this.model}:${id}`
  }
  async upsert(id: string, payload: Record<string, unknown>): Promise<void> {
    mapStore.set(this.key(id), { payload })
  }
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const entry = mapStore.get(this.key(id))
    if (!entry) return undefined
    return entry.consumed === undefined ? entry.payload : { ...entry.payload, consumed: entry.consumed }
  }
  async findByUserCode(): Promise<undefined> {
    return undefined
  }
  async findByUid(): Promise<undefined> {
    return undefined
  }
  async consume(id: string): Promise<void> {
    const entry = mapStore.get(this.key(id))
    if (entry) entry.consumed = Math.floor(systemClock.now() / 1000)
  }
  async destroy(id: string): Promise<void> {
    mapStore.delete(this.key(id))
  }
  async revokeByGrantId(): Promise<void> {}
}

async function oauth2MockServerTarget(chains: number): Promise<TargetReady> {
  const { OAuth2Server } = await import('oauth2-mock-server')
  const server = new OAuth2Server()
  await server.issuer.keys.generate('RS256')
  await server.start(0, HOST)
  const port = (server.address() as AddressInfo).port
  return {
    type: 'ready',
    tokenUrl: `http://${HOST}:${port}/token`,
    clientId: 'bench',
    clientSecret: 'bench-secret',
    // It accepts any refresh token and never needs the new one.
    refreshTokens: Array.from({ length: chains }, (_, i) => `rt_${i}`),
    rotates: false,
  }
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
}

const TARGETS: Record<TargetKind, (chains: number) => Promise<TargetReady>> = {
  lab: labTarget,
  bare: bareTarget,
  'oidc-provider': oidcProviderTarget,
  'oauth2-mock-server': oauth2MockServerTarget,
}

const kind = process.argv[2] as TargetKind | undefined
if (kind === undefined || !(kind in TARGETS)) throw new Error(`refresh-target: unknown kind ${kind}`)
const send = (reply: TargetReply): void => {
  process.send?.(reply)
}
process.on('message', (message: TargetRequest) => {
  if (message.type === 'setup') {
    TARGETS[kind](message.chains).then(send, (error: unknown) => {
      process.stderr.write(`refresh-target ${kind}: ${String(error)}\n`)
      process.exit(1)
    })
  } else {
    const cpu = process.cpuUsage()
    const rss = process.memoryUsage.rss()
    // With --expose-gc (serve-memory passes it), the heap figure is what is retained, not garbage;
    // RSS is read first, as the process had it.
    ;(globalThis as { gc?: () => void }).gc?.()
    const { heapUsed, heapTotal, external } = process.memoryUsage()
    send({ type: 'usage', cpuMicros: cpu.user + cpu.system, rss, heapUsed, heapTotal, external })
  }
})
// The parent closes the IPC channel when it is done with us.
process.on('disconnect', () => process.exit(0))

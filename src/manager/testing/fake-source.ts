/**
 * A deliberately small, hand-written OAuth source for the manager's unit tests: a `fetch` that
 * answers /authorize, /token and /api/me from a few maps plus a scripted queue. It is not the
 * baseline mock (mocks/spec): unit tests must not depend on the mock being right, and the mock must
 * not be shaped by the manager's expectations. Test support only; nothing in production imports it.
 */
import { createHash } from 'node:crypto'
import { HOUR_MS } from '../../clock.ts'
import type { Clock } from '../../clock.ts'
import type { ApiResult, CallApi, PackDescriptor } from '../contract.ts'

export type ScriptedResponse =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { networkError: true }

export interface TokenRequestRecord {
  atMs: number
  grantType: string | undefined
  refreshToken?: string
  code?: string
  codeVerifier?: string
  /** The client secret the request authenticated with (decoded from Basic). */
  clientSecret: string | undefined
  status: number | 'network'
}

export interface FakeSourceOptions {
  clock: Clock
  baseUrl?: string
  clientId?: string
  clientSecret?: string
  /** null: access tokens never expire and responses carry no expires_in. */
  accessTokenTtlMs?: number | null
  /** Each refresh returns a new refresh token and retires the presented one. */
  rotation?: boolean
  /** Keep honouring a retired refresh token (Slack's concurrent-refresh race). */
  acceptRetiredRefreshTokens?: boolean
  /** Whether to send expires_in at all (Salesforce never does). */
  sendExpiresIn?: boolean
}

interface PendingCode {
  challenge: string
  redirectUri: string
}

export interface FakeSource {
  readonly fetch: typeof fetch
  readonly callApi: CallApi
  pack(overrides?: Partial<PackDescriptor>): PackDescriptor
  /** Issues a token pair directly (a teammate who connected earlier). */
  seedGrant(): { accessToken: string; refreshToken: string }
  /** Plays the browser at /authorize: returns the callback URL the source redirects to. */
  authorize(authorizationUrl: string, answer?: { deny: string }): string
  /** The next token-endpoint requests get these answers, in order (after processing nothing). */
  scriptToken(...responses: ScriptedResponse[]): void
  scriptApi(...responses: ScriptedResponse[]): void
  /** The next N successful refresh responses leave out refresh_token (the source still rotates). */
  omitRefreshToken(times: number): void
  rotateSecret(secret: string): void
  /** Ends every token: what a user revoking the app in the source's UI does. */
  revokeAll(): void
  tokenRequests(): TokenRequestRecord[]
  /** Access tokens presented to /api/me, in order. */
  apiTokens(): string[]
  liveRefreshTokens(): string[]
  /** From now on token responses are parked (after the source processed them) until released. */
  hold(): void
  parkedCount(): number
  waitForParked(count: number): Promise<void>
  releaseNext(): void
}

export function createFakeSource(options: FakeSourceOptions): FakeSource {
  const clock = options.clock
  const baseUrl = options.baseUrl ?? 'http://fake.source'
  const clientId = options.clientId ?? 'client_1'
  let clientSecret = options.clientSecret ?? 'secret_1'
  const ttl = options.accessTokenTtlMs === undefined ? HOUR_MS : options.accessTokenTtlMs
  const rotation = options.rotation ?? true
  const sendExpiresIn = options.sendExpiresIn ?? true

  const accessTokens = new Map<string, number | undefined>()
  const refreshTokens = new Set<string>()
  const codes = new Map<string, PendingCode>()
  const tokenScript: ScriptedResponse[] = []
  const apiScript: ScriptedResponse[] = []
  const records: TokenRequestRecord[] = []
  const presented: string[] = []
  let omitRefresh = 0
  let counter = 0
  let holding = false
  const parked: Array<() => void> = []
  const parkWaiters: Array<() => void> = []

  const next = (prefix: string) => `${prefix}${++counter}`

  function issue(withRefresh: boolean): Record<string, unknown> {
    const accessToken = next('at_')
    accessTokens.set(accessToken, ttl === null ? undefined : clock.now() + ttl)
    const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', scope: 'read' }
    if (ttl !== null && sendExpiresIn) body['expires_in'] = ttl / 1000
    if (withRefresh) {
      const refreshToken = next('rt_')
      refreshTokens.add(refreshToken)
      body['refresh_token'] = refreshToken
    }
    return body
  }

  function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    })
  }

  function fromScript(scripted: ScriptedResponse): Response {
    if ('networkError' in scripted) throw new TypeError('fetch failed')
    return json(scripted.status, scripted.body ?? {}, scripted.headers)
  }

  function decodeBasic(header: string | null): { id: string; secret: string } | undefined {
    if (header === null || !header.startsWith('Basic ')) return undefined
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    }
  }

  function tokenEndpoint(request: Request, form: URLSearchParams): Response {
    const record: TokenRequestRecord = {
      atMs: clock.now(),
      grantType: form.get('grant_type') ?? undefined,
      clientSecret: decodeBasic(request.headers.get('authorization'))?.secret,
      status: 0,
    }
    const refreshToken = form.get('refresh_token')
    if (refreshToken !== null) record.refreshToken = refreshToken
    const code = form.get('code')
    if (code !== null) record.code = code
    const verifier = form.get('code_verifier')
    if (verifier !== null) record.codeVerifier = verifier
    records.push(record)

    const scripted = tokenScript.shift()
    if (scripted !== undefined) {
      record.status = 'networkError' in scripted ? 'network' : scripted.status
      return fromScript(scripted)
    }
    const answer = (status: number, body: unknown): Response => {
      record.status = status
      return json(status, body)
    }
    const client = decodeBasic(request.headers.get('authorization'))
    if (client === undefined || client.id !== clientId || client.secret !== clientSecret) {
      return answer(401, { error: 'invalid_client', error_description: 'client authentication failed' })
    }
    if (record.grantType === 'authorization_code') {
      const pending = code === null ? undefined : codes.get(code)
      if (code !== null) codes.delete(code)
      const challenge = createHash('sha256')
        .update(verifier ?? '')
        .digest('base64url')
      if (
        pending === undefined ||
        pending.challenge !== challenge ||
        pending.redirectUri !== form.get('redirect_uri')
      ) {
        return answer(400, { error: 'invalid_grant', error_description: 'bad code or verifier' })
      }
      return answer(200, issue(true))
    }
    if (record.grantType === 'refresh_token') {
      if (refreshToken === null || !refreshTokens.has(refreshToken)) {
        return answer(400, { error: 'invalid_grant', error_description: 'unknown refresh token' })
      }
      if (rotation && !options.acceptRetiredRefreshTokens) refreshTokens.delete(refreshToken)
      const body = issue(rotation)
      if (omitRefresh > 0 && rotation) {
        // The source rotated (the new token is live) but the response lost it.
        omitRefresh--
        delete body['refresh_token']
      }
      return answer(200, body)
    }
    return answer(400, { error: 'unsupported_grant_type' })
  }

  function apiEndpoint(request: Request): Response {
    const auth = request.headers.get('authorization') ?? ''
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
    presented.push(token)
    const scripted = apiScript.shift()
    if (scripted !== undefined) return fromScript(scripted)
    const expiresAt = accessTokens.get(token)
    const live = accessTokens.has(token) && (expiresAt === undefined || clock.now() < expiresAt)
    if (!live)
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    return json(200, { login: 'someone' })
  }

  const fakeFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.pathname === '/token') {
      const form = new URLSearchParams(await request.text())
      const response = tokenEndpoint(request, form)
      if (holding) {
        await new Promise<void>((resolve) => {
          parked.push(resolve)
          for (const wake of parkWaiters.splice(0)) wake()
        })
      }
      return response
    }
    if (url.pathname === '/api/me') return apiEndpoint(request)
    return json(404, { error: 'not_found' })
  }

  return {
    fetch: fakeFetch,
    callApi: async (accessToken): Promise<ApiResult> => {
      const response = await fakeFetch(`${baseUrl}/api/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      })
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        headers[name] = value
      })
      return { status: response.status, headers, body: (await response.json()) as unknown }
    },
    pack: (overrides = {}) => ({
      id: 'pack-a',
      provider: 'baseline',
      setup: 'custom',
      baseUrl,
      endpoints: {
        authorize: `${baseUrl}/authorize`,
        token: `${baseUrl}/token`,
        revoke: `${baseUrl}/revoke`,
        api: `${baseUrl}/api/me`,
      },
      clientId,
      clientSecret,
      redirectUri: 'http://app.example/callback',
      scopes: ['read'],
      ...overrides,
    }),
    seedGrant() {
      const body = issue(true)
      return { accessToken: String(body['access_token']), refreshToken: String(body['refresh_token']) }
    },
    authorize(authorizationUrl, answer) {
      const url = new URL(authorizationUrl)
      const params = url.searchParams
      const redirect = new URL(params.get('redirect_uri') ?? '')
      const state = params.get('state')
      if (state !== null) redirect.searchParams.set('state', state)
      if (answer !== undefined) {
        redirect.searchParams.set('error', answer.deny)
        return redirect.toString()
      }
      if (
        params.get('response_type') !== 'code' ||
        params.get('client_id') !== clientId ||
        params.get('code_challenge_method') !== 'S256'
      ) {
        throw new Error('fake source: malformed authorization request')
      }
      const code = next('code_')
      codes.set(code, {
        challenge: params.get('code_challenge') ?? '',
        redirectUri: redirect.origin + redirect.pathname,
      })
      redirect.searchParams.set('code', code)
      return redirect.toString()
    },
    scriptToken: (...responses) => {
      tokenScript.push(...responses)
    },
    scriptApi: (...responses) => {
      apiScript.push(...responses)
    },
    omitRefreshToken: (times) => {
      omitRefresh = times
    },
    rotateSecret: (secret) => {
      clientSecret = secret
    },
    revokeAll: () => {
      accessTokens.clear()
      refreshTokens.clear()
    },
    tokenRequests: () => records.map((r) => ({ ...r })),
    apiTokens: () => [...presented],
    liveRefreshTokens: () => [...refreshTokens],
    hold: () => {
      holding = true
    },
    parkedCount: () => parked.length,
    waitForParked: async (count) => {
      while (parked.length < count) await new Promise<void>((resolve) => parkWaiters.push(resolve))
    },
    releaseNext: () => {
      const wake = parked.shift()
      if (wake === undefined) throw new Error('fake source: nothing parked')
      wake()
    },
  }
}

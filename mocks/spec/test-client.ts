/**
 * A tiny RFC client for tests of spec-based mocks: sets up a mock on a manual clock, plays the
 * browser through /authorize and talks to /token, /revoke and /api/me through the mock's fetch.
 * Provider mock tests can reuse it with their own paths.
 */
import { ManualClock } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import type { ClientRecordView, ConsentGate, TokenPolicy } from '../types.ts'
import { type SpecMock, type SpecMockOptions, createSpecMock } from './index.ts'
import { s256Challenge } from './pkce.ts'

export const REDIRECT_URI = 'https://app.example.test/oauth/callback'
export const ISSUER = 'http://baseline.mock'

export interface Harness {
  mock: SpecMock
  clock: ManualClock
  client: ClientRecordView
}

export interface HarnessOptions {
  policy?: Partial<TokenPolicy>
  clientPolicy?: Partial<TokenPolicy>
  consentGate?: ConsentGate
  maxBodyBytes?: number
  spec?: Partial<SpecMockOptions>
}

export function setupBaseline(options: HarnessOptions = {}): Harness {
  const clock = new ManualClock()
  const mock = createSpecMock({
    clock,
    ids: createSequentialIds(),
    issuer: ISSUER,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.consentGate ? { consentGate: options.consentGate } : {}),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...options.spec,
  })
  const client = mock.control.createClient({
    redirectUris: [REDIRECT_URI],
    ...(options.clientPolicy ? { policy: options.clientPolicy } : {}),
  })
  return { mock, clock, client }
}

/** A valid RFC 7636 verifier, distinct per seed. */
export function verifierFor(seed: string): string {
  return `verifier-${seed}-${'x'.repeat(43)}`.slice(0, 64)
}

export function basicHeader(clientId: string, secret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+')
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`
}

export function authorizeUrl(
  h: Harness,
  input: {
    login?: string
    verifier?: string
    state?: string
    scope?: string
    extra?: Record<string, string>
  },
): string {
  const url = new URL(`${h.mock.issuer}${h.mock.paths.authorize}`)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', h.client.clientId)
  url.searchParams.set('redirect_uri', REDIRECT_URI)
  url.searchParams.set('scope', input.scope ?? 'read')
  url.searchParams.set('state', input.state ?? 'state-1')
  url.searchParams.set('code_challenge', s256Challenge(input.verifier ?? verifierFor('default')))
  url.searchParams.set('code_challenge_method', 'S256')
  if (input.login !== undefined) url.searchParams.set('login_hint', input.login)
  for (const [key, value] of Object.entries(input.extra ?? {})) url.searchParams.set(key, value)
  return url.toString()
}

/** Plays the browser: returns the code from the redirect (throws if there is none). */
export async function obtainCode(h: Harness, login: string, verifier = verifierFor(login)): Promise<string> {
  const res = await h.mock.fetch(authorizeUrl(h, { login, verifier }), { redirect: 'manual' })
  const location = res.headers.get('location')
  if (res.status !== 302 || location === null) throw new Error(`authorize answered ${res.status}`)
  const code = new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`authorize redirected without a code: ${location}`)
  return code
}

export type ClientAuth = 'basic' | 'post' | 'none'

export async function tokenRequest(
  h: Harness,
  params: Record<string, string>,
  auth: ClientAuth = 'basic',
  secret = h.client.clientSecret,
): Promise<Response> {
  const body = new URLSearchParams(params)
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (auth === 'basic') headers['authorization'] = basicHeader(h.client.clientId, secret)
  if (auth === 'post') {
    body.set('client_id', h.client.clientId)
    body.set('client_secret', secret)
  }
  return h.mock.fetch(`${h.mock.issuer}${h.mock.paths.token}`, {
    method: 'POST',
    headers,
    body: body.toString(),
  })
}

export interface TokenJson {
  access_token: string
  token_type: string
  expires_in?: number
  refresh_token?: string
  scope?: string
}

export async function exchange(
  h: Harness,
  code: string,
  verifier: string,
  auth: ClientAuth = 'basic',
): Promise<Response> {
  return tokenRequest(
    h,
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
    auth,
  )
}

/** The whole Connect: authorize as `login`, exchange the code, return the token response body. */
export async function connect(h: Harness, login: string, auth: ClientAuth = 'basic'): Promise<TokenJson> {
  const verifier = verifierFor(login)
  const code = await obtainCode(h, login, verifier)
  const res = await exchange(h, code, verifier, auth)
  if (res.status !== 200) throw new Error(`code exchange answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as TokenJson
}

export async function refresh(
  h: Harness,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return tokenRequest(h, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra })
}

export async function callApi(h: Harness, accessToken: string): Promise<Response> {
  return h.mock.fetch(`${h.mock.issuer}${h.mock.paths.api}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  })
}

/**
 * Malformed-request fuzzing shared by the in-process fuzz test (mocks/fuzz.test.ts) and the one
 * through serve (src/cli/commands/serve-fuzz.test.ts): per provider, its endpoints, a fast-check
 * arbitrary of bad requests, the dialect check every answer must pass, and a valid flow that must
 * still work afterwards. FUZZ_FULL=1 raises the count to 10,000 per endpoint.
 */
import fc from 'fast-check'
import { s256Challenge } from './spec/pkce.ts'
import type { MockProviderId } from './types.ts'

/** Requests per endpoint: small in `npm test`, 10,000 with FUZZ_FULL=1 (the tests read the variable). */
export function fuzzPerEndpoint(full: string | undefined): number {
  return full === '1' ? 10_000 : 12
}

export const REDIRECT_URI = 'http://127.0.0.1:9/cb'
const VERIFIER = 'v'.repeat(43)

interface ProviderShape {
  authorize: string
  token: string
  endpoints: readonly string[]
  authorizeExtra: Record<string, string>
}

const LAB = ['/_lab/clients', '/_lab/faults', '/_lab/clock/advance', '/_lab/policy', '/_lab/requests']

export const PROVIDER_SHAPES: Record<MockProviderId, ProviderShape> = {
  baseline: {
    authorize: '/authorize',
    token: '/token',
    endpoints: ['/authorize', '/token', '/revoke', '/api/me', '/.well-known/oauth-authorization-server'],
    authorizeExtra: {},
  },
  jira: {
    authorize: '/authorize',
    token: '/oauth/token',
    endpoints: [
      '/authorize',
      '/oauth/token',
      '/oauth/token/accessible-resources',
      '/ex/jira/x/rest/api/3/myself',
    ],
    authorizeExtra: { audience: 'api.atlassian.com', scope: 'read:jira-user offline_access' },
  },
  slack: {
    authorize: '/oauth/v2/authorize',
    token: '/api/oauth.v2.access',
    endpoints: ['/oauth/v2/authorize', '/api/oauth.v2.access', '/api/auth.test', '/api/auth.revoke'],
    authorizeExtra: { user_scope: 'chat:write' },
  },
  salesforce: {
    authorize: '/services/oauth2/authorize',
    token: '/services/oauth2/token',
    endpoints: [
      '/services/oauth2/authorize',
      '/services/oauth2/token',
      '/services/oauth2/revoke',
      '/services/oauth2/userinfo',
      '/.well-known/openid-configuration',
      '/id/keys',
    ],
    authorizeExtra: { scope: 'api refresh_token' },
  },
  google: {
    authorize: '/o/oauth2/v2/auth',
    token: '/token',
    endpoints: [
      '/o/oauth2/v2/auth',
      '/token',
      '/revoke',
      '/oauth2/v3/userinfo',
      '/gmail/v1/users/me/profile',
      '/.well-known/openid-configuration',
      '/oauth2/v3/certs',
    ],
    authorizeExtra: { scope: 'openid email', access_type: 'offline' },
  },
  zendesk: {
    authorize: '/oauth/authorizations/new',
    token: '/oauth/tokens',
    endpoints: [
      '/oauth/authorizations/new',
      '/oauth/tokens',
      '/api/v2/users/me.json',
      '/api/v2/oauth/tokens.json',
      '/api/v2/oauth/tokens/1.json',
    ],
    authorizeExtra: { scope: 'read' },
  },
  databricks: {
    authorize: '/oidc/v1/authorize',
    token: '/oidc/v1/token',
    endpoints: [
      '/oidc/v1/authorize',
      '/oidc/v1/token',
      '/api/2.0/preview/scim/v2/Me',
      '/oidc/.well-known/openid-configuration',
      '/oidc/v1/keys',
    ],
    authorizeExtra: { scope: 'all-apis offline_access' },
  },
}

export function endpointsOf(provider: MockProviderId): string[] {
  return [...PROVIDER_SHAPES[provider].endpoints, ...LAB]
}

export interface FuzzRequest {
  method: string
  query: string
  headers: Record<string, string>
  body: Uint8Array | undefined
}

const PARAM_NAMES = [
  'grant_type',
  'code',
  'refresh_token',
  'client_id',
  'client_secret',
  'redirect_uri',
  'code_verifier',
  'token',
  'scope',
  'response_type',
  'code_challenge',
  'ms',
  '__proto__',
]
const junk = fc.string({ unit: 'binary', maxLength: 40 })
const paramValue = fc.oneof(
  junk,
  fc.constantFrom(
    'authorization_code',
    'refresh_token',
    'code',
    '%zz',
    '%FF%FE',
    '',
    '\u0000',
    'a'.repeat(300),
  ),
)
const params = fc.dictionary(fc.oneof(fc.constantFrom(...PARAM_NAMES), junk), paramValue, { maxKeys: 6 })

const encodeForm = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')

const bodyArb: fc.Arbitrary<{ type?: string; bytes?: Uint8Array }> = fc.oneof(
  params.map((p) => ({
    type: 'application/x-www-form-urlencoded',
    bytes: new TextEncoder().encode(encodeForm(p)),
  })),
  params.map((p) => ({ type: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(p)) })),
  // JSON where a form is expected, and the other way round.
  params.map((p) => ({
    type: 'application/x-www-form-urlencoded',
    bytes: new TextEncoder().encode(JSON.stringify(p)),
  })),
  params.map((p) => ({ type: 'application/json', bytes: new TextEncoder().encode(encodeForm(p)) })),
  fc.constant({ type: 'application/json', bytes: new TextEncoder().encode('[1,{"a":null}]') }),
  fc.constant({
    type: 'application/json',
    bytes: new TextEncoder().encode('{"grant_type":{"x":1},"code":[1]}'),
  }),
  // Invalid UTF-8 and random bytes under any content type.
  fc
    .constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
    )
    .map((type) => ({ type, bytes: new Uint8Array([0x67, 0x3d, 0xff, 0xfe, 0xc3, 0x28]) })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ type: 'application/octet-stream', bytes })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ bytes })),
  // Oversize: must be 413.
  fc.constant({ type: 'application/x-www-form-urlencoded', bytes: new Uint8Array(70 * 1024).fill(0x61) }),
  fc.constant({}),
)

const authorization = fc.oneof(
  fc.constant(undefined),
  junk.map((s) => `Basic ${s}`),
  fc.string({ maxLength: 30 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  fc.constant('Basic ****'),
  fc.constant(`Basic ${'A'.repeat(5000)}`),
  junk.map((s) => `Bearer ${s}`),
  fc.constant('Digest x'),
)

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    query: params.map(encodeForm),
    body: bodyArb,
    authorization,
    hugeHeader: fc.boolean(),
  })
  .map(({ method, query, body, authorization: auth, hugeHeader }) => {
    const headers: Record<string, string> = {}
    if (body.type !== undefined) headers['content-type'] = body.type
    if (auth !== undefined) headers['authorization'] = auth.replace(/[^\t\x20-\x7e]/g, '')
    if (hugeHeader) headers['x-junk'] = 'j'.repeat(8 * 1024)
    const withBody = method !== 'GET' && method !== 'HEAD'
    return { method, query, headers, body: withBody ? body.bytes : undefined }
  })

export interface Verdict {
  ok: boolean
  why?: string
}

/** Is this answer in the provider's dialect and not a server error? */
export function checkAnswer(
  provider: MockProviderId,
  path: string,
  status: number,
  contentType: string,
  text: string,
  method: string,
): Verdict {
  // /_lab is reconnect-lab's own surface with its own dialect ({error, error_description}) on every mock.
  const dialect: MockProviderId | 'lab' = path.startsWith('/_lab') && status >= 400 ? 'lab' : provider
  if (status >= 500) return { ok: false, why: `uninjected ${status}` }
  if (method === 'HEAD' || status === 204 || status === 302 || status === 304) return { ok: true }
  if (contentType.includes('text/html'))
    return text.startsWith('<!doctype html>') ? { ok: true } : { ok: false, why: 'broken html' }
  if (!contentType.includes('json')) {
    // RFC 7009 success and Salesforce/Google revoke: 200 with no body.
    return status === 200 && text === ''
      ? { ok: true }
      : { ok: false, why: `not JSON: ${contentType} ${text.slice(0, 80)}` }
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, why: 'invalid JSON' }
  }
  if (status < 400 && !(dialect === 'slack' && (body as { ok?: unknown })?.ok === false)) return { ok: true }
  const record = (Array.isArray(body) ? body[0] : body) as Record<string, unknown> | undefined
  if (!record || typeof record !== 'object') return { ok: false, why: 'error without a body' }
  if (dialect === 'lab')
    return typeof record['error'] === 'string' ? { ok: true } : { ok: false, why: 'not the lab dialect' }
  if (dialect === 'slack')
    return record['ok'] === false && typeof record['error'] === 'string'
      ? { ok: true }
      : { ok: false, why: 'not Slack ok:false' }
  const shaped =
    typeof record['error'] === 'string' ||
    (typeof record['error'] === 'object' && record['error'] !== null) ||
    typeof record['error_code'] === 'number' ||
    typeof record['errorCode'] === 'string' ||
    typeof record['message'] === 'string' ||
    Array.isArray(record['errorMessages'])
  return shaped ? { ok: true } : { ok: false, why: `no error field: ${text.slice(0, 80)}` }
}

/** The standard code flow a client uses, which must still work after the fuzz. */
export async function validFlow(
  provider: MockProviderId,
  base: string,
  doFetch: typeof fetch,
  client: { clientId: string; clientSecret: string },
): Promise<boolean> {
  const shape = PROVIDER_SHAPES[provider]
  const url = new URL(`${base}${shape.authorize}`)
  const query: Record<string, string> = {
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state: 's',
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    ...shape.authorizeExtra,
  }
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const auth = await doFetch(url, { redirect: 'manual' })
  const code = new URL(auth.headers.get('location') ?? 'x:/').searchParams.get('code')
  if (code === null) return false
  const res = await doFetch(`${base}${shape.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  })
  const body = (await res.json()) as Record<string, unknown>
  return res.status === 200 && (typeof body['access_token'] === 'string' || body['ok'] === true)
}

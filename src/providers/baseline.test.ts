import { describe, expect, it } from 'vitest'
import type { PackDescriptor } from '../manager/contract.ts'
import { baselineClient, baselineEndpoints, extendBaseline } from './baseline.ts'
import { LabError } from '../errors.ts'
import { providerClient, supportedProviderIds } from './index.ts'

const pack: PackDescriptor = {
  id: 'p',
  provider: 'baseline',
  setup: 'custom',
  baseUrl: 'http://baseline.mock',
  endpoints: baselineEndpoints('http://baseline.mock/'),
  clientId: 'client 1',
  clientSecret: 's3cr:t&+',
  redirectUri: 'http://app.example/callback',
  scopes: ['read', 'write'],
}

const json = { 'content-type': 'application/json' }

describe('baseline endpoints and requests', () => {
  it('derives RFC 8414-style paths under the issuer', () => {
    expect(baselineEndpoints('http://baseline.mock/')).toEqual({
      authorize: 'http://baseline.mock/authorize',
      token: 'http://baseline.mock/token',
      revoke: 'http://baseline.mock/revoke',
      api: 'http://baseline.mock/api/me',
    })
  })

  it('builds the authorization URL with PKCE S256 and space-joined scopes', () => {
    const url = new URL(baselineClient.authorizationUrl(pack, { state: 'st', codeChallenge: 'ch' }))
    expect(url.origin + url.pathname).toBe('http://baseline.mock/authorize')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client 1',
      redirect_uri: 'http://app.example/callback',
      scope: 'read write',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    })
  })

  it('sends grants form-urlencoded with client_secret_basic (each part form-encoded, RFC 6749 §2.3.1)', () => {
    const { url, init } = baselineClient.tokenRequest(pack, {
      grantType: 'refresh_token',
      refreshToken: 'rt 1',
    })
    expect(url).toBe('http://baseline.mock/token')
    expect(init.method).toBe('POST')
    const headers = new Headers(init.headers)
    expect(headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    const basic = Buffer.from(
      (headers.get('authorization') ?? '').replace(/^Basic /, ''),
      'base64',
    ).toString()
    expect(basic).toBe('client+1:s3cr%3At%26%2B')
    const body = new URLSearchParams(String(init.body))
    expect(Object.fromEntries(body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt 1' })

    const code = baselineClient.tokenRequest(pack, {
      grantType: 'authorization_code',
      code: 'c',
      codeVerifier: 'v',
    })
    expect(Object.fromEntries(new URLSearchParams(String(code.init.body)))).toEqual({
      grant_type: 'authorization_code',
      code: 'c',
      redirect_uri: 'http://app.example/callback',
      code_verifier: 'v',
    })
  })
})

describe('baseline token responses', () => {
  const parse = baselineClient.parseTokenResponse

  it('parses a full success', () => {
    expect(
      parse(200, json, {
        access_token: 'a',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'r',
        scope: 'read write',
      }),
    ).toEqual({
      kind: 'success',
      token: {
        accessToken: 'a',
        refreshToken: 'r',
        expiresInMs: 3_600_000,
        scopes: ['read', 'write'],
        extras: { token_type: 'Bearer' },
      },
    })
  })

  it('treats absent expires_in and refresh_token as unknown / not sent', () => {
    const result = parse(200, json, { access_token: 'a', token_type: 'bearer', scope: 'read' })
    expect(result).toEqual({
      kind: 'success',
      token: { accessToken: 'a', scopes: ['read'], extras: { token_type: 'bearer' } },
    })
  })

  it.each([
    ['no access token', { token_type: 'Bearer' }],
    ['empty access token', { access_token: '', token_type: 'Bearer' }],
    ['wrong token type', { access_token: 'a', token_type: 'mac' }],
    ['missing token type', { access_token: 'a' }],
    ['negative expires_in', { access_token: 'a', token_type: 'Bearer', expires_in: -1 }],
    ['textual expires_in', { access_token: 'a', token_type: 'Bearer', expires_in: 'soon' }],
    ['non-string refresh token', { access_token: 'a', token_type: 'Bearer', refresh_token: 5 }],
    ['not an object', 'access_token=a'],
  ])('a malformed 2xx (%s) is platform, never stored', (_, body) => {
    expect(parse(200, json, body)).toMatchObject({ kind: 'failure', failure: { kind: 'platform' } })
  })

  it('a 2xx carrying an error is classified as the error', () => {
    expect(parse(200, json, { error: 'invalid_grant' })).toMatchObject({
      kind: 'failure',
      failure: { kind: 'permanent', reason: 'grant_invalid' },
    })
  })

  it('accepts expires_in sent as a numeric string', () => {
    expect(parse(200, json, { access_token: 'a', token_type: 'Bearer', expires_in: '60' })).toMatchObject({
      token: { expiresInMs: 60_000 },
    })
  })
})

describe('baseline failure classification', () => {
  const classify = baselineClient.classifyTokenFailure

  it.each([
    [400, { error: 'invalid_grant' }, 'permanent'],
    [401, { error: 'invalid_client' }, 'configuration'],
    [400, { error: 'unauthorized_client' }, 'configuration'],
    [401, '', 'configuration'],
    [400, { error: 'invalid_request' }, 'platform'],
    [400, { error: 'unsupported_grant_type' }, 'platform'],
    [400, { error: 'invalid_scope' }, 'platform'],
    [400, { error: 'something_new' }, 'platform'],
    [404, '<html>', 'platform'],
    [400, { error: 'temporarily_unavailable' }, 'transient'],
    [500, { error: 'invalid_grant' }, 'transient'],
    [502, '<html>bad gateway</html>', 'transient'],
    [429, {}, 'transient'],
  ] as const)('%i %j is %s', (status, body, kind) => {
    expect(classify(status, {}, body).kind).toBe(kind)
  })

  it('invalid_grant is grant_invalid (RFC 6749 cannot tell expired from revoked)', () => {
    expect(classify(400, {}, { error: 'invalid_grant' })).toMatchObject({ reason: 'grant_invalid' })
  })

  it('parses Retry-After as seconds or as an HTTP-date against the given clock', () => {
    expect(classify(429, { 'retry-after': '7' }, {})).toMatchObject({ kind: 'transient', retryAfterMs: 7000 })
    const now = Date.UTC(2026, 0, 5, 9, 0, 0)
    expect(
      classify(503, { 'retry-after': 'Mon, 05 Jan 2026 09:00:30 GMT' }, {}, undefined, now),
    ).toMatchObject({
      retryAfterMs: 30_000,
    })
    expect(classify(429, { 'retry-after': 'whenever' }, {})).not.toHaveProperty('retryAfterMs')
  })

  it('network errors and timeouts are transient', () => {
    expect(classify(0, {}, undefined, new TypeError('fetch failed'))).toMatchObject({ kind: 'transient' })
    expect(classify(0, {}, undefined, new DOMException('t', 'TimeoutError'))).toEqual({
      kind: 'transient',
      detail: 'request timed out',
    })
  })

  it('never echoes error_description or a non-code error into details', () => {
    const leaky = classify(400, {}, { error: 'rt_123 is bad!', error_description: 'secret_1 rt_123' })
    expect(JSON.stringify(leaky)).not.toMatch(/rt_123|secret_1/)
  })
})

describe('baseline API classification', () => {
  const classify = baselineClient.classifyApiResult
  it.each([
    [200, {}, 'ok'],
    [204, {}, 'ok'],
    [401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }, 'token_rejected'],
    [403, { 'www-authenticate': 'Bearer realm="x", error="insufficient_scope"' }, 'scope_missing'],
    [403, {}, 'other'],
    [404, {}, 'other'],
    [429, {}, 'transient'],
    [503, {}, 'transient'],
  ] as const)('%i %j is %s', (status, headers, expected) => {
    expect(classify({ status, headers, body: {} })).toBe(expected)
  })

  it('reads insufficient_scope from a JSON body too', () => {
    expect(classify({ status: 403, headers: {}, body: { error: 'insufficient_scope' } })).toBe(
      'scope_missing',
    )
  })
})

describe('baseline callbacks', () => {
  it('parses code and error redirects', () => {
    expect(baselineClient.parseCallback('http://app.example/callback?code=c1&state=s1')).toEqual({
      kind: 'code',
      code: 'c1',
      state: 's1',
    })
    expect(
      baselineClient.parseCallback(
        'http://app.example/callback?error=access_denied&error_description=no&state=s1',
      ),
    ).toEqual({ kind: 'error', error: 'access_denied', description: 'no', state: 's1' })
    expect(baselineClient.parseCallback('http://app.example/callback')).toMatchObject({ kind: 'invalid' })
    expect(baselineClient.parseCallback('not a url')).toMatchObject({ kind: 'invalid' })
  })

  it('access_denied is consent_denied; RFC transient codes retry; anything else is the admin', () => {
    expect(baselineClient.classifyCallbackError('access_denied')).toMatchObject({
      kind: 'permanent',
      reason: 'consent_denied',
    })
    expect(baselineClient.classifyCallbackError('temporarily_unavailable').kind).toBe('transient')
    expect(baselineClient.classifyCallbackError('invalid_scope').kind).toBe('configuration')
    expect(baselineClient.classifyCallbackError('<script>').kind).toBe('configuration')
  })
})

describe('registry and extension', () => {
  it('knows baseline and throws a typed error for providers without a client yet', () => {
    expect(providerClient('baseline')).toBe(baselineClient)
    expect(supportedProviderIds()).toContain('baseline')
    const missing = supportedProviderIds().includes('salesforce') ? undefined : 'salesforce'
    if (missing !== undefined) {
      expect(() => providerClient(missing)).toThrow(LabError)
      try {
        providerClient(missing)
      } catch (error) {
        expect(error).toMatchObject({ code: 'UNKNOWN_PROVIDER' })
      }
    }
  })

  it('extendBaseline routes parseTokenResponse through an overridden classifier', () => {
    const client = extendBaseline('slack', {
      classifyTokenFailure: () => ({ kind: 'permanent', reason: 'grant_revoked', detail: 'custom' }),
    })
    expect(client.id).toBe('slack')
    expect(client.parseTokenResponse(400, {}, { error: 'whatever' })).toEqual({
      kind: 'failure',
      failure: { kind: 'permanent', reason: 'grant_revoked', detail: 'custom' },
    })
    expect(baselineClient.parseTokenResponse(400, {}, { error: 'whatever' })).toMatchObject({
      failure: { kind: 'platform' },
    })
  })
})

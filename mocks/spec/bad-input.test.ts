/** Bad input never gives a 500: every case answers in RFC shape, token/revoke answers are never cacheable. */
import { describe, expect, test } from 'vitest'
import { ISSUER, basicHeader, connect, obtainCode, setupBaseline, verifierFor } from './test-client.ts'

const FORM = 'application/x-www-form-urlencoded'

async function expectRfcError(res: Response, status: number, error: string): Promise<void> {
  expect(res.status).toBe(status)
  expect(res.headers.get('cache-control')).toBe('no-store')
  const body = (await res.json()) as Record<string, unknown>
  expect(body['error']).toBe(error)
  expect(typeof body['error_description']).toBe('string')
}

describe.each(['/token', '/revoke'])('%s', (path) => {
  test.each([
    ['no content type', undefined, 'grant_type=refresh_token&refresh_token=x'],
    ['JSON', 'application/json', '{"grant_type":"refresh_token"}'],
    ['text/plain', 'text/plain', 'grant_type=refresh_token'],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
    ],
  ])('wrong content type (%s) is invalid_request', async (_name, type, body) => {
    const h = setupBaseline()
    const headers: Record<string, string> = {
      authorization: basicHeader(h.client.clientId, h.client.clientSecret),
    }
    if (type !== undefined) headers['content-type'] = type
    const res = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers,
      body: new TextEncoder().encode(body),
    })
    await expectRfcError(res, 400, 'invalid_request')
  })

  test('a body over maxBodyBytes is 413 invalid_request, by Content-Length and by actual size', async () => {
    const h = setupBaseline({ maxBodyBytes: 1024 })
    const big = `grant_type=refresh_token&refresh_token=${'a'.repeat(2000)}`
    const headers = {
      'content-type': FORM,
      authorization: basicHeader(h.client.clientId, h.client.clientSecret),
    }
    const declared = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(big.length) },
      body: big,
    })
    await expectRfcError(declared, 413, 'invalid_request')
    // A stream with no declared length is measured as it is read.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('a'.repeat(600)))
        controller.close()
      },
    })
    const streamed = await h.mock.app.request(path, {
      method: 'POST',
      headers,
      body: stream,
      duplex: 'half',
    } as RequestInit)
    await expectRfcError(streamed, 413, 'invalid_request')
  })

  test('non-UTF-8 bytes are invalid_request', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicHeader(h.client.clientId, h.client.clientSecret) },
      body: new Uint8Array([0x67, 0x3d, 0xff, 0xfe, 0xc3, 0x28]),
    })
    await expectRfcError(res, 400, 'invalid_request')
  })

  test.each([
    ['bad base64', 'Basic !!!not-base64!!!'],
    ['no colon', `Basic ${Buffer.from('client_1').toString('base64')}`],
    ['bad padding', 'Basic YWJj='],
    ['bad percent-encoding', `Basic ${Buffer.from('client_1:%zz').toString('base64')}`],
    ['latin-1 bytes', `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`],
    ['another scheme', 'Bearer abc'],
  ])('malformed Authorization (%s) is 401 invalid_client', async (_name, authorization) => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization },
      body: 'grant_type=refresh_token&refresh_token=x&token=x',
    })
    await expectRfcError(res, 401, 'invalid_client')
  })

  test('Basic and client_secret in the body together is invalid_request', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicHeader(h.client.clientId, h.client.clientSecret) },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        token: 'x',
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
      }),
    })
    await expectRfcError(res, 400, 'invalid_request')
  })

  test('no client authentication at all is 401 invalid_client without a Basic challenge', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: `grant_type=refresh_token&refresh_token=x&token=x&client_id=${h.client.clientId}`,
    })
    expect(res.headers.get('www-authenticate')).toBeNull()
    await expectRfcError(res, 401, 'invalid_client')
  })

  test('a duplicated parameter is invalid_request', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}${path}`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicHeader(h.client.clientId, h.client.clientSecret) },
      body: 'grant_type=refresh_token&refresh_token=a&refresh_token=b&token=a&token=b',
    })
    await expectRfcError(res, 400, 'invalid_request')
  })

  test('GET is 405 invalid_request with Allow: POST', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}${path}`)
    expect(res.headers.get('allow')).toBe('POST')
    await expectRfcError(res, 405, 'invalid_request')
  })
})

describe('/token parameters', () => {
  const post = (h: ReturnType<typeof setupBaseline>, body: string) =>
    h.mock.fetch(`${ISSUER}/token`, {
      method: 'POST',
      headers: {
        'content-type': `${FORM}; charset=UTF-8`,
        authorization: basicHeader(h.client.clientId, h.client.clientSecret),
      },
      body,
    })

  test.each([
    ['no grant_type', '', 400, 'invalid_request'],
    ['empty grant_type', 'grant_type=', 400, 'invalid_request'],
    ['unknown grant_type', 'grant_type=password&username=a&password=b', 400, 'unsupported_grant_type'],
    ['client_credentials', 'grant_type=client_credentials', 400, 'unsupported_grant_type'],
    ['refresh without refresh_token', 'grant_type=refresh_token', 400, 'invalid_request'],
    ['code without code', 'grant_type=authorization_code&code_verifier=v', 400, 'invalid_request'],
    // The verifier is optional on the wire (a code issued without PKCE needs none): an unknown code is the error.
    ['unknown code without verifier', 'grant_type=authorization_code&code=c', 400, 'invalid_grant'],
    [
      'unknown code',
      `grant_type=authorization_code&code=nope&code_verifier=${verifierFor('x')}`,
      400,
      'invalid_grant',
    ],
    ['junk percent-escapes', 'grant_type=refresh_token&refresh_token=%FF%FE%zz', 400, 'invalid_grant'],
    [
      '__proto__ names',
      'grant_type=refresh_token&__proto__=x&constructor=y&refresh_token=r',
      400,
      'invalid_grant',
    ],
  ])('%s', async (_name, body, status, error) => {
    const h = setupBaseline()
    await expectRfcError(await post(h, body), status, error)
  })

  test('a verifier that is not RFC 7636 shaped fails like a wrong one', async () => {
    const h = setupBaseline()
    const code = await obtainCode(h, 'ada', verifierFor('ada'))
    await expectRfcError(
      await post(h, `grant_type=authorization_code&code=${code}&code_verifier=short&redirect_uri=x`),
      400,
      'invalid_grant',
    )
  })

  test('an unknown client is 401 invalid_client with a Basic challenge', async () => {
    const h = setupBaseline()
    const res = await h.mock.fetch(`${ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicHeader('who', 'what') },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="baseline"')
    await expectRfcError(res, 401, 'invalid_client')
  })

  test('client ids and secrets are form-urlencoded inside Basic (RFC 6749 §2.3.1)', async () => {
    const h = setupBaseline()
    const odd = h.mock.control.createClient({
      clientId: 'odd client:1',
      clientSecret: 'p@ss word+/:',
      redirectUris: ['https://app.example.test/oauth/callback'],
    })
    const res = await h.mock.fetch(`${ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicHeader(odd.clientId, odd.clientSecret) },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    // Authenticated fine: the failure is about the (unknown) refresh token.
    await expectRfcError(res, 400, 'invalid_grant')
  })
})

describe('everywhere else', () => {
  test('unknown routes are 404 {error:not_found}', async () => {
    const h = setupBaseline()
    for (const path of ['/nope', '/token/extra', '/.well-known/openid-configuration', '/_lab/nothing']) {
      const res = await h.mock.fetch(`${ISSUER}${path}`)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: 'not_found' })
    }
  })

  test('authorize with junk never 500s', async () => {
    const h = setupBaseline()
    for (const query of [
      '',
      '?client_id=',
      '?client_id=%FF',
      '?client_id=client_1&redirect_uri=%zz',
      `?${'a=1&'.repeat(500)}`,
    ]) {
      const res = await h.mock.fetch(`${ISSUER}/authorize${query}`, { redirect: 'manual' })
      expect(res.status).toBeLessThan(500)
    }
  })

  test('a token response never leaks to a cache even on success', async () => {
    const h = setupBaseline()
    await connect(h, 'ada')
    const statuses = h.mock.requests().map((r) => r.status)
    expect(statuses.every((s) => s < 500)).toBe(true)
  })

  test('an exception inside a route is an RFC-shaped 500 server_error', async () => {
    const h = setupBaseline()
    h.mock.app.get('/boom', () => {
      throw new Error(`secret ${h.client.clientSecret}`)
    })
    const res = await h.mock.fetch(`${ISSUER}/boom`)
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ error: 'server_error' })
    expect(text).not.toContain(h.client.clientSecret)
  })

  test('requests to another origin reject with a clear error', async () => {
    const h = setupBaseline()
    await expect(h.mock.fetch('http://elsewhere.mock/token')).rejects.toThrow(
      /serves http:\/\/baseline\.mock only/,
    )
  })
})

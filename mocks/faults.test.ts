import { describe, expect, test } from 'vitest'
import { DROP_HEADER, createFaultQueue, parseScheduledFault } from './faults.ts'
import { ISSUER, callApi, connect, refresh, setupBaseline } from './spec/test-client.ts'

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>
}

describe('fault queue', () => {
  test('FIFO, matched by endpoint and grant type, one per request', () => {
    const q = createFaultQueue()
    q.schedule({
      endpoint: 'token',
      grantType: 'refresh_token',
      fault: { kind: 'connection_reset' },
      times: 2,
    })
    q.schedule({ endpoint: 'token', fault: { kind: 'latency', ms: 5 }, times: 1 })
    q.schedule({ endpoint: 'api', fault: { kind: 'http_error', status: 503 }, times: 1 })
    expect(q.take('token', 'authorization_code')).toEqual({ kind: 'latency', ms: 5 })
    expect(q.take('token', 'authorization_code')).toBeUndefined()
    expect(q.take('token', 'refresh_token')).toEqual({ kind: 'connection_reset' })
    expect(q.take('token', 'refresh_token')).toEqual({ kind: 'connection_reset' })
    expect(q.take('token', 'refresh_token')).toBeUndefined()
    expect(q.pending()).toHaveLength(1)
    q.clear()
    expect(q.take('api', undefined)).toBeUndefined()
  })

  test('input is validated', () => {
    expect(() => parseScheduledFault({ endpoint: 'nope', fault: { kind: 'connection_reset' } })).toThrow(
      /endpoint/,
    )
    expect(() =>
      parseScheduledFault({ endpoint: 'api', fault: { kind: 'http_error', status: 200 } }),
    ).toThrow(/status/)
    expect(() => parseScheduledFault({ endpoint: 'api', fault: { kind: 'bogus' } })).toThrow(/kind/)
    expect(() => parseScheduledFault({ endpoint: 'api', fault: { kind: 'latency', ms: -1 } })).toThrow(/ms/)
    expect(() =>
      parseScheduledFault({ endpoint: 'api', times: 0, fault: { kind: 'connection_reset' } }),
    ).toThrow(/times/)
    expect(parseScheduledFault({ endpoint: 'api', fault: { kind: 'connection_reset' } }).times).toBe(1)
  })
})

describe('faults through the mock fetch', () => {
  test('http_error: that status, RFC body, Retry-After, state untouched, recorded', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.mock.control.injectFault({
      endpoint: 'token',
      grantType: 'refresh_token',
      fault: { kind: 'http_error', status: 429, retryAfterSeconds: 30 },
      times: 1,
    })
    const res = await refresh(h, tokens.refresh_token ?? '')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await json(res)).toMatchObject({ error: 'temporarily_unavailable' })
    // Nothing rotated: the same refresh token still works.
    expect((await refresh(h, tokens.refresh_token ?? '')).status).toBe(200)
    const last = h.mock.requests().filter((r) => r.endpoint === 'token')
    expect(last.at(-2)).toMatchObject({ status: 429, fault: 'http_error', error: 'temporarily_unavailable' })
  })

  test('http_error with its own body', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.mock.control.injectFault({
      endpoint: 'api',
      fault: { kind: 'http_error', status: 502, body: '<html>bad gateway</html>' },
      times: 1,
    })
    const res = await callApi(h, tokens.access_token)
    expect(res.status).toBe(502)
    expect(await res.text()).toBe('<html>bad gateway</html>')
  })

  test('scriptResponses: fail N times, then succeed', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.mock.control.scriptResponses('api', [{ status: 500 }, { status: 503, retryAfterSeconds: 1 }])
    expect((await callApi(h, tokens.access_token)).status).toBe(500)
    expect((await callApi(h, tokens.access_token)).status).toBe(503)
    expect((await callApi(h, tokens.access_token)).status).toBe(200)
  })

  test('connection_reset rejects like undici and leaves state alone', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.mock.control.injectFault({ endpoint: 'token', fault: { kind: 'connection_reset' }, times: 1 })
    const error = await refresh(h, tokens.refresh_token ?? '').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toBe('fetch failed')
    expect(((error as TypeError).cause as { code: string }).code).toBe('ECONNRESET')
    expect((await refresh(h, tokens.refresh_token ?? '')).status).toBe(200)
    expect(h.mock.requests().filter((r) => r.fault === 'connection_reset')).toEqual([
      expect.objectContaining({ status: 0, endpoint: 'token' }),
    ])
    expect(h.mock.control.ledger().filter((e) => e.type === 'refresh')).toHaveLength(1)
  })

  test('commit_then_drop rotates the token, then rejects; the ledger says so', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.mock.control.injectFault({
      endpoint: 'token',
      grantType: 'refresh_token',
      fault: { kind: 'commit_then_drop' },
      times: 1,
    })
    await expect(refresh(h, tokens.refresh_token ?? '')).rejects.toThrow('fetch failed')
    // The presented token was retired by the lost response: presenting it again is a reuse.
    const stale = await refresh(h, tokens.refresh_token ?? '')
    expect(stale.status).toBe(400)
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({
      status: 'ended',
      cause: 'reuse_detected',
    })
    const refreshes = h.mock.control.ledger().filter((e) => e.type === 'refresh')
    expect(refreshes[0]).toMatchObject({ result: 'issued', fault: 'commit_then_drop', presented: 'current' })
    expect(refreshes[1]).toMatchObject({ result: 'rejected', presented: 'retired_after_leeway' })
    expect(h.mock.requests().find((r) => r.fault === 'commit_then_drop')).toMatchObject({ status: 200 })
  })

  test('omit_refresh_token processes the refresh and strips refresh_token', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    h.mock.control.injectFault({ endpoint: 'token', fault: { kind: 'omit_refresh_token' }, times: 1 })
    const res = await refresh(h, tokens.refresh_token ?? '')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await json(res)
    expect(body).not.toHaveProperty('refresh_token')
    expect(body['access_token']).toEqual(expect.any(String))
    expect(h.mock.control.ledger().find((e) => e.type === 'refresh')).toMatchObject({
      fault: 'omit_refresh_token',
    })
  })

  test('latency sleeps on the clock, then answers normally', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const before = h.clock.now()
    h.mock.control.injectFault({ endpoint: 'api', fault: { kind: 'latency', ms: 5000 }, times: 1 })
    expect((await callApi(h, tokens.access_token)).status).toBe(200)
    expect(h.clock.now()).toBe(before + 5000)
    expect(h.mock.requests().at(-1)).toMatchObject({ fault: 'latency', status: 200 })
  })

  test('faults on authorize apply to the browser leg', async () => {
    const h = setupBaseline()
    h.mock.control.injectFault({
      endpoint: 'authorize',
      fault: { kind: 'http_error', status: 500 },
      times: 1,
    })
    await expect(connect(h, 'ada')).rejects.toThrow(/authorize answered 500/)
    await connect(h, 'ada')
  })

  test('the drop marker never reaches a caller of the in-process fetch', async () => {
    const h = setupBaseline()
    const tokens = await connect(h, 'ada')
    const res = await callApi(h, tokens.access_token)
    expect(res.headers.get(DROP_HEADER)).toBeNull()
    expect(ISSUER).toBe(h.mock.issuer)
  })
})

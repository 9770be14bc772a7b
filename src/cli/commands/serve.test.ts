import { afterAll, describe, expect, it } from 'vitest'
import { type RunningServers, startServers } from './serve.ts'

describe('reconnect-lab serve (loopback HTTP)', () => {
  let running: RunningServers | undefined
  afterAll(async () => {
    await running?.close()
  })

  it('serves the baseline mock on 127.0.0.1 with its metadata, token errors and control surface', async () => {
    running = await startServers({ providers: ['baseline'], port: 0, host: '127.0.0.1' })
    const base = running.urls['baseline']!
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const meta = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string
    }
    expect(meta.issuer).toBe(base)

    const bad = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('cache-control')).toContain('no-store')
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_request')
  })

  it('a connection_reset fault drops the connection, so a real client sees a network error', async () => {
    const base = running!.urls['baseline']!
    const inject = await fetch(`${base}/_lab/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'token', fault: { kind: 'connection_reset' }, times: 1 }),
    })
    expect(inject.status).toBeLessThan(300)
    await expect(
      fetch(`${base}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
      }),
    ).rejects.toThrow()
  })

  it('refuses a non-loopback host', async () => {
    await expect(startServers({ providers: ['baseline'], port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /loopback/,
    )
  })
})

import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { type IncomingHttpHeaders, createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MAX_CLOCK_ADVANCE_MS } from '../../../mocks/control.ts'
import { LAB_TOKEN_HEADER } from '../../../mocks/lab-guard.ts'
import { type RunningServers, type ServeOptions, loadServeConfig, startServers } from './serve.ts'

/** A raw HTTP request (fetch cannot send TRACE or a forged Host header). */
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: init.method ?? 'GET',
        headers: init.headers,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    if (init.body !== undefined) req.write(init.body)
    req.end()
  })
}

const running: RunningServers[] = []
async function start(options: Partial<ServeOptions> = {}): Promise<RunningServers> {
  const servers = await startServers({ providers: ['baseline'], port: 0, host: '127.0.0.1', ...options })
  running.push(servers)
  return servers
}
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()))
})

describe('serve memory bounds', () => {
  it('request log, ledger and token history are rings of the configured sizes', async () => {
    const servers = await start({ requestLogSize: 5, ledgerSize: 4, tokenRetention: 1, control: false })
    const mock = servers.mocks['baseline']
    const base = servers.urls['baseline']
    if (!mock || !base) throw new Error('baseline not served')
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${base}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=nope${i}&client_id=nobody&client_secret=x`,
      })
      expect(res.status).toBe(401)
    }
    expect(mock.requests()).toHaveLength(5)
    expect(mock.control.ledger()).toHaveLength(4)
    // The warm-up left nothing behind: only this test's requests are in the ring.
    expect(mock.requests().every((r) => r.endpoint === 'token' && r.status === 401)).toBe(true)
  })

  it('defaults: ledger 10,000 and token retention 100 (docs/SERVE.md)', async () => {
    const servers = await start({ control: false })
    const mock = servers.mocks['baseline'] as unknown as { store: { ledgerCapacity: number } }
    expect(mock.store.ledgerCapacity).toBe(10_000)
  })
})

function lab(servers: RunningServers, base: string, path: string, body?: unknown, method = 'POST') {
  return fetch(`${base}/_lab${path}`, {
    method,
    headers: { 'content-type': 'application/json', [LAB_TOKEN_HEADER]: servers.labToken },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

describe('reconnect-lab serve (loopback HTTP)', () => {
  it('serves the baseline mock on 127.0.0.1 with its metadata, token errors and control surface', async () => {
    const servers = await start()
    const base = servers.urls['baseline']!
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
    const servers = await start()
    const base = servers.urls['baseline']!
    const inject = await lab(servers, base, '/faults', {
      endpoint: 'token',
      fault: { kind: 'connection_reset' },
      times: 1,
    })
    expect(inject.status).toBe(201)
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

describe('the /_lab control surface is guarded', () => {
  it('needs a loopback Host with the served port, the token, and JSON for POST', async () => {
    const servers = await start()
    const base = servers.urls['baseline']!
    const port = new URL(base).port
    const good = { 'content-type': 'application/json', [LAB_TOKEN_HEADER]: servers.labToken }
    const body = JSON.stringify({ key: 'app' })
    // A cross-site form post: text/plain, no token.
    const forged = await raw(`${base}/_lab/approvals`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    })
    expect(forged.status).toBe(403)
    // DNS rebinding: the attacker's host name, even with everything else right.
    const rebound = await raw(`${base}/_lab/approvals`, {
      method: 'POST',
      headers: { ...good, host: `evil.example:${port}` },
      body,
    })
    expect(rebound.status).toBe(403)
    expect(JSON.parse(rebound.body)).toMatchObject({ error: 'forbidden' })
    const wrongPort = await raw(`${base}/_lab/requests`, { headers: { ...good, host: '127.0.0.1:1' } })
    expect(wrongPort.status).toBe(403)
    const wrongToken = await raw(`${base}/_lab/requests`, {
      headers: { ...good, [LAB_TOKEN_HEADER]: 'nope' },
    })
    expect(wrongToken.status).toBe(403)
    const textWithToken = await raw(`${base}/_lab/approvals`, {
      method: 'POST',
      headers: { ...good, 'content-type': 'text/plain' },
      body,
    })
    expect(textWithToken.status).toBe(415)
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const ok = await raw(`${base}/_lab/approvals`, { method: 'POST', headers: { ...good, host }, body })
      expect(ok.status).toBe(200)
    }
  })

  it('--no-control: /_lab answers the provider 404 and nothing changes', async () => {
    const servers = await start({ control: false })
    const base = servers.urls['baseline']!
    expect(servers.labToken).toBe('')
    const res = await fetch(`${base}/_lab/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: 'not_found' })
  })

  it('/_lab/clients refuses what the pack factory refuses (no Slack hybrid), naming the field', async () => {
    const servers = await start({ providers: ['slack'] })
    const base = servers.urls['slack']!
    const res = await lab(servers, base, '/clients', {
      redirectUris: ['http://127.0.0.1:9/cb'],
      policy: { rotation: true, issueRefreshTokens: true },
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(
      /policy\.rotation/,
    )
    const typo = await lab(servers, base, '/clients', { redirectUris: ['http://127.0.0.1:9/cb'], polcy: {} })
    expect(typo.status).toBe(400)
    expect(((await typo.json()) as { error_description: string }).error_description).toMatch(/^polcy/)
  })

  it('/_lab/options: the connector record checks a change, a refusal names the field and changes nothing', async () => {
    const servers = await start({ providers: ['slack'] })
    const base = servers.urls['slack']!
    const bad = await lab(servers, base, '/options', { options: { tokenRotation: 'sometimes' } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error_description: string }).error_description).toMatch(
      /^options\.tokenRotation: slack pack option tokenRotation must be one of false, true/,
    )
    const typo = await lab(servers, base, '/options', { options: { tokenRotaton: true } })
    expect(((await typo.json()) as { error_description: string }).error_description).toMatch(
      /^options\.tokenRotaton: .*unknown \(known: grantType, tokenRotation/,
    )
    const before = await fetch(`${base}/_lab/options`, { headers: { [LAB_TOKEN_HEADER]: servers.labToken } })
    expect(await before.json()).toEqual({ options: {} })
    const good = await lab(servers, base, '/options', { options: { tokenRotation: true } })
    expect(good.status).toBe(200)
    expect(await good.json()).toEqual({ options: { tokenRotation: true } })
    // The rebuilt provider runs with rotation: a client created now gets a rotation policy.
    const client = await lab(servers, base, '/clients', { redirectUris: ['http://127.0.0.1:9/cb'] })
    expect(((await client.json()) as { policy: { rotation: boolean } }).policy.rotation).toBe(true)
  })

  it('clock advances are bounded: a huge one is 400, and Zendesk tokens.json never 500s after the largest', async () => {
    const servers = await start({ providers: ['zendesk'] })
    const base = servers.urls['zendesk']!
    expect((await lab(servers, base, '/clock/advance', { ms: 8.64e15 })).status).toBe(400)
    expect((await lab(servers, base, '/clock/advance', { ms: MAX_CLOCK_ADVANCE_MS })).status).toBe(200)
    const list = await fetch(`${base}/api/v2/oauth/tokens.json`, {
      headers: { authorization: 'Bearer junk' },
    })
    expect(list.status).toBeLessThan(500)
  })
})

describe('serve hardening', () => {
  it('TRACE, TRACK and CONNECT get a 405 in the provider dialect on every path (never an empty 500)', async () => {
    const servers = await start({ providers: ['baseline', 'slack'] })
    for (const [provider, base] of Object.entries(servers.urls)) {
      for (const path of ['/token', '/authorize', '/nowhere', '/_lab/requests', '/api/oauth.v2.access']) {
        const res = await raw(`${base}${path}`, { method: 'TRACE' })
        const body = JSON.parse(res.body) as Record<string, unknown>
        if (provider === 'slack') {
          expect(res.status).toBe(200)
          expect(body).toMatchObject({ ok: false })
        } else {
          expect(res.status).toBe(405)
          expect(body).toMatchObject({ error: 'invalid_request' })
        }
      }
    }
  })

  it('the request log is a ring of --request-log-size entries', async () => {
    const servers = await start({ requestLogSize: 25 })
    const base = servers.urls['baseline']!
    for (let i = 0; i < 60; i++) await fetch(`${base}/nowhere?i=${i}`)
    const log = (await (await lab(servers, base, '/requests', undefined, 'GET')).json()) as Array<{
      params: Record<string, string>
    }>
    expect(log).toHaveLength(25)
    // Oldest first, the newest kept.
    expect(log[24]?.params['i']).toBe('59')
    expect(servers.mocks['baseline']!.requests()).toHaveLength(25)
  })

  it('::1 works, with brackets in every URL', async () => {
    const servers = await start({ host: '::1' })
    const base = servers.urls['baseline']!
    expect(base).toMatch(/^http:\/\/\[::1\]:\d+$/)
    const meta = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      string
    >
    expect(meta['issuer']).toBe(base)
    expect(meta['token_endpoint']).toBe(`${base}/token`)
    const port = new URL(base).port
    const ok = await raw(`${base}/_lab/requests`, {
      headers: { host: `[::1]:${port}`, [LAB_TOKEN_HEADER]: servers.labToken },
    })
    expect(ok.status).toBe(200)
  })

  it('a port in use is a UsageError and leaves nothing listening', async () => {
    // The port just below a free one is often held by another process's loopback connection on a
    // busy machine: pick a pair whose lower port is free right now.
    const canListen = (port: number): Promise<boolean> =>
      new Promise((resolve) => {
        const probe = createServer()
        probe.once('error', () => resolve(false))
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
      })
    let blocker = createServer()
    let taken = 0
    for (let attempt = 0; attempt < 50; attempt++) {
      blocker = createServer()
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
      taken = (blocker.address() as AddressInfo).port
      if (await canListen(taken - 1)) break
      blocker.close()
    }
    const first = taken - 1
    const error = await startServers({
      providers: ['baseline', 'jira'],
      port: first,
      host: '127.0.0.1',
    }).catch((e: unknown) => e)
    blocker.close()
    expect(error).toMatchObject({ code: 'USAGE' })
    expect((error as Error).message).toMatch(/EADDRINUSE/)
    // The provider that did start was closed again: its port is free.
    const probe = createServer()
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen(first, '127.0.0.1', resolve)
    })
    probe.close()
  })

  it('a port range past 65535 is a UsageError before anything starts', async () => {
    await expect(startServers({ port: 65533, host: '127.0.0.1' })).rejects.toThrow(/past 65535/)
  })

  it('--single-port: every provider under /<provider>, issuer = that base, discovery where clients look', async () => {
    const servers = await start({ providers: ['baseline', 'google', 'databricks'], singlePort: true })
    const base = servers.urls['google']!
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/google$/)
    const google = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >
    expect(google['issuer']).toBe(base)
    expect(google['revocation_endpoint']).toBe(`${base}/revoke`)
    const jwks = (await (await fetch(google['jwks_uri']!)).json()) as { keys: unknown[] }
    expect(jwks.keys).toHaveLength(1)
    const baseline = servers.urls['baseline']!
    const origin = new URL(baseline).origin
    // RFC 8414 §3.1: the well-known segment before the issuer's path.
    const meta = (await (
      await fetch(`${origin}/.well-known/oauth-authorization-server/baseline`)
    ).json()) as {
      issuer: string
    }
    expect(meta.issuer).toBe(baseline)
    const db = servers.urls['databricks']!
    const dbMeta = (await (await fetch(`${db}/oidc/.well-known/openid-configuration`)).json()) as {
      issuer: string
    }
    expect(dbMeta.issuer).toBe(`${db}/oidc`)
    expect((await fetch(`${origin}/nobody/token`)).status).toBe(404)
  })
})

describe('serve --config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-config-'))
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return name
  }
  const fails = async (name: string, text: string): Promise<string> => {
    const error = await (async () => {
      const config = loadServeConfig(file(name, text), dir)
      await startServers({ port: 0, host: '127.0.0.1', config })
    })().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'USAGE' })
    return (error as Error).message
  }

  it('sets options, clients, users and approvals per provider, and serves only those providers', async () => {
    const config = loadServeConfig(
      file(
        'ok.yaml',
        [
          'providers:',
          '  slack:',
          '    options: { tokenRotation: true }',
          '    defaultLogin: ada',
          '    clients:',
          '      - { clientId: app, clientSecret: app-secret, redirectUris: [http://127.0.0.1:9/cb] }',
          '    approvals: [app]',
        ].join('\n'),
      ),
      dir,
    )
    const servers = await startServers({ port: 0, host: '127.0.0.1', config })
    running.push(servers)
    expect(Object.keys(servers.urls)).toEqual(['slack'])
    expect(servers.defaultLogins['slack']).toBe('ada')
    const base = servers.urls['slack']!
    const auth = await fetch(
      `${base}/oauth/v2/authorize?client_id=app&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&response_type=code&user_scope=chat:write`,
      { redirect: 'manual' },
    )
    const code = new URL(auth.headers.get('location')!).searchParams.get('code')!
    const tokens = (await (
      await fetch(`${base}/api/oauth.v2.access`, {
        method: 'POST',
        body: new URLSearchParams({
          code,
          client_id: 'app',
          client_secret: 'app-secret',
          redirect_uri: 'http://127.0.0.1:9/cb',
        }),
      })
    ).json()) as { authed_user: { access_token: string; refresh_token: string; expires_in: number } }
    expect(tokens.authed_user.access_token).toMatch(/^xoxe\.xoxp-1-/)
    expect(tokens.authed_user.refresh_token).toMatch(/^xoxe-1-/)
    expect(tokens.authed_user.expires_in).toBe(43200)
  })

  it('a bad value exits with one line: file:line:col and the field', async () => {
    expect(await fails('a.yaml', 'providers:\n  jira:\n    options:\n      tokenBody: xml\n')).toMatch(
      /^a\.yaml:4:7: providers\.jira\.options\.tokenBody: .*tokenBody must be one of/,
    )
    expect(
      await fails(
        'b.yaml',
        'providers:\n  slack:\n    clients:\n      - redirectUris: [http://127.0.0.1:9/cb]\n        policy: { rotation: true }\n',
      ),
    ).toMatch(/^b\.yaml:5:19: providers\.slack\.clients\[0\]\.policy\.rotation: /)
    // An unknown option is refused by the connector record, at the option's own key.
    expect(await fails('g.yaml', 'providers:\n  jira:\n    options:\n      tokenBdy: json\n')).toMatch(
      /^g\.yaml:4:7: providers\.jira\.options\.tokenBdy: jira pack option "tokenBdy" is unknown \(known: tokenBody,/,
    )
    expect(await fails('c.json', '{"providers": {"nope": {}}}')).toMatch(
      /^c\.json:1:16: providers\.nope: unknown provider/,
    )
    expect(await fails('d.yaml', 'porrt: 1\n')).toMatch(/^d\.yaml:1:1: porrt: unknown field/)
    expect(await fails('e.yaml', 'providers: [\n')).toMatch(/^e\.yaml:\d+:\d+: \(syntax\)/)
    for (const message of [
      await fails('f.yaml', 'providers:\n  databricks:\n    policy: { accessTokenTtlMs: 1 }\n'),
    ])
      expect(message.split('\n')).toHaveLength(1)
  })
})

describe('serve stops cleanly on a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: exit 0, nothing left running', async (signal) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--provider', 'baseline', '--port', '0'],
      { cwd: join(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    // Resolved by the output itself: no polling timer (time is injected; src/clock.test.ts scans tests too).
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('control token')) resolve()
      })
    })
    const base = /baseline\s+(\S+)/.exec(out)?.[1] ?? ''
    // A keep-alive connection must not hold the process open.
    expect((await fetch(`${base}/nowhere`)).status).toBe(404)
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode))
      child.kill(signal)
    })
    expect(code).toBe(0)
    await expect(fetch(`${base}/nowhere`)).rejects.toThrow()
  }, 120_000)
})

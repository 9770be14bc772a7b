/**
 * The same malformed-request fuzz as mocks/fuzz.test.ts, through `serve` over real sockets (TRACE,
 * which fetch cannot send, is covered in serve.test.ts). Invariant: no 5xx, no dropped connection, every answer in
 * the provider's dialect, and a valid flow works afterwards. FUZZ_FULL=1: 10,000 per endpoint.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PROVIDER_SHAPES,
  REDIRECT_URI,
  checkAnswer,
  endpointsOf,
  fuzzPerEndpoint,
  fuzzRequest,
  validFlow,
} from '../../../mocks/fuzz-requests.ts'
import type { MockProviderId } from '../../../mocks/types.ts'
import type { ServeConfig } from './serve-config.ts'
import { type RunningServers, startServers } from './serve.ts'

const providers = Object.keys(PROVIDER_SHAPES) as MockProviderId[]
const full = process.env['FUZZ_FULL'] === '1'
// Over sockets each request costs ~10x an in-process one: a third of the in-process count by
// default; FUZZ_FULL=1 sends the full 10,000 per endpoint (docs/SERVE.md has the figures).
const perEndpoint = full ? fuzzPerEndpoint('1') : Math.max(4, Math.floor(fuzzPerEndpoint(undefined) / 3))
let servers: RunningServers
beforeAll(async () => {
  const section: ServeConfig['providers'] = {}
  for (const p of providers)
    section[p] = {
      clients: [{ clientId: `${p}-app`, clientSecret: 'fuzz-secret', redirectUris: [REDIRECT_URI] }],
    }
  servers = await startServers({
    port: 0,
    host: '127.0.0.1',
    config: { config: { providers: section }, locate: () => undefined, file: 'fuzz' },
  })
}, 60_000)
afterAll(async () => {
  await servers?.close()
})

describe('fuzz: malformed requests through serve', () => {
  it.each(providers)(
    '%s',
    async (provider) => {
      const base = servers.urls[provider]!
      let sent = 0
      for (const path of endpointsOf(provider)) {
        await fc.assert(
          fc.asyncProperty(fuzzRequest, async (req) => {
            sent++
            const method = req.method
            const res = await fetch(`${base}${path}?${req.query}`, {
              method,
              headers: req.headers,
              ...(req.body === undefined ? {} : { body: req.body }),
              redirect: 'manual',
            })
            const text = await res.text()
            const verdict = checkAnswer(
              provider,
              path,
              res.status,
              res.headers.get('content-type') ?? '',
              text,
              method,
            )
            if (!verdict.ok) throw new Error(`${method} ${path}: ${verdict.why}`)
          }),
          { numRuns: perEndpoint, seed: 7 },
        )
      }
      console.log(
        `fuzz through serve: ${provider}: ${sent} requests over ${endpointsOf(provider).length} endpoints, 0 failures`,
      )
      expect(
        await validFlow(provider, base, fetch, { clientId: `${provider}-app`, clientSecret: 'fuzz-secret' }),
      ).toBe(true)
    },
    full ? 3_600_000 : 120_000,
  )
})

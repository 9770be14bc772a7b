/**
 * Fuzz every endpoint of every mock in process with fast-check-generated malformed requests (bad
 * content types and parameters, bad Basic auth, oversize bodies, invalid UTF-8, JSON where a form is
 * expected, wrong methods, huge headers, random bytes). Invariant: no 5xx, no throw, every error in
 * the provider's dialect, and a valid flow still works afterwards. FUZZ_FULL=1: 10,000 per endpoint.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock, SIMULATION_EPOCH_MS } from '../src/clock.ts'
import { createSequentialIds } from '../src/ids.ts'
import { createDatabricksMock } from './databricks/index.ts'
import { createGoogleMock } from './google/index.ts'
import { createJiraMock } from './jira/index.ts'
import { createSalesforceMock } from './salesforce/index.ts'
import { createSlackMock } from './slack/index.ts'
import { createBaselineMock } from './spec/index.ts'
import {
  REDIRECT_URI,
  checkAnswer,
  endpointsOf,
  fuzzPerEndpoint,
  fuzzRequest,
  validFlow,
} from './fuzz-requests.ts'
import type { MockOptions, MockProvider, MockProviderId } from './types.ts'
import { createZendeskMock } from './zendesk/index.ts'

const FACTORIES: Record<MockProviderId, (o: MockOptions) => MockProvider> = {
  baseline: createBaselineMock,
  jira: createJiraMock,
  slack: createSlackMock,
  salesforce: createSalesforceMock,
  google: createGoogleMock,
  zendesk: createZendeskMock,
  databricks: createDatabricksMock,
}
const perEndpoint = fuzzPerEndpoint(process.env['FUZZ_FULL'])

describe('the fuzz verdict can fail', () => {
  it('flags a 5xx, a body outside the dialect and broken JSON', () => {
    expect(
      checkAnswer('baseline', '/token', 500, 'application/json', '{"error":"server_error"}', 'POST').ok,
    ).toBe(false)
    expect(checkAnswer('baseline', '/token', 400, 'application/json', '{"nope":1}', 'POST').ok).toBe(false)
    expect(checkAnswer('slack', '/api/auth.test', 200, 'application/json', '{"ok":false}', 'POST').ok).toBe(
      false,
    )
    expect(checkAnswer('google', '/token', 400, 'application/json', '{', 'POST').ok).toBe(false)
    expect(checkAnswer('jira', '/oauth/token', 400, 'text/plain', 'oops', 'POST').ok).toBe(false)
    expect(
      checkAnswer('baseline', '/token', 400, 'application/json', '{"error":"invalid_request"}', 'POST').ok,
    ).toBe(true)
  })
})

describe('fuzz: malformed requests against every mock, in process', () => {
  it.each(Object.keys(FACTORIES) as MockProviderId[])(
    '%s',
    async (provider) => {
      const mock = FACTORIES[provider]({
        clock: new ManualClock(SIMULATION_EPOCH_MS),
        ids: createSequentialIds(),
      })
      const client = mock.control.createClient({ redirectUris: [REDIRECT_URI] })
      let sent = 0
      for (const path of endpointsOf(provider)) {
        await fc.assert(
          fc.asyncProperty(fuzzRequest, async (req) => {
            sent++
            const res = await mock.fetch(`${mock.issuer}${path}?${req.query}`, {
              method: req.method,
              headers: req.headers,
              ...(req.body === undefined ? {} : { body: req.body }),
              redirect: 'manual',
            })
            const verdict = checkAnswer(
              provider,
              path,
              res.status,
              res.headers.get('content-type') ?? '',
              await res.text(),
              req.method,
            )
            if (!verdict.ok) throw new Error(`${req.method} ${path}: ${verdict.why}`)
          }),
          { numRuns: perEndpoint, seed: 42 },
        )
      }
      console.log(
        `fuzz in process: ${provider}: ${sent} requests over ${endpointsOf(provider).length} endpoints, 0 failures`,
      )
      expect(sent).toBe(perEndpoint * endpointsOf(provider).length)
      expect(await validFlow(provider, mock.issuer, mock.fetch, client)).toBe(true)
    },
    perEndpoint > 1000 ? 3_600_000 : 120_000,
  )
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock, SIMULATION_EPOCH_MS } from '../src/clock.ts'
import { createCryptoIds, createSequentialIds } from '../src/ids.ts'
import { REDACTED, createRequestRecorder, createSecretSet } from './recorder.ts'
import { secretVariants } from './secret-set.ts'
import { createBaselineMock } from './spec/index.ts'
import { s256Challenge } from './spec/pkce.ts'
import type { IdSource } from '../src/ids.ts'

const REDIRECT = 'http://127.0.0.1:9/cb'
const VERIFIER = 'v'.repeat(43)

/** A baseline mock with one connected teammate: every kind of secret it mints or was sent. */
async function connected(ids: IdSource) {
  const mock = createBaselineMock({ clock: new ManualClock(SIMULATION_EPOCH_MS), ids })
  const client = mock.control.createClient({ redirectUris: [REDIRECT] })
  const auth = await mock.fetch(
    `${mock.issuer}/authorize?client_id=${client.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&code_challenge=${s256Challenge(VERIFIER)}&code_challenge_method=S256&scope=read`,
    { redirect: 'manual' },
  )
  const code = new URL(auth.headers.get('location') ?? '').searchParams.get('code') ?? ''
  const res = await mock.fetch(`${mock.issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  })
  const tokens = (await res.json()) as { access_token: string; refresh_token: string }
  // A secret only the client knew: sent once under a secret-looking name (client_assertion).
  const assertion = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlbnQtYnktY2xpZW50'
  await mock.fetch(`${mock.issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: 'nope',
      client_assertion: assertion,
    }),
  })
  // A client secret with characters encoders change (`/`, `+`, `=`, `"`), learnt once from a form.
  const awkward = 'sk/live+Q9"zX=w\\t0ken/PART'
  await mock.fetch(`${mock.issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: awkward }),
  })
  return {
    mock,
    secrets: [
      tokens.access_token,
      tokens.refresh_token,
      code,
      client.clientSecret,
      VERIFIER,
      assertion,
      awkward,
    ],
  }
}

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/)
type Place =
  | 'query'
  | 'form'
  | 'json'
  | 'name'
  | 'path'
  | 'embedded'
  | 'state-json'
  | 'bearer'
  | 'bearer-glued'
  | 'glued'
  | 'json-in-json'
  | 'url-encoded'
  | 'path-glued'
const place = fc.constantFrom<Place>(
  'query',
  'form',
  'json',
  'name',
  'path',
  'embedded',
  'state-json',
  'bearer',
  'bearer-glued',
  'glued',
  'json-in-json',
  'url-encoded',
  'path-glued',
)
/** Token characters glued on either side of a secret: no delimiter to cut at. */
const glue = fc.stringMatching(/^[A-Za-z0-9]{1,6}$/)

describe('the request log redacts by value', () => {
  it.each([
    ['sequential ids', createSequentialIds],
    ['crypto ids', createCryptoIds],
  ])('secrets under random names and positions never reach requests() (%s)', async (_label, makeIds) => {
    const { mock, secrets } = await connected(makeIds())
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ secret: fc.constantFrom(...secrets), name, place, left: glue, right: glue }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom('/token', '/api/me', '/revoke', '/nowhere'),
        async (items, path) => {
          const query = new URLSearchParams()
          const form = new URLSearchParams()
          const json: Record<string, string> = {}
          const headers: Record<string, string> = {}
          let at: string = path
          for (const { secret, name: key, place: where, left, right } of items) {
            if (where === 'query') query.set(key, secret)
            if (where === 'form') form.set(key, secret)
            if (where === 'json') json[key] = secret
            if (where === 'name') query.set(secret, 'x')
            if (where === 'path') at = `${at}/${encodeURIComponent(secret)}`
            if (where === 'embedded') query.set(key, `before:${secret};after`)
            if (where === 'state-json') query.set('state', JSON.stringify({ [key]: secret }))
            if (where === 'bearer') headers['authorization'] = `Bearer ${secret}`
            if (where === 'bearer-glued') query.set(key, `Bearer${secret}`)
            if (where === 'glued') query.set(key, `token=${left}${secret}${right}`)
            if (where === 'json-in-json')
              form.set(key, JSON.stringify({ inner: JSON.stringify({ [key]: `${left}${secret}` }) }))
            if (where === 'url-encoded') query.set(key, `next=${encodeURIComponent(`${left}${secret}`)}`)
            if (where === 'path-glued') at = `${at}/${left}${encodeURIComponent(secret)}${right}`
          }
          const useJson = Object.keys(json).length > 0
          await mock.fetch(`${mock.issuer}${at}?${query}`, {
            method: 'POST',
            headers: {
              ...headers,
              'content-type': useJson ? 'application/json' : 'application/x-www-form-urlencoded',
            },
            body: useJson ? JSON.stringify(json) : form.toString(),
          })
        },
      ),
      { numRuns: 150, seed: 11 },
    )
    const log = JSON.stringify(mock.requests())
    const viaLab = await (await mock.app.request('/_lab/requests')).text()
    for (const secret of secrets)
      for (const form of secretVariants(secret)) {
        expect(log).not.toContain(form)
        expect(viaLab).not.toContain(form)
      }
    expect(log).toContain(REDACTED)
  })

  it('the secret set finds pieces at delimiters and is bounded by what was added', () => {
    const set = createSecretSet()
    set.add('xoxe.xoxp-1-at_r.AbCdEfGhIjKlMnOpQrStUv')
    expect(set.redact('/api/xoxe.xoxp-1-at_r.AbCdEfGhIjKlMnOpQrStUv?x=1')).not.toContain('AbCdEfGh')
    expect(set.redact('token is at_r.AbCdEfGhIjKlMnOpQrStUv.')).not.toContain('AbCdEfGh')
    expect(set.redact('nothing secret here')).toBe('nothing secret here')
  })

  it('finds a known value glued to other characters and in its encoded forms', () => {
    const set = createSecretSet()
    const secret = 'at_r.AbCdEfGhIjKlMnOpQrStUv'
    const awkward = 'sk/live+Q9"zX=w'
    set.add(secret)
    set.add(awkward)
    for (const text of [
      `Bearer${secret}`,
      `token=abc${secret}xyz`,
      JSON.stringify({ s: JSON.stringify({ t: `x${awkward}y` }) }),
      `next=${encodeURIComponent(`abc${awkward}`)}`,
      `q=${new URLSearchParams({ a: awkward })}`,
      `{"k":"${awkward.replace(/\//g, '\\/').replace(/"/g, '\\"')}"}`,
    ]) {
      const out = set.redact(text)
      expect(out).toContain(REDACTED)
      for (const form of secretVariants(awkward)) expect(out).not.toContain(form)
      expect(out).not.toContain('AbCdEfGh')
    }
    // Protocol words under secret-looking names are not learnt: grant types stay readable.
    set.add('refresh_token')
    expect(set.redact('grant_type=refresh_token')).toBe('grant_type=refresh_token')
  })

  it('the log is a ring: its size stays at the capacity however many requests arrive', () => {
    const recorder = createRequestRecorder({ capacity: 100 })
    for (let i = 0; i < 100_000; i++)
      recorder.record({
        atMs: i,
        method: 'GET',
        path: '/',
        endpoint: 'other',
        status: 404,
        params: { i: String(i) },
      })
    expect(recorder.size()).toBe(100)
    const list = recorder.list()
    expect(list[0]?.params['i']).toBe('99900')
    expect(list[99]?.params['i']).toBe('99999')
  })
})

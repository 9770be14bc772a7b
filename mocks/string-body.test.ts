import { describe, expect, it } from 'vitest'
import { StringBodyRequest, StringBodyResponse, stringBodyRequest } from './string-body.ts'

/** Everything a reader can observe of a body, step by step; errors become their class name. */
async function observe(make: () => Request | Response, steps: readonly string[]): Promise<unknown[]> {
  const subject = make()
  const seen: unknown[] = []
  const attempt = async (f: () => unknown) => {
    try {
      const v = await f()
      if (v instanceof ArrayBuffer) return [...new Uint8Array(v)]
      if (v instanceof Blob) return { type: v.type, text: await v.text() }
      if (v instanceof FormData) return [...v.entries()]
      return v
    } catch (error) {
      return `throws ${(error as Error).constructor.name}`
    }
  }
  for (const step of steps) {
    if (step === 'text') seen.push(await attempt(() => subject.text()))
    if (step === 'json') seen.push(await attempt(() => subject.json()))
    if (step === 'arrayBuffer') seen.push(await attempt(() => subject.arrayBuffer()))
    if (step === 'blob') seen.push(await attempt(() => subject.blob()))
    if (step === 'formData') seen.push(await attempt(() => subject.formData()))
    if (step === 'bodyUsed') seen.push(subject.bodyUsed)
    if (step === 'bodyNull') seen.push(subject.body === null)
    if (step === 'locked') seen.push(subject.body?.locked)
    if (step === 'stream')
      seen.push(await attempt(() => (subject.body === null ? 'null' : new Response(subject.body).text())))
    if (step === 'clone') {
      const copy = await attempt(() => subject.clone())
      seen.push(typeof copy === 'string' ? copy : await (copy as Response).text())
    }
    if (step === 'headers') seen.push([...subject.headers.entries()])
    if (step === 'status' && subject instanceof Response) seen.push([subject.status, subject.ok])
  }
  return seen
}

const SEQUENCES: readonly (readonly string[])[] = [
  ['headers', 'status', 'bodyUsed', 'text', 'bodyUsed', 'text', 'json', 'clone'],
  ['json', 'bodyUsed', 'arrayBuffer'],
  ['arrayBuffer', 'text'],
  ['blob', 'text'],
  ['formData'],
  ['clone', 'text', 'clone'],
  ['stream', 'bodyUsed', 'text'],
  ['text', 'locked', 'bodyNull'],
  ['bodyNull', 'locked', 'text'],
]

const BODIES = [
  '{"access_token":"a","expires_in":3600}',
  '',
  'not json',
  'lone \uD800 surrogate é',
  'grant_type=refresh_token&refresh_token=r%20t',
]

describe('StringBodyResponse reads like undici’s Response', () => {
  for (const body of [...BODIES, null]) {
    for (const init of [
      { status: 200 },
      { status: 400, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ]) {
      it(`${JSON.stringify(body)} ${JSON.stringify(init)}`, async () => {
        for (const steps of SEQUENCES) {
          const real = await observe(() => new Response(body, init), steps)
          const held = await observe(() => new StringBodyResponse(body, init), steps)
          expect(held, steps.join(' ')).toEqual(real)
        }
      })
    }
  }

  it('refuses a body on a null-body status, as undici does', () => {
    expect(() => new Response('x', { status: 204 })).toThrow(TypeError)
    expect(() => new StringBodyResponse('x', { status: 204 })).toThrow(TypeError)
    expect(new StringBodyResponse(null, { status: 204 }).status).toBe(204)
  })

  it('is a Response, and keeps the string it was given', () => {
    const r = new StringBodyResponse('{"a":1}', { status: 201 })
    expect(r).toBeInstanceOf(Response)
    expect(r.bodyText).toBe('{"a":1}')
  })
})

describe('stringBodyRequest builds what new Request builds', () => {
  const url = 'http://127.0.0.1:1/token'
  for (const body of [
    ...BODIES,
    new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r t' }),
  ]) {
    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      it(`${String(body)} ${JSON.stringify(headers)}`, async () => {
        const init = { method: 'POST', headers, body }
        expect(stringBodyRequest(url, init)).toBeInstanceOf(StringBodyRequest)
        for (const steps of SEQUENCES) {
          const real = await observe(() => new Request(url, init), steps)
          const held = await observe(() => stringBodyRequest(url, init), steps)
          expect(held, steps.join(' ')).toEqual(real)
        }
        const request = stringBodyRequest(url, init)
        expect([request.method, request.url]).toEqual(['POST', url])
      })
    }
  }

  it('takes undici’s own path for everything else, errors included', () => {
    const url2 = 'http://127.0.0.1:1/x'
    expect(stringBodyRequest(url2)).not.toBeInstanceOf(StringBodyRequest)
    expect(stringBodyRequest(url2, { method: 'POST', body: new Uint8Array([1]) })).not.toBeInstanceOf(
      StringBodyRequest,
    )
    expect(stringBodyRequest(new Request(url2, { method: 'POST', body: 'x' }))).not.toBeInstanceOf(
      StringBodyRequest,
    )
    expect(() => stringBodyRequest(url2, { method: 'GET', body: 'x' })).toThrow(TypeError)
    expect(() => stringBodyRequest('not a url', { method: 'POST', body: 'x' })).toThrow(TypeError)
  })
})

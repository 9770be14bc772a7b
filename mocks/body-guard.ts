/**
 * Refuses request bodies no endpoint should parse: larger than the limit (by Content-Length and by
 * actual size, read with a cap so a huge body is never buffered whole) or not valid UTF-8. The bytes
 * it read are handed to Hono's body cache, so routes still use `parseBody`/`json` as usual.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { type RequestState, requestState } from './request-state.ts'
import { StringBodyRequest } from './string-body.ts'

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024

export interface BodyRefusal {
  status: 400 | 413
  description: string
}

export interface BodyGuardOptions {
  maxBodyBytes: number
  refuse(c: Context, refusal: BodyRefusal): Response
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false }

async function readCapped(stream: ReadableStream<Uint8Array>, max: number): Promise<ReadResult> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel()
      return { ok: false }
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes }
}

// Module level, not a closure per request: the refusal is rare and the guard runs on every body.
function tooLarge(c: Context, state: RequestState, options: BodyGuardOptions): Response {
  state.bodyRefused = true
  return options.refuse(c, {
    status: 413,
    description: `the request body exceeds ${options.maxBodyBytes} bytes`,
  })
}

const utf8 = new TextEncoder()
const LONE_SURROGATE = /\p{Cs}/u

/** A string body: refused only for its size (a string always encodes to valid UTF-8, lone surrogates as U+FFFD). */
async function guardText(
  c: Context,
  given: string,
  options: BodyGuardOptions,
  next: () => Promise<void>,
): Promise<Response | undefined> {
  const bytes = given.length * 3 <= options.maxBodyBytes ? undefined : utf8.encode(given)
  const state = requestState(c)
  if (bytes !== undefined && bytes.byteLength > options.maxBodyBytes) return tooLarge(c, state, options)
  const text = LONE_SURROGATE.test(given) ? new TextDecoder().decode(utf8.encode(given)) : given
  state.bodyText = text
  Object.assign(c.req.bodyCache, { text: Promise.resolve(text) })
  await next()
  return undefined
}

export function bodyGuard(options: BodyGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw
    if (raw.method === 'GET' || raw.method === 'HEAD') return next()
    // Built in process over a string (mocks/string-body.ts): size and text without a stream.
    if (raw instanceof StringBodyRequest) return guardText(c, raw.bodyText, options, next)
    const header = c.req.header('content-length')
    // Asking `raw.body` of @hono/node-server's request builds the undici Request and web stream it
    // otherwise avoids: with a declared length there is no need to ask.
    if (header === undefined && raw.body === null) return next()
    const state = requestState(c)
    const declared = header === undefined ? Number.NaN : Number(header)
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) return tooLarge(c, state, options)
    let buffer: ArrayBuffer
    if (Number.isFinite(declared)) {
      // A declared length within the limit: one read, through @hono/node-server's direct path under
      // serve (no web stream). Node's parser never delivers more than Content-Length; a Request built
      // in process may lie, so the size is checked again.
      buffer = await raw.arrayBuffer()
      if (buffer.byteLength > options.maxBodyBytes) return tooLarge(c, state, options)
    } else {
      if (raw.body === null) return next()
      const read = await readCapped(raw.body, options.maxBodyBytes)
      if (!read.ok) return tooLarge(c, state, options)
      buffer = new Uint8Array(read.bytes).buffer
    }
    let text: string
    try {
      text = strictUtf8.decode(buffer)
    } catch {
      state.bodyRefused = true
      return options.refuse(c, { status: 400, description: 'the request body is not valid UTF-8' })
    }
    state.bodyText = text
    // Hono serves every body helper (parseBody, json, text) from this cache once the stream is consumed;
    // with `text` there, json() and text() never go through a Response. At run time the cache holds
    // promises (its .d.ts says plain values), hence Object.assign.
    Object.assign(c.req.bodyCache, { arrayBuffer: Promise.resolve(buffer), text: Promise.resolve(text) })
    return next()
  }
}

/**
 * A Request and a Response whose body is a string kept as it is, for traffic that never leaves the
 * process. undici turns every body into a ReadableStream, and Node 20 makes each stream transferable
 * (`makeTransferable`): with two Responses and one Request per token exchange, that was about a tenth
 * of an in-process run's CPU, for bodies of a few hundred bytes that are always read whole with
 * `text()` or `json()`. These classes answer `text`, `json` and `arrayBuffer` from the string, and
 * build the stream (a real Response over the same text) only when someone asks for `body`, `blob`
 * or `formData`. They are real `Request`/`Response` instances: headers, status, signal and the
 * one-read rule behave as undici's do, which `string-body.test.ts` checks side by side.
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const LONE_SURROGATE = /\p{Cs}/u

/** What a string body reads back as: UTF-8 encoding replaces lone surrogates with U+FFFD, as undici's does. */
function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? decoder.decode(encoder.encode(text)) : text
}

const unusable = (): TypeError => new TypeError('Body is unusable: Body has already been read')

/** The body a subclass holds: the string until something asks for a stream, then the stream's owner. */
class HeldText {
  #text: string | null
  #used = false
  #materialized: Response | undefined

  constructor(text: string | null) {
    this.#text = text
  }

  get text(): string | null {
    return this.#text
  }

  /** The real body, built once, over the same text (headers decide blob and formData types). */
  materialized(headers: Headers): Response {
    this.#materialized ??= new Response(this.#text, { headers })
    return this.#materialized
  }

  stream(headers: Headers): ReadableStream<Uint8Array> | null {
    if (this.#text === null) return null
    if (this.#used && this.#materialized === undefined) {
      // Read from the string already: what undici hands out then is a disturbed, locked stream.
      this.#materialized = new Response(this.#text)
      void this.#materialized.text()
    }
    return this.materialized(headers).body
  }

  get used(): boolean {
    return this.#used || (this.#materialized?.bodyUsed ?? false)
  }

  get locked(): boolean {
    return this.#materialized?.body?.locked ?? false
  }

  /** The one read a body allows, answered from the string (or from the stream once it exists). */
  read<T>(fast: (text: string) => T, slow: (body: Response) => Promise<T>): Promise<T> {
    if (this.#materialized !== undefined) return slow(this.#materialized)
    if (this.#used) return Promise.reject(unusable())
    // A null body is never used up: every read answers as for an empty one.
    if (this.#text !== null) this.#used = true
    try {
      return Promise.resolve(fast(wellFormed(this.#text ?? '')))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  readVia<T>(headers: Headers, slow: (body: Response) => Promise<T>): Promise<T> {
    if (this.#used) return Promise.reject(unusable())
    return slow(this.materialized(headers))
  }

  assertClonable(): void {
    if (this.used || this.locked) throw new TypeError('Body has already been consumed or is locked')
  }
}

const toBuffer = (text: string): ArrayBuffer => {
  const bytes = encoder.encode(text)
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

const HELD = Symbol('held text')

interface Holder {
  readonly [HELD]: HeldText
  readonly headers: Headers
}

/**
 * The body members both classes override. Installed on the prototypes rather than written as class
 * members because the DOM typings declare them as properties, which a subclass may not redefine as
 * accessors or methods (TS2611/TS2425); at run time they are accessors and methods on the prototype.
 */
function installStringBody(prototype: object): void {
  const held = (self: unknown): Holder => self as Holder
  Object.defineProperties(prototype, {
    body: {
      get(this: unknown) {
        const h = held(this)
        return h[HELD].stream(h.headers)
      },
    },
    bodyUsed: {
      get(this: unknown) {
        return held(this)[HELD].used
      },
    },
    text: {
      value(this: unknown): Promise<string> {
        return held(this)[HELD].read(
          (t) => t,
          (b) => b.text(),
        )
      },
    },
    json: {
      value(this: unknown): Promise<unknown> {
        return held(this)[HELD].read(
          (t) => JSON.parse(t) as unknown,
          (b) => b.json(),
        )
      },
    },
    arrayBuffer: {
      value(this: unknown): Promise<ArrayBuffer> {
        return held(this)[HELD].read(toBuffer, (b) => b.arrayBuffer())
      },
    },
    blob: {
      value(this: unknown): Promise<Blob> {
        const h = held(this)
        return h[HELD].readVia(h.headers, (b) => b.blob())
      },
    },
    formData: {
      value(this: unknown): Promise<FormData> {
        const h = held(this)
        return h[HELD].readVia(h.headers, (b) => b.formData())
      },
    },
  })
}

export class StringBodyResponse extends Response {
  readonly [HELD]: HeldText

  constructor(text: string | null, init: ResponseInit = {}) {
    super(null, init)
    if (text !== null && NULL_BODY_STATUSES.has(this.status))
      throw new TypeError(`Response constructor: Invalid response status code ${this.status}`)
    if (text !== null && !this.headers.has('content-type'))
      this.headers.set('content-type', 'text/plain;charset=UTF-8')
    this[HELD] = new HeldText(text)
  }

  /** The body as it was given (null for none), without reading it. */
  get bodyText(): string | null {
    return this[HELD].text
  }
}

export class StringBodyRequest extends Request {
  readonly [HELD]: HeldText

  /** Use `stringBodyRequest`: it falls back to a plain Request wherever this one would differ. */
  constructor(input: string | URL, init: RequestInit, text: string, contentType: string) {
    super(input, { ...init, body: null })
    if (!this.headers.has('content-type')) this.headers.set('content-type', contentType)
    this[HELD] = new HeldText(text)
  }

  /** The body as it was given, without reading it (the mocks' body guard takes it from here). */
  get bodyText(): string {
    return this[HELD].text ?? ''
  }
}

installStringBody(StringBodyResponse.prototype)
installStringBody(StringBodyRequest.prototype)
Object.defineProperty(StringBodyResponse.prototype, 'clone', {
  value(this: StringBodyResponse): Response {
    this[HELD].assertClonable()
    return new StringBodyResponse(this[HELD].text, {
      status: this.status,
      statusText: this.statusText,
      headers: new Headers(this.headers),
    })
  },
})
Object.defineProperty(StringBodyRequest.prototype, 'clone', {
  value(this: StringBodyRequest): Request {
    this[HELD].assertClonable()
    return new StringBodyRequest(
      this.url,
      {
        method: this.method,
        headers: new Headers(this.headers),
        signal: this.signal,
        redirect: this.redirect,
      },
      this.bodyText,
      this.headers.get('content-type') ?? '',
    )
  },
})

/**
 * `new Request(input, init)`, as a StringBodyRequest when the body is a string or a form (the usual
 * token request); anything else (a Request as input, a stream or bytes, a GET with a body, which
 * undici refuses) takes undici's own path, errors included.
 */
export function stringBodyRequest(input: string | URL | Request, init?: RequestInit): Request {
  const body = init?.body
  if (input instanceof Request || init === undefined || body === undefined || body === null)
    return new Request(input, init)
  const method = (init.method ?? 'GET').toUpperCase()
  if (method === 'GET' || method === 'HEAD') return new Request(input, init)
  if (typeof body === 'string') return new StringBodyRequest(input, init, body, 'text/plain;charset=UTF-8')
  if (body instanceof URLSearchParams)
    return new StringBodyRequest(
      input,
      init,
      body.toString(),
      'application/x-www-form-urlencoded;charset=UTF-8',
    )
  return new Request(input, init)
}

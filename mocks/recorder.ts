/**
 * Records every request a mock answers (the `requests()` the rules read), with every secret
 * replaced by `[redacted]` before it is stored: a recorded request can go straight into a report.
 * Runs as the outermost middleware so it sees faults, refused bodies and server errors too.
 *
 * Redaction is by value, not by parameter name: the mock registers every secret it mints (tokens,
 * codes, client secrets, id_tokens) and every value a client sends where a secret goes (secret-named
 * parameters, Basic and Bearer credentials, /_lab secrets); any recorded string (path, query, body
 * parameter names and values) is cut at delimiters and each piece found in that set is replaced,
 * whatever it is called and wherever it sits. A secret glued to other token characters with no
 * delimiter between them (`abc` + secret) is the one shape this cannot see.
 *
 * The log is a ring of `capacity` entries (default DEFAULT_REQUEST_LOG_SIZE): memory stays flat
 * however long `serve` runs. Errors are read from the request state the routes and `toResponse`
 * fill in, never by cloning and parsing the response.
 */
import { createRing } from './ring.ts'
import type { Context, MiddlewareHandler } from 'hono'
import type { Clock } from '../src/clock.ts'
import { parseBasicCredentials } from './spec/params.ts'
import { lenientParams } from './request-params.ts'
import { type RecordedEndpoint, setRequestState } from './request-state.ts'
import { wireErrorOf } from './wire-error.ts'
import type { RecordedRequest } from './types.ts'

export const REDACTED = '[redacted]'
export const DEFAULT_REQUEST_LOG_SIZE = 10_000

/** Parameter names whose values are credentials (OAuth wire names and the /_lab JSON names). */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'client_secret',
  'clientsecret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'assertion',
  'client_assertion',
  'password',
  'authorization',
])

/** A name that says "secret" in any casing or style (refreshToken, X-Api-Key, client_assertion). */
const SECRETISH_NAME = /secret|token|code|assertion|password|passwd|verifier|credential|api[-_]?key|auth/i

export function isSecretName(name: string): boolean {
  return SECRET_PARAMS.has(name.toLowerCase()) || SECRETISH_NAME.test(name)
}

/** Characters that never occur inside a token, code or secret: where a recorded string is cut. */
const DELIMITERS = /[^A-Za-z0-9._~+/!=-]+/
/** Inside a piece: the separators of composite tokens (JWT segments, xoxe.xoxp-1-…, paths). */
const SUB_DELIMITERS = /[./=!~+-]+/
const MIN_SECRET = 4
const MIN_PIECE = 8

/** The values this mock knows to be secret. */
export interface SecretSet {
  add(value: string | undefined): void
  has(value: string): boolean
  /** Forgets a value `add` learnt and its pieces (a pruned token: the set stays as small as the store). */
  forget(value: string): void
  redact(text: string): string
  size(): number
  clear(): void
}

export function createSecretSet(): SecretSet {
  const values = new Set<string>()
  const hit = (piece: string): boolean => piece.length >= MIN_SECRET && values.has(piece)
  const redactPiece = (piece: string): string => {
    if (hit(piece)) return REDACTED
    if (!SUB_DELIMITERS.test(piece)) return piece
    // `/token/<code>`, `a.b.<sig>`: look at the parts between separators, keeping the separators.
    let changed = false
    const out = piece.replace(/[^./=!~+-]+/g, (part) => {
      if (hit(part)) {
        changed = true
        return REDACTED
      }
      return part
    })
    return changed ? out : piece
  }
  return {
    add(value) {
      // Most calls learn what is known already (the presented refresh token, the client's secret).
      if (value === undefined || value.length < MIN_SECRET || values.has(value)) return
      values.add(value)
      // Minted tokens rarely hold a delimiter: skip the split (and its array) when there is none.
      for (const piece of DELIMITERS.test(value) ? value.split(DELIMITERS) : [value]) {
        if (piece.length >= MIN_SECRET) values.add(piece)
        if (!SUB_DELIMITERS.test(piece)) continue
        for (const part of piece.split(SUB_DELIMITERS)) if (part.length >= MIN_PIECE) values.add(part)
      }
    },
    forget(value) {
      if (!values.delete(value)) return
      for (const piece of DELIMITERS.test(value) ? value.split(DELIMITERS) : [value]) {
        values.delete(piece)
        if (!SUB_DELIMITERS.test(piece)) continue
        // A part shared with a live secret (a JWT's header segment) is no secret on its own: the live
        // secret's whole value still redacts it.
        for (const part of piece.split(SUB_DELIMITERS)) if (part.length >= MIN_PIECE) values.delete(part)
      }
    },
    redact(text) {
      if (values.size === 0 || text.length < MIN_SECRET) return text
      if (hit(text)) return REDACTED
      let changed = false
      const out = text.replace(/[A-Za-z0-9._~+/!=-]+/g, (piece) => {
        const redacted = redactPiece(piece)
        if (redacted !== piece) changed = true
        return redacted
      })
      return changed ? out : text
    },
    has: (value) => values.has(value),
    size: () => values.size,
    clear: () => values.clear(),
  }
}

/** Learns the secrets a request carries: secret-named parameters and Authorization credentials. */
export function learnSecrets(
  secrets: SecretSet,
  params: Record<string, string[]>,
  authorization: string | undefined,
): void {
  for (const [key, list] of Object.entries(params))
    if (isSecretName(key)) for (const v of list) secrets.add(v)
  if (authorization === undefined) return
  const trimmed = authorization.trim()
  const credential = /^\S+\s+(\S+)/.exec(trimmed)?.[1]
  // A credential seen before had its Basic secret learnt with it: no need to decode it again.
  if (secrets.has(credential ?? trimmed)) return
  secrets.add(credential ?? trimmed)
  const basic = parseBasicCredentials(trimmed)
  if (basic) secrets.add(basic.clientSecret)
}

export function redactParams(params: Record<string, string[]>, secrets?: SecretSet): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, values] of Object.entries(params)) {
    const name = secrets ? secrets.redact(key) : key
    out[name] = isSecretName(key)
      ? REDACTED
      : secrets
        ? values.map((v) => secrets.redact(v)).join(',')
        : values.join(',')
  }
  return out
}

export interface RequestRecorder {
  /** Keeps `request` itself, frozen (with its params): hand it an object nobody else writes to. */
  record(request: RecordedRequest): void
  /** Oldest first; at most `capacity` entries. */
  list(): RecordedRequest[]
  /** Requests ever recorded (a mark that survives the ring wrapping; see mocks/ring.ts). */
  mark(): number
  /** The requests recorded at or after `mark` that the log still holds. */
  since(mark: number): RecordedRequest[]
  clear(): void
  readonly capacity: number
  /** How many requests are in the log now (bounded by capacity). */
  size(): number
  readonly secrets: SecretSet
}

export function createRequestRecorder(
  options: { capacity?: number; secrets?: SecretSet } = {},
): RequestRecorder {
  const capacity = options.capacity ?? DEFAULT_REQUEST_LOG_SIZE
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`the request log size must be a positive integer, got ${capacity}`)
  const secrets = options.secrets ?? createSecretSet()
  const ring = createRing<RecordedRequest>(capacity)
  return {
    capacity,
    secrets,
    record(request) {
      // The log takes the object over (the middleware builds one per request): frozen in place, no copy.
      Object.freeze(request.params)
      const frozen = Object.freeze(request)
      ring.push(frozen)
    },
    list: () => ring.list(),
    mark: () => ring.mark(),
    since: (mark) => ring.since(mark),
    size: () => ring.size(),
    clear: () => ring.clear(),
  }
}

function errorOf(c: Context): string | undefined {
  const location = c.res.headers.get('location')
  if (location !== null) {
    const query = location.indexOf('?')
    if (query < 0) return undefined
    return new URLSearchParams(location.slice(query + 1)).get('error') ?? undefined
  }
  return wireErrorOf(c.res)
}

export interface RecordingOptions {
  recorder: RequestRecorder
  clock: Clock
  classify(path: string): RecordedEndpoint
}

export function recordingMiddleware(options: RecordingOptions): MiddlewareHandler {
  const { secrets } = options.recorder
  return async (c, next) => {
    const path = new URL(c.req.url).pathname
    const state = setRequestState(c, { endpoint: options.classify(path), startedAtMs: options.clock.now() })
    await next()
    // /_lab bodies carry secrets in free-form JSON: only their query is recorded.
    const raw = await lenientParams(c, !state.bodyRefused && state.endpoint !== 'lab')
    learnSecrets(secrets, raw, c.req.header('authorization'))
    const grantType = state.endpoint === 'token' ? raw['grant_type']?.[0] : undefined
    // What the wire said (a dialect may rename the RFC code); the route's note only when the body says nothing.
    const error = state.endpoint === 'lab' ? undefined : (errorOf(c) ?? state.error)
    options.recorder.record({
      atMs: state.startedAtMs,
      method: c.req.method,
      path: secrets.redact(path),
      endpoint: state.endpoint,
      // A reset connection never delivered a status.
      status: state.fault === 'connection_reset' ? 0 : c.res.status,
      params: redactParams(raw, secrets),
      ...(grantType === undefined ? {} : { grantType: secrets.redact(grantType) }),
      ...(error === undefined ? {} : { error: secrets.redact(error) }),
      ...(state.fault === undefined ? {} : { fault: state.fault }),
    })
  }
}

/**
 * Records every request a mock answers (the `requests()` the rules read), with every secret
 * replaced by `[redacted]` before it is stored: a recorded request can go straight into a report.
 * Runs as the outermost middleware so it sees faults, refused bodies and server errors too.
 *
 * Redaction is by value, not by parameter name: the mock registers every secret it mints (tokens,
 * codes, client secrets, id_tokens) and every value a client sends where a secret goes (secret-named
 * parameters, Basic and Bearer credentials, /_lab secrets); any recorded string (path, query, body
 * parameter names and values) has every occurrence of a known value replaced, whatever it is
 * called and wherever it sits: glued to other characters (`Bearer<t>`, `abc<t>xyz`), percent- or
 * form-encoded, JSON-escaped (secret-set.ts).
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
import { REDACTED, type SecretSet, createSecretSet } from './secret-set.ts'

export { REDACTED, type SecretSet, createSecretSet } from './secret-set.ts'
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

/** Names that carry protocol vocabulary, not credentials (`response_type`, `token_type_hint`, `code_challenge_method`). */
const VOCABULARY_NAME = /(_type|_hint|_method|Type|Hint|Method)$/

export function isSecretName(name: string): boolean {
  if (VOCABULARY_NAME.test(name)) return false
  return SECRET_PARAMS.has(name.toLowerCase()) || SECRETISH_NAME.test(name)
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
  // `Bearer <t>`, and the careless `Bearer<t>` (no space): the credential without its scheme word.
  const credential =
    /^\S+\s+(\S+)/.exec(trimmed)?.[1] ?? /^(?:bearer|basic|token|dpop)(\S+)$/i.exec(trimmed)?.[1]
  // A credential seen before had its Basic secret learnt with it: no need to decode it again.
  if (secrets.has(credential ?? trimmed)) return
  secrets.add(trimmed)
  secrets.add(credential)
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

/**
 * Records every request a mock answers (the `requests()` the rules read), with each secret replaced
 * by `[redacted]` before it is stored: a recorded request can go straight into a report. Runs as the
 * outermost middleware so it sees faults, refused bodies and server errors too.
 */
import type { MiddlewareHandler } from 'hono'
import type { Clock } from '../src/clock.ts'
import { lenientParams } from './request-params.ts'
import { type RecordedEndpoint, setRequestState } from './request-state.ts'
import type { RecordedRequest } from './types.ts'

export const REDACTED = '[redacted]'

/** Parameter names whose values are credentials (OAuth wire names and the /_lab JSON names). */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'client_secret',
  'clientSecret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'assertion',
  'password',
  'authorization',
])

export function redactParams(params: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, values] of Object.entries(params)) {
    out[key] = SECRET_PARAMS.has(key) || SECRET_PARAMS.has(key.toLowerCase()) ? REDACTED : values.join(',')
  }
  return out
}

export interface RequestRecorder {
  record(request: RecordedRequest): void
  list(): RecordedRequest[]
  clear(): void
}

export function createRequestRecorder(): RequestRecorder {
  let records: RecordedRequest[] = []
  return {
    record(request) {
      records.push(Object.freeze({ ...request, params: Object.freeze({ ...request.params }) }))
    },
    list: () => [...records],
    clear() {
      records = []
    },
  }
}

async function errorOf(response: Response): Promise<string | undefined> {
  const location = response.headers.get('location')
  if (location !== null) {
    try {
      return new URL(location).searchParams.get('error') ?? undefined
    } catch {
      return undefined
    }
  }
  if (!response.headers.get('content-type')?.includes('json')) return undefined
  try {
    const body: unknown = await response.clone().json()
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const error = (body as { error: unknown }).error
      return typeof error === 'string' ? error : undefined
    }
  } catch {
    // Not JSON after all: no error code to record.
  }
  return undefined
}

export interface RecordingOptions {
  recorder: RequestRecorder
  clock: Clock
  classify(path: string): RecordedEndpoint
}

export function recordingMiddleware(options: RecordingOptions): MiddlewareHandler {
  return async (c, next) => {
    const path = new URL(c.req.url).pathname
    const state = setRequestState(c, { endpoint: options.classify(path), startedAtMs: options.clock.now() })
    await next()
    // /_lab bodies carry secrets in free-form JSON: only their query is recorded.
    const raw = await lenientParams(c, !state.bodyRefused && state.endpoint !== 'lab')
    const grantType = state.endpoint === 'token' ? raw['grant_type']?.[0] : undefined
    // What the wire said (a dialect may rename the RFC code); the route's note only when the body says nothing.
    const error = state.endpoint === 'lab' ? undefined : ((await errorOf(c.res)) ?? state.error)
    options.recorder.record({
      atMs: state.startedAtMs,
      method: c.req.method,
      path,
      endpoint: state.endpoint,
      // A reset connection never delivered a status.
      status: state.fault === 'connection_reset' ? 0 : c.res.status,
      params: redactParams(raw),
      ...(grantType === undefined ? {} : { grantType }),
      ...(error === undefined ? {} : { error }),
      ...(state.fault === undefined ? {} : { fault: state.fault }),
    })
  }
}

/**
 * Scripted faults: a FIFO queue the control surface fills, consumed one per matching request by a
 * middleware inside the mock's app (so `serve` mode honours them too). Faults that need the network
 * to fail (connection_reset, commit_then_drop) mark the response with DROP_HEADER; the in-process
 * fetch turns that into the rejection undici would give, and `serve` mode should destroy the socket.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { Clock } from '../src/clock.ts'
import { requestState } from './request-state.ts'
import { lenientParams } from './request-params.ts'
import type { Fault, MockEndpoint, ScheduledFault } from './types.ts'

export const DROP_HEADER = 'x-reconnect-lab-drop'

export type DropKind = 'connection_reset' | 'commit_then_drop'

export interface FaultQueue {
  schedule(fault: ScheduledFault): void
  /** "Fail N times with X, then succeed": one http_error per response, in order. */
  script(
    endpoint: MockEndpoint,
    responses: Array<{ status: number; body?: unknown; retryAfterSeconds?: number }>,
  ): void
  /** Takes the first scheduled fault matching this request, using up one of its `times`. */
  take(endpoint: MockEndpoint, grantType: string | undefined): Fault | undefined
  pending(): ScheduledFault[]
  clear(): void
}

export function createFaultQueue(): FaultQueue {
  let queue: ScheduledFault[] = []
  return {
    schedule(fault) {
      queue.push(parseScheduledFault(fault))
    },
    script(endpoint, responses) {
      for (const response of responses) {
        queue.push(parseScheduledFault({ endpoint, times: 1, fault: { kind: 'http_error', ...response } }))
      }
    },
    take(endpoint, grantType) {
      const at = queue.findIndex(
        (f) => f.endpoint === endpoint && (f.grantType === undefined || f.grantType === grantType),
      )
      const found = queue[at]
      if (found === undefined) return undefined
      if (found.times <= 1) queue.splice(at, 1)
      else queue[at] = { ...found, times: found.times - 1 }
      return found.fault
    },
    pending: () => queue.map((f) => ({ ...f })),
    clear() {
      queue = []
    },
  }
}

/** Provider-side (mocks/ imports nothing from src/ but clock and ids), so not src/errors.ts's LabError: a malformed fault script, answered by the /_lab routes as a 400. */
export class FaultInputError extends TypeError {
  override name = 'FaultInputError'
}

const ENDPOINTS: readonly MockEndpoint[] = ['authorize', 'token', 'revoke', 'api']

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseFault(input: unknown): Fault {
  if (!isRecord(input)) throw new FaultInputError('fault must be an object with a kind')
  switch (input['kind']) {
    case 'http_error': {
      const status = input['status']
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        throw new FaultInputError('http_error needs an integer status between 400 and 599')
      }
      const retry = input['retryAfterSeconds']
      if (retry !== undefined && (typeof retry !== 'number' || !Number.isFinite(retry) || retry < 0)) {
        throw new FaultInputError('retryAfterSeconds must be a number >= 0')
      }
      return {
        kind: 'http_error',
        status,
        ...(input['body'] === undefined ? {} : { body: input['body'] }),
        ...(retry === undefined ? {} : { retryAfterSeconds: retry }),
      }
    }
    case 'latency': {
      const ms = input['ms']
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw new FaultInputError('latency needs ms >= 0')
      return { kind: 'latency', ms }
    }
    case 'connection_reset':
    case 'commit_then_drop':
    case 'omit_refresh_token':
      return { kind: input['kind'] }
    default:
      throw new FaultInputError(`unknown fault kind ${JSON.stringify(input['kind'])}`)
  }
}

/** Validates a scheduled fault from any caller (typed code or /_lab JSON). */
export function parseScheduledFault(input: unknown): ScheduledFault {
  if (!isRecord(input)) throw new FaultInputError('a scheduled fault must be an object')
  const endpoint = input['endpoint']
  if (typeof endpoint !== 'string' || !ENDPOINTS.includes(endpoint as MockEndpoint)) {
    throw new FaultInputError(`endpoint must be one of ${ENDPOINTS.join(', ')}`)
  }
  const times = input['times'] ?? 1
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) {
    throw new FaultInputError('times must be an integer >= 1')
  }
  const grantType = input['grantType']
  if (grantType !== undefined && grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new FaultInputError("grantType must be 'authorization_code' or 'refresh_token'")
  }
  return {
    endpoint: endpoint as MockEndpoint,
    fault: parseFault(input['fault']),
    times,
    ...(grantType === undefined ? {} : { grantType }),
  }
}

/** What undici's fetch rejects with when the peer resets the connection. */
export function connectionResetError(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), {
    code: 'ECONNRESET',
    errno: -104,
    syscall: 'read',
  })
  return new TypeError('fetch failed', { cause })
}

export function dropKindOf(response: Response): DropKind | undefined {
  const value = response.headers.get(DROP_HEADER)
  return value === 'connection_reset' || value === 'commit_then_drop' ? value : undefined
}

function isMockEndpoint(endpoint: string): endpoint is MockEndpoint {
  return ENDPOINTS.includes(endpoint as MockEndpoint)
}

/** Replaces the context's response outright (assigning over an existing one would merge the old headers in). */
function replaceResponse(c: Context, response: Response): void {
  c.res = undefined
  c.res = response
}

export interface FaultMiddlewareOptions {
  faults: FaultQueue
  clock: Clock
  /** Renders an http_error fault in the mock's dialect. */
  renderHttpError(c: Context, fault: Extract<Fault, { kind: 'http_error' }>, endpoint: MockEndpoint): Response
}

export function faultMiddleware(options: FaultMiddlewareOptions): MiddlewareHandler {
  return async (c, next) => {
    const state = requestState(c)
    const endpoint = state.endpoint
    if (!isMockEndpoint(endpoint) || state.bodyRefused) return next()
    let grantType: string | undefined
    if (endpoint === 'token') grantType = (await lenientParams(c, true))['grant_type']?.[0]
    const fault = options.faults.take(endpoint, grantType)
    if (!fault) return next()
    state.fault = fault.kind
    switch (fault.kind) {
      case 'http_error':
        // Answered before any route runs: the source's state is untouched.
        return options.renderHttpError(c, fault, endpoint)
      case 'connection_reset':
        return new Response(null, { status: 502, headers: { [DROP_HEADER]: 'connection_reset' } })
      case 'latency':
        await options.clock.sleep(fault.ms)
        return next()
      case 'commit_then_drop': {
        await next()
        const headers = new Headers(c.res.headers)
        headers.set(DROP_HEADER, 'commit_then_drop')
        replaceResponse(c, new Response(c.res.body, { status: c.res.status, headers }))
        return
      }
      case 'omit_refresh_token': {
        await next()
        await stripRefreshToken(c)
        return
      }
    }
  }
}

async function stripRefreshToken(c: Context): Promise<void> {
  if (!c.res.headers.get('content-type')?.includes('json')) return
  const text = await c.res.clone().text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return
  }
  if (!isRecord(body) || !('refresh_token' in body)) return
  const { refresh_token: _dropped, ...rest } = body
  const headers = new Headers(c.res.headers)
  headers.delete('content-length')
  replaceResponse(c, new Response(JSON.stringify(rest), { status: c.res.status, headers }))
}

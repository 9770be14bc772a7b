/**
 * What the middlewares and routes of one request tell each other (the endpoint it hit, the fault
 * applied, whether the body was refused). Keyed by the raw Request, so every mock's app can stay a
 * plain `Hono` (the MockProvider contract) instead of carrying a typed Variables environment.
 */
import type { Context } from 'hono'
import type { Fault, RecordedRequest } from './types.ts'

export type RecordedEndpoint = RecordedRequest['endpoint']

export interface RequestState {
  endpoint: RecordedEndpoint
  startedAtMs: number
  fault?: Fault['kind']
  /** Set when the body was refused before parsing (too large, not UTF-8): nothing to record from it. */
  bodyRefused?: boolean
  /** The error code a route answered, recorded when the response body does not carry one readably. */
  error?: string
  /** The body as UTF-8 text, once the body guard has read and checked it. */
  bodyText?: string
  /** The form body's parameters, every value kept, parsed once from bodyText (request-params.ts). */
  form?: Record<string, string[]>
  /** lenientParams' answer with the body, computed once for recorder, faults and routes. */
  lenient?: Record<string, string[]>
}

const states = new WeakMap<Request, RequestState>()

export function setRequestState(c: Context, state: RequestState): RequestState {
  states.set(c.req.raw, state)
  return state
}

/** The state the outermost middleware created; a fresh one when a route runs without it (unit tests). */
export function requestState(c: Context): RequestState {
  let state = states.get(c.req.raw)
  if (!state) {
    state = { endpoint: 'other', startedAtMs: 0 }
    states.set(c.req.raw, state)
  }
  return state
}

/** Best-effort reading of any request's parameters, for recording and fault matching (never for decisions). */
import type { Context } from 'hono'
import { requestState } from './request-state.ts'

function mediaType(c: Context): string | undefined {
  return c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
}

function addParam(out: Record<string, string[]>, key: string, value: string): void {
  const list = out[key]
  if (list) list.push(value)
  else out[key] = [value]
}

/**
 * A form body's parameters, every value kept (what `parseBody({ all: true })` gives, without the
 * Response that Hono builds to parse it): parsed once from the text the body guard checked.
 * Undefined when no guard read the body.
 */
export function formParams(c: Context): Record<string, string[]> | undefined {
  const state = requestState(c)
  if (state.form) return state.form
  if (state.bodyText === undefined) return undefined
  const out = Object.create(null) as Record<string, string[]>
  for (const [key, value] of new URLSearchParams(state.bodyText)) addParam(out, key, value)
  state.form = out
  return out
}

/**
 * Best-effort parameters of any request, for recording and fault matching: query plus a form or JSON
 * body, every value kept. Never throws and never reads a body the guard refused. With the body, the
 * answer is computed once per request (faults, recorder and routes share it): treat it as read-only.
 */
export async function lenientParams(c: Context, bodyReadable: boolean): Promise<Record<string, string[]>> {
  const state = requestState(c)
  const withBody = bodyReadable && c.req.method !== 'GET' && c.req.method !== 'HEAD'
  if (withBody && state.lenient && !state.bodyRefused) return state.lenient
  const out = Object.create(null) as Record<string, string[]>
  const href = c.req.url
  if (href.includes('?')) for (const [key, value] of new URL(href).searchParams) addParam(out, key, value)
  if (!withBody) return out
  const type = mediaType(c)
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const form = formParams(c)
      if (form) {
        for (const [key, values] of Object.entries(form))
          for (const value of values) addParam(out, key, value)
      } else {
        const body = await c.req.parseBody({ all: true })
        for (const [key, value] of Object.entries(body)) {
          for (const item of Array.isArray(value) ? value : [value])
            if (typeof item === 'string') addParam(out, key, item)
        }
      }
    } else if (type === 'application/json') {
      const body: unknown = await c.req.json()
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        for (const [key, value] of Object.entries(body))
          if (typeof value === 'string') addParam(out, key, value)
      }
    }
  } catch {
    // A body that does not parse has no parameters worth recording.
  }
  if (!state.bodyRefused) state.lenient = out
  return out
}

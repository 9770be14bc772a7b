/** Best-effort reading of any request's parameters, for recording and fault matching (never for decisions). */
import type { Context } from 'hono'

function mediaType(c: Context): string | undefined {
  return c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
}

/**
 * Best-effort parameters of any request, for recording and fault matching: query plus a form or JSON
 * body, every value kept. Never throws and never reads a body the guard refused.
 */
export async function lenientParams(c: Context, bodyReadable: boolean): Promise<Record<string, string[]>> {
  const out = Object.create(null) as Record<string, string[]>
  const add = (key: string, value: string): void => {
    const list = out[key]
    if (list) list.push(value)
    else out[key] = [value]
  }
  const url = new URL(c.req.url)
  for (const [key, value] of url.searchParams) add(key, value)
  if (!bodyReadable || c.req.method === 'GET' || c.req.method === 'HEAD') return out
  const type = mediaType(c)
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const body = await c.req.parseBody({ all: true })
      for (const [key, value] of Object.entries(body)) {
        for (const item of Array.isArray(value) ? value : [value])
          if (typeof item === 'string') add(key, item)
      }
    } else if (type === 'application/json') {
      const body: unknown = await c.req.json()
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        for (const [key, value] of Object.entries(body)) if (typeof value === 'string') add(key, value)
      }
    }
  } catch {
    // A body that does not parse has no parameters worth recording.
  }
  return out
}

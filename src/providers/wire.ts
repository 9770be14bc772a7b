/**
 * Small, pure wire helpers every provider dialect needs. Kept apart from baseline.ts so a connector
 * that deviates from RFC 6749 on the wire can still reuse the safe pieces (sanitised error codes,
 * Retry-After parsing) without inheriting the baseline's classification.
 */

/** Decodes a response body: JSON when it parses, otherwise the raw text ('' stays ''). */
export function decodeResponseBody(text: string): unknown {
  if (text.trim() === '') return text
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Fetch headers as a plain record with lower-case names (what ProviderClient functions receive). */
export function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value
  })
  return out
}

/** Case-insensitive header lookup on a record (ApiResult headers come from the harness, casing unknown). */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value
  }
  return undefined
}

/**
 * Retry-After (RFC 9110 §10.2.3) as a delay in ms: delta-seconds, or an HTTP-date when the caller
 * supplies its clock. Garbage and negative values give undefined (the caller's own backoff applies).
 */
export function parseRetryAfterMs(value: string | undefined, nowMs?: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  if (nowMs === undefined) return undefined
  // Date.parse only parses the header; it does not read the current time.
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}

/**
 * An OAuth error code safe to put in a reason string. Error codes are short ASCII words by spec
 * (RFC 6749 §5.2); anything else (which might echo a token back) is replaced, so reasons never leak.
 */
export function safeErrorCode(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  return /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : 'unrecognised_error'
}

/** The `error` member of an RFC 6749 §5.2 body, sanitised; undefined when the body is not such an object. */
export function oauthErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  return safeErrorCode((body as Record<string, unknown>)['error'])
}

/** A short, secret-free description of why fetch rejected. */
export function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'request timed out'
    return `network error (${safeErrorCode(error.name) ?? 'Error'})`
  }
  return 'network error'
}

/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 defines it: id and secret are each
 * form-urlencoded before base64 (a detail many clients miss for secrets with reserved characters).
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (s: string) => new URLSearchParams({ v: s }).toString().slice(2)
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64')}`
}

/** Reads one auth-param (e.g. `error`) from a `WWW-Authenticate: Bearer ...` challenge (RFC 6750 §3). */
export function bearerChallengeParam(header: string | undefined, param: string): string | undefined {
  if (header === undefined) return undefined
  const match = new RegExp(`(?:^|[\\s,])${param}\\s*=\\s*(?:"([^"]*)"|([^\\s,]+))`, 'i').exec(header)
  if (!match) return undefined
  return match[1] ?? match[2]
}

/** A plain JSON object (not null, not an array): the shape every token and error body is read as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reading token and revocation requests off the wire: the body (form-urlencoded per RFC 6749 §3.2,
 * JSON where a provider dialect accepts it), parameters (each at most once) and client credentials
 * (RFC 6749 §2.3.1: HTTP Basic of form-urlencoded id and secret, or both in the body).
 * Nothing here throws on bad input: every failure is a typed CoreError for the dialect to render.
 */
import type { Context } from 'hono'
import { formParams } from '../request-params.ts'
import { type CoreError, coreError } from './core.ts'

export type BodyFormat = 'form' | 'json'

export type FormResult = { ok: true; params: Record<string, string> } | CoreError

function mediaType(c: Context): string | undefined {
  return c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
}

/** A record that cannot be confused by `__proto__` or `constructor` parameter names. */
function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>
}

export async function readOAuthBody(c: Context, formats: readonly BodyFormat[]): Promise<FormResult> {
  const type = mediaType(c)
  if (type === 'application/x-www-form-urlencoded' && formats.includes('form')) return readForm(c)
  if (type === 'application/json' && formats.includes('json')) return readJson(c)
  const expected = formats.map((f) =>
    f === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
  )
  return coreError('invalid_request', 'bad_content_type', `the request body must be ${expected.join(' or ')}`)
}

async function readForm(c: Context): Promise<FormResult> {
  let body: Record<string, unknown>
  try {
    body = formParams(c) ?? (await c.req.parseBody({ all: true }))
  } catch {
    return coreError('invalid_request', 'malformed_body', 'the request body could not be parsed')
  }
  const params = emptyRecord()
  for (const [key, value] of Object.entries(body)) {
    let single: unknown = value
    if (Array.isArray(value)) {
      // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
      if (value.length > 1) return coreError('invalid_request', 'duplicate_parameter', `${key} is duplicated`)
      single = value[0]
    }
    if (typeof single !== 'string')
      return coreError('invalid_request', 'malformed_body', `${key} is not text`)
    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    if (single !== '') params[key] = single
  }
  return { ok: true, params }
}

async function readJson(c: Context): Promise<FormResult> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    return coreError('invalid_request', 'malformed_body', 'the request body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return coreError('invalid_request', 'malformed_body', 'the request body must be a JSON object')
  }
  const params = emptyRecord()
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined || value === '') continue
    // Providers' own docs send numbers in JSON token bodies (Zendesk's `"expires_in": 1800`); a
    // finite number reads as its decimal text, as the same field would arrive in a form body.
    if (typeof value === 'number' && Number.isFinite(value)) {
      params[key] = String(value)
      continue
    }
    if (typeof value !== 'string')
      return coreError('invalid_request', 'malformed_body', `${key} must be a string or a number`)
    params[key] = value
  }
  return { ok: true, params }
}

export type ClientCredentials =
  | { ok: true; clientId: string; clientSecret: string; method: 'client_secret_basic' | 'client_secret_post' }
  | { ok: false; error: CoreError; clientId?: string }

function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** RFC 7617 Basic credentials whose id and secret are form-urlencoded (RFC 6749 §2.3.1). */
export function parseBasicCredentials(
  header: string,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^basic +(\S+) *$/i.exec(header)
  const encoded = match?.[1]
  if (encoded === undefined || !BASE64.test(encoded)) return undefined
  if (encoded.length % 4 === 1 || (encoded.includes('=') && encoded.length % 4 !== 0)) return undefined
  let decoded: string
  try {
    decoded = strictUtf8.decode(Buffer.from(encoded, 'base64'))
  } catch {
    return undefined
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  const clientId = formDecode(decoded.slice(0, colon))
  const clientSecret = formDecode(decoded.slice(colon + 1))
  if (clientId === undefined || clientSecret === undefined || clientId === '') return undefined
  return { clientId, clientSecret }
}

export function usesBasicAuth(authorization: string | undefined): boolean {
  return authorization !== undefined && /^basic\b/i.test(authorization.trim())
}

/**
 * Exactly one client authentication method per request (RFC 6749 §2.3). A malformed Authorization
 * header is a failed authentication (401), two methods at once a malformed request (400).
 */
export function extractClientCredentials(
  authorization: string | undefined,
  params: Record<string, string>,
): ClientCredentials {
  const bodyId = params['client_id']
  const bodySecret = params['client_secret']
  if (authorization !== undefined && authorization.trim() !== '') {
    if (bodySecret !== undefined) {
      return {
        ok: false,
        error: coreError(
          'invalid_request',
          'multiple_client_auth',
          'use one client authentication method, not two',
        ),
      }
    }
    const basic = usesBasicAuth(authorization) ? parseBasicCredentials(authorization) : undefined
    if (!basic) {
      return {
        ok: false,
        error: coreError(
          'invalid_client',
          'malformed_client_auth',
          'the Authorization header is not valid Basic credentials',
        ),
      }
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      return {
        ok: false,
        error: coreError(
          'invalid_request',
          'multiple_client_auth',
          'client_id in the body differs from the Basic credentials',
        ),
      }
    }
    return { ok: true, ...basic, method: 'client_secret_basic' }
  }
  if (bodyId !== undefined && bodySecret !== undefined) {
    return { ok: true, clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post' }
  }
  return {
    ok: false,
    error: coreError('invalid_client', 'missing_client_auth', 'client authentication is required'),
    ...(bodyId === undefined ? {} : { clientId: bodyId }),
  }
}

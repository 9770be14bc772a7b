import { describe, expect, it } from 'vitest'
import {
  basicAuthorization,
  bearerChallengeParam,
  decodeResponseBody,
  headersToRecord,
  headerValue,
  parseRetryAfterMs,
  safeErrorCode,
} from './wire.ts'

describe('wire helpers', () => {
  it('decodes JSON bodies and keeps other text as text', () => {
    expect(decodeResponseBody('{"a":1}')).toEqual({ a: 1 })
    expect(decodeResponseBody('a=1&b=2')).toBe('a=1&b=2')
    expect(decodeResponseBody('')).toBe('')
  })

  it('lower-cases header names and finds them case-insensitively', () => {
    const record = headersToRecord(new Headers({ 'Retry-After': '3' }))
    expect(record).toEqual({ 'retry-after': '3' })
    expect(headerValue({ 'Retry-After': '3' }, 'retry-after')).toBe('3')
  })

  it('parses Retry-After', () => {
    expect(parseRetryAfterMs('0')).toBe(0)
    expect(parseRetryAfterMs(' 12 ')).toBe(12_000)
    expect(parseRetryAfterMs('-1')).toBeUndefined()
    expect(parseRetryAfterMs(undefined)).toBeUndefined()
    expect(parseRetryAfterMs('Mon, 05 Jan 2026 09:00:00 GMT')).toBeUndefined()
    expect(parseRetryAfterMs('Mon, 05 Jan 2026 08:00:00 GMT', Date.UTC(2026, 0, 5, 9))).toBe(0)
  })

  it('lets only code-shaped error values through', () => {
    expect(safeErrorCode('invalid_grant')).toBe('invalid_grant')
    expect(safeErrorCode('has spaces rt_1')).toBe('unrecognised_error')
    expect(safeErrorCode(42)).toBeUndefined()
  })

  it('encodes Basic credentials per RFC 6749 §2.3.1', () => {
    const decoded = Buffer.from(basicAuthorization('id', 'a b:c').slice(6), 'base64').toString()
    expect(decoded).toBe('id:a+b%3Ac')
  })

  it('reads Bearer challenge parameters, quoted or not', () => {
    expect(bearerChallengeParam('Bearer realm="x", error="insufficient_scope"', 'error')).toBe(
      'insufficient_scope',
    )
    expect(bearerChallengeParam('Bearer error=invalid_token', 'error')).toBe('invalid_token')
    expect(bearerChallengeParam('Bearer realm="error=x"', 'error')).toBeUndefined()
    expect(bearerChallengeParam(undefined, 'error')).toBeUndefined()
  })
})

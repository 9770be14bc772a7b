import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { redactSecrets } from './redact.ts'

describe('redactSecrets', () => {
  it.each([
    ['refresh token rt_12 was rejected', 'refresh token [redacted] was rejected'],
    ['at_r.AbCdEfGhIjKlMnOpQrSt', '[redacted]'],
    ['secret_3', '[redacted]'],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer [redacted]'],
    ['client_secret=hunter2&x=1', 'client_secret=[redacted]&x=1'],
    ['xoxe.xoxp-1-abc', '[redacted]'],
    ['ya29.a0Af', '[redacted]'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected)
  })

  it('leaves ids and words that are not secrets alone', () => {
    const text = 'family fam_3 of client_1 ended: code_reused; grant_2; code_challenge'
    expect(redactSecrets(text)).toBe(text)
  })

  it('redacts known secret values given explicitly', () => {
    expect(redactSecrets('my token is s3cr3t-value', ['s3cr3t-value'])).toBe('my token is [redacted]')
  })

  it('finds known values and distinctive shapes glued to other characters or encoded', () => {
    const known = 'k/ey+Z9"q='
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{0,6}$/),
        fc.stringMatching(/^[A-Za-z0-9]{0,6}$/),
        fc.constantFrom<(s: string) => string>(
          (s) => s,
          encodeURIComponent,
          (s) => JSON.stringify(s).slice(1, -1),
          (s) => JSON.stringify(JSON.stringify(s)).slice(1, -1),
          (s) => new URLSearchParams({ a: s }).toString().slice(2),
        ),
        (left, right, encode) => {
          const out = redactSecrets(`token=${left}${encode(known)}${right} Bearerat_r.AbCdEfGhIjKlMnOpQrSt`, [
            known,
          ])
          expect(out).not.toContain('Z9')
          expect(out).not.toContain('AbCdEfGh')
        },
      ),
      { numRuns: 200, seed: 3 },
    )
  })
})

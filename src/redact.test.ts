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
})

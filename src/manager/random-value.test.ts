import { describe, expect, it } from 'vitest'
import { randomValue } from './random-value.ts'

describe('randomValue', () => {
  it('gives values of the asked size, never the same one twice, across block boundaries', () => {
    const seen = new Set<string>()
    // 4096 / 32 = 128 values per block: 300 cross two boundaries.
    for (let i = 0; i < 300; i++) {
      const value = randomValue(32)
      expect(Buffer.from(value, 'base64url')).toHaveLength(32)
      seen.add(value)
    }
    expect(seen.size).toBe(300)
  })

  it('serves a request larger than a block', () => {
    expect(Buffer.from(randomValue(5000), 'base64url')).toHaveLength(5000)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS } from '../clock.ts'
import type { StoredCredential } from './contract.ts'
import { isOutcome } from './contract.ts'
import {
  accessTokenExpired,
  backoffDelayMs,
  mergeTokenResponse,
  needsRefresh,
  outcomeForApiClass,
  outcomeForFailure,
} from './decisions.ts'

const T0 = 1_000_000

function credential(overrides: Partial<StoredCredential> = {}): StoredCredential {
  return {
    accessToken: 'at_1',
    refreshToken: 'rt_1',
    accessTokenExpiresAt: T0 + HOUR_MS,
    obtainedAt: T0,
    ...overrides,
  }
}

describe('needsRefresh', () => {
  const margin = 5 * MINUTE_MS
  it('is false before the margin and true from the margin on', () => {
    expect(needsRefresh(credential(), T0 + HOUR_MS - margin - 1, margin)).toBe(false)
    expect(needsRefresh(credential(), T0 + HOUR_MS - margin, margin)).toBe(true)
    expect(needsRefresh(credential(), T0 + 2 * HOUR_MS, margin)).toBe(true)
  })

  it('is false when the expiry is unknown, however late it is (the 401 path handles it)', () => {
    expect(needsRefresh(credential({ accessTokenExpiresAt: undefined }), T0 + 1000 * HOUR_MS, margin)).toBe(
      false,
    )
  })

  it('caps the margin at half the token lifetime so short-lived tokens are not refreshed on every run', () => {
    const short = credential({ accessTokenExpiresAt: T0 + 4 * MINUTE_MS })
    expect(needsRefresh(short, T0 + MINUTE_MS, margin)).toBe(false)
    expect(needsRefresh(short, T0 + 2 * MINUTE_MS, margin)).toBe(true)
  })

  it('never says "no" once the token has expired', () => {
    fc.assert(
      fc.property(fc.nat(10 * HOUR_MS), fc.nat(HOUR_MS), fc.nat(HOUR_MS), (lifetime, margin, late) => {
        const c = credential({ accessTokenExpiresAt: T0 + lifetime })
        expect(needsRefresh(c, T0 + lifetime + late, margin)).toBe(true)
      }),
    )
  })
})

describe('accessTokenExpired', () => {
  it('knows expiry only when it was told', () => {
    expect(accessTokenExpired(credential(), T0 + HOUR_MS - 1)).toBe(false)
    expect(accessTokenExpired(credential(), T0 + HOUR_MS)).toBe(true)
    expect(accessTokenExpired(credential({ accessTokenExpiresAt: undefined }), Number.MAX_SAFE_INTEGER)).toBe(
      false,
    )
  })
})

describe('mergeTokenResponse', () => {
  it('takes the new pair and anchors expiry on the given clock', () => {
    const merged = mergeTokenResponse(
      credential(),
      { accessToken: 'at_2', refreshToken: 'rt_2', expiresInMs: 3_600_000 },
      T0 + 5,
    )
    expect(merged).toEqual({
      accessToken: 'at_2',
      refreshToken: 'rt_2',
      accessTokenExpiresAt: T0 + 5 + 3_600_000,
      obtainedAt: T0 + 5,
    })
  })

  it('keeps the stored refresh token when the response omits one', () => {
    expect(mergeTokenResponse(credential(), { accessToken: 'at_2' }, T0).refreshToken).toBe('rt_1')
  })

  it('does not carry the old expiry over to a token whose expiry is unknown', () => {
    expect(mergeTokenResponse(credential(), { accessToken: 'at_2' }, T0).accessTokenExpiresAt).toBeUndefined()
  })

  it('keeps scopes and extras unless the response says otherwise, and shares no arrays', () => {
    const previous = credential({ scopes: ['read'], extras: { token_type: 'Bearer', instance_url: 'x' } })
    const merged = mergeTokenResponse(previous, { accessToken: 'at_2', extras: { token_type: 'bearer' } }, T0)
    expect(merged.scopes).toEqual(['read'])
    expect(merged.scopes).not.toBe(previous.scopes)
    expect(merged.extras).toEqual({ token_type: 'bearer', instance_url: 'x' })
    expect(mergeTokenResponse(previous, { accessToken: 'a', scopes: ['write'] }, T0).scopes).toEqual([
      'write',
    ])
  })

  it('works without a previous credential (first Connect)', () => {
    expect(mergeTokenResponse(undefined, { accessToken: 'at_1' }, T0)).toEqual({
      accessToken: 'at_1',
      obtainedAt: T0,
    })
  })
})

describe('outcomeForFailure', () => {
  it('maps each class to exactly one outcome kind; only permanent prompts', () => {
    expect(outcomeForFailure({ kind: 'permanent', reason: 'grant_invalid', detail: 'd' })).toEqual({
      kind: 'connect_required',
      reason: 'grant_invalid',
    })
    expect(outcomeForFailure({ kind: 'configuration', detail: 'd' })).toEqual({
      kind: 'blocked',
      reason: 'd',
      contact: 'admin',
    })
    expect(outcomeForFailure({ kind: 'platform', detail: 'd' })).toEqual({
      kind: 'blocked',
      reason: 'd',
      contact: 'support',
    })
    expect(outcomeForFailure({ kind: 'transient', detail: 'd' })).toEqual({
      kind: 'retry_later',
      reason: 'd',
    })
    expect(outcomeForFailure({ kind: 'transient', detail: 'd', retryAfterMs: 5 })).toEqual({
      kind: 'retry_later',
      reason: 'd',
      retryAfterMs: 5,
    })
  })
})

describe('outcomeForApiClass', () => {
  it('returns valid outcomes for every class', () => {
    for (const c of ['ok', 'token_rejected', 'scope_missing', 'transient', 'other'] as const) {
      expect(isOutcome(outcomeForApiClass(c, 500))).toBe(true)
    }
    expect(outcomeForApiClass('scope_missing', 403)).toEqual({
      kind: 'connect_required',
      reason: 'scope_missing',
    })
    expect(outcomeForApiClass('transient', 429, 2000)).toMatchObject({
      kind: 'retry_later',
      retryAfterMs: 2000,
    })
  })
})

describe('backoffDelayMs', () => {
  const options = { baseDelayMs: 500, maxDelayMs: 30_000 }
  it('doubles from the base and caps', () => {
    expect([1, 2, 3, 4, 10, 100].map((a) => backoffDelayMs(a, undefined, options))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000,
    ])
  })

  it('waits at least the Retry-After, still capped', () => {
    expect(backoffDelayMs(1, 7000, options)).toBe(7000)
    expect(backoffDelayMs(5, 100, options)).toBe(8000)
    expect(backoffDelayMs(1, 120_000, options)).toBe(30_000)
  })

  it('is always within [0, maxDelayMs] and never below a Retry-After that fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.option(fc.nat(100_000), { nil: undefined }),
        fc.nat(10_000),
        fc.nat(100_000),
        (attempt, retryAfter, base, extra) => {
          const opts = { baseDelayMs: base, maxDelayMs: base + extra }
          const delay = backoffDelayMs(attempt, retryAfter, opts)
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual(opts.maxDelayMs)
          if (retryAfter !== undefined && retryAfter <= opts.maxDelayMs)
            expect(delay).toBeGreaterThanOrEqual(retryAfter)
        },
      ),
    )
  })
})

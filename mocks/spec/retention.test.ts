/**
 * Token retention (MockRuntimeOptions.tokenRetention, what serve sets): a family forgets superseded
 * tokens beyond the bound, never a refresh token its reuse leeway still honours, and within the bound
 * reuse detection is exactly what it is without one.
 */
import { describe, expect, test } from 'vitest'
import type { LedgerEvent } from '../types.ts'
import { type Harness, callApi, connect, refresh, setupBaseline } from './test-client.ts'

const LEEWAY_MS = 60_000

function harness(tokenRetention?: number): Harness {
  return setupBaseline({
    policy: { reuseLeewayMs: LEEWAY_MS, reuseAfterLeeway: 'revoke_family' },
    ...(tokenRetention === undefined ? {} : { spec: { tokenRetention } }),
  })
}

async function rotate(h: Harness, token: string): Promise<Tokens> {
  const res = await refresh(h, token)
  expect(res.status).toBe(200)
  return (await res.json()) as Tokens
}

type Tokens = { refresh_token: string; access_token: string }

async function connected(h: Harness): Promise<Tokens> {
  const tokens = await connect(h, 'ada')
  if (tokens.refresh_token === undefined) throw new Error('no refresh token at connect')
  return { refresh_token: tokens.refresh_token, access_token: tokens.access_token }
}

const refreshEvents = (h: Harness) =>
  h.mock.control.ledger().filter((e): e is Extract<LedgerEvent, { type: 'refresh' }> => e.type === 'refresh')

describe('token retention', () => {
  test('within the leeway a retired refresh token is never forgotten, however small the bound', async () => {
    const h = harness(0)
    const first = await connected(h)
    const second = await rotate(h, first.refresh_token)
    await rotate(h, second.refresh_token)
    // Both earlier tokens are retired, both still inside the leeway: honoured, as without a bound.
    h.clock.advance(LEEWAY_MS - 1)
    expect((await refresh(h, first.refresh_token)).status).toBe(200)
    expect(refreshEvents(h).at(-1)).toMatchObject({ presented: 'retired_within_leeway', result: 'issued' })
  })

  test('past the leeway: detected while retained, forgotten once beyond the bound', async () => {
    for (const [retention, expected] of [
      [undefined, 'detected'],
      // `first` is the older of two retired tokens: a bound of 2 keeps it, a bound of 1 does not.
      [2, 'detected'],
      [1, 'forgotten'],
    ] as const) {
      const h = harness(retention)
      const first = await connected(h)
      const second = await rotate(h, first.refresh_token)
      h.clock.advance(LEEWAY_MS)
      // Retires `second`; `first` is now past its leeway, so pruning may take it.
      const third = await rotate(h, second.refresh_token)
      const reuse = await refresh(h, first.refresh_token)
      expect(reuse.status).toBe(400)
      expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant')
      const last = h.mock.control.ledger().at(-1)
      if (expected === 'detected') {
        // Reuse detection, exactly as the unbounded store has it: the family is revoked.
        expect(last).toMatchObject({ type: 'family_ended', cause: 'reuse_detected' })
        expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'ended' })
      } else {
        // Forgotten: an unknown token to the source, the family lives on with its current token.
        expect(last).toMatchObject({ type: 'refresh_unknown_token' })
        expect(h.mock.store.getToken(first.refresh_token)).toBeUndefined()
        expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
        expect((await refresh(h, third.refresh_token)).status).toBe(200)
      }
    }
  })

  test('a family keeps its current access token and `tokenRetention` before it', async () => {
    const h = harness(1)
    const first = await connected(h)
    const second = await rotate(h, first.refresh_token)
    const third = await rotate(h, second.refresh_token)
    expect((await callApi(h, third.access_token)).status).toBe(200)
    expect((await callApi(h, second.access_token)).status).toBe(200)
    expect((await callApi(h, first.access_token)).status).toBe(401)
    expect(h.mock.store.getToken(first.access_token)).toBeUndefined()
  })

  test('store and secret set stay bounded over many refreshes', async () => {
    const h = harness(2)
    let tokens = await connected(h)
    const sizes: number[] = []
    for (let i = 0; i < 200; i++) {
      // Past the leeway each time, so every retired token beyond the bound may go.
      h.clock.advance(LEEWAY_MS)
      tokens = await rotate(h, tokens.refresh_token)
      if (i === 49 || i === 199) sizes.push(h.mock.secrets.size())
    }
    // Current + 2 superseded, of each kind.
    expect(h.mock.store.db.token.count()).toBe(6)
    expect(sizes[1]).toBe(sizes[0])
  })
})

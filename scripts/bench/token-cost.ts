/**
 * Bench section (d): what one refresh costs with 100, 10,000 and 100,000 grants stored in a mock
 * (the baseline provider, in process through `app.request`, no socket). The yardstick is the cost
 * with 100 grants, measured in the same trial; the sizes take turns (the order rotates per trial).
 * Target: the cost at 100,000 grants at most 1.2x the cost at 100 (every hot lookup is O(1)).
 *
 * Standalone: `node --import tsx scripts/bench/token-cost.ts [--trials N] [--quick]` prints the JSON.
 */
import { ManualClock, startStopwatch } from '../../src/clock.ts'
import { createSequentialIds } from '../../src/ids.ts'
import { type SpecMock, createSpecMock } from '../../mocks/spec/index.ts'
import {
  type BenchFigure,
  type BenchOptions,
  type BenchSection,
  figure,
  isMain,
  median,
  standaloneOptions,
} from './section.ts'

const SIZES = [100, 10_000, 100_000] as const
const REDIRECT = 'https://client.example/callback'
const TARGET_RATIO = 1.2

interface Stocked {
  size: number
  mock: SpecMock
  authorization: string
  /** Current refresh token per grant. */
  tokens: string[]
}

/** A mock holding `size` grants, each with a live refresh token, made through the core (no HTTP). */
function stock(size: number): Stocked {
  const mock = createSpecMock({ clock: new ManualClock(), ids: createSequentialIds() })
  const client = mock.control.createClient({ redirectUris: [REDIRECT], pkce: 'optional' })
  const record = mock.store.getClient(client.clientId)
  if (!record) throw new Error('token-cost: client not stored')
  const tokens: string[] = []
  for (let i = 0; i < size; i++) {
    const outcome = mock.core.authorize({
      response_type: ['code'],
      client_id: [client.clientId],
      redirect_uri: [REDIRECT],
      login_hint: [`user${i}`],
      scope: ['read'],
    })
    if (outcome.kind !== 'redirect') throw new Error(`token-cost: authorize answered ${outcome.kind}`)
    const code = new URL(outcome.location).searchParams.get('code') ?? ''
    const exchanged = mock.core.exchangeCode(record, { code, redirectUri: REDIRECT, codeVerifier: undefined })
    if (!exchanged.ok || exchanged.issued.refreshToken === undefined)
      throw new Error('token-cost: no refresh token')
    tokens.push(exchanged.issued.refreshToken)
  }
  const authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`
  return { size, mock, authorization, tokens }
}

/** µs per refresh over `count` refreshes spread across the whole stock (every grant equally likely). */
async function refreshCost(stocked: Stocked, count: number, offset: number): Promise<number> {
  const step = Math.max(1, Math.floor(stocked.tokens.length / count))
  const elapsed = startStopwatch()
  for (let i = 0; i < count; i++) {
    const at = (offset + i * step) % stocked.tokens.length
    const response = await stocked.mock.app.request('/token', {
      method: 'POST',
      headers: { authorization: stocked.authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${stocked.tokens[at]}`,
    })
    const body = (await response.json()) as { refresh_token?: string }
    if (body.refresh_token === undefined) throw new Error(`token-cost: refresh failed (${response.status})`)
    stocked.tokens[at] = body.refresh_token
  }
  return (elapsed() * 1000) / count
}

export async function run(opts: BenchOptions): Promise<BenchSection> {
  const count = opts.quick ? 500 : 3000
  const setup = startStopwatch()
  const stocks = SIZES.map(stock)
  const setupMs = setup()
  for (const stocked of stocks) await refreshCost(stocked, Math.min(count, 1000), 1)
  const costs = new Map<number, number[]>()
  for (let trial = 0; trial < opts.trials; trial++) {
    for (let i = 0; i < stocks.length; i++) {
      const stocked = stocks[(i + trial) % stocks.length]
      if (!stocked) continue
      const list = costs.get(stocked.size) ?? []
      list.push(await refreshCost(stocked, count, trial * 7 + 3))
      costs.set(stocked.size, list)
    }
  }
  const base = costs.get(SIZES[0]) ?? []
  const figures: BenchFigure[] = []
  for (const size of SIZES) {
    const values = costs.get(size) ?? []
    figures.push(figure(`refresh cost with ${size.toLocaleString('en')} grants`, values, 'µs'))
    if (size === SIZES[0]) continue
    const ratios = values.map((v, k) => v / (base[k] ?? Number.NaN))
    const ratio = median(ratios)
    const isTarget = size === SIZES[SIZES.length - 1]
    figures.push(
      figure(`refresh cost, ${size.toLocaleString('en')} vs 100 grants`, ratios, 'x', {
        yardstick: 'refresh cost with 100 grants, same trial',
        ratio,
        ...(isTarget ? { target: `<= ${TARGET_RATIO}x`, met: ratio <= TARGET_RATIO } : {}),
      }),
    )
  }
  return {
    name: 'token-cost',
    figures,
    notes: [
      `baseline provider in process (app.request, form body, HTTP Basic); ${count} refreshes per size and trial, spread over every stored grant; ${opts.trials} trial(s) after a warm-up, sizes interleaved`,
      `stocking ${SIZES.join(' + ')} grants through the core took ${Math.round(setupMs)} ms`,
    ],
  }
}

if (isMain(import.meta.url)) {
  const section = await run(standaloneOptions(process.argv, 3))
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
}

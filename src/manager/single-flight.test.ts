import { describe, expect, it } from 'vitest'
import { createSingleFlight } from './single-flight.ts'

describe('createSingleFlight', () => {
  it('shares one in-flight promise per key and starts fresh afterwards', async () => {
    const flights = createSingleFlight<number>()
    let calls = 0
    let release: (n: number) => void = () => {}
    const work = () => {
      calls++
      return new Promise<number>((resolve) => {
        release = resolve
      })
    }
    const a = flights.run('k', work)
    const b = flights.run('k', work)
    await Promise.resolve()
    expect(flights.inFlight()).toEqual(['k'])
    release(42)
    expect(await Promise.all([a, b])).toEqual([42, 42])
    expect(calls).toBe(1)
    expect(flights.inFlight()).toEqual([])
    const c = flights.run('k', async () => 7)
    expect(await c).toBe(7)
  })

  it('keeps keys apart', async () => {
    const flights = createSingleFlight<string>()
    const results = await Promise.all([flights.run('a', async () => 'A'), flights.run('b', async () => 'B')])
    expect(results).toEqual(['A', 'B'])
  })

  it('shares rejections and clears the key after them, including synchronous throws', async () => {
    const flights = createSingleFlight<number>()
    const boom = () => {
      throw new Error('boom')
    }
    await expect(Promise.all([flights.run('k', boom), flights.run('k', boom)])).rejects.toThrow('boom')
    expect(flights.inFlight()).toEqual([])
    expect(await flights.run('k', async () => 1)).toBe(1)
  })
})

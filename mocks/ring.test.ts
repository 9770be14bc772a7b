import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRing } from './ring.ts'

describe('ring', () => {
  it('keeps the newest items and answers since(mark) like a full log would, wrapped or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat({ max: 30 }), { maxLength: 10 }),
        (capacity, pushes) => {
          const ring = createRing<number>(capacity)
          const all: number[] = []
          for (const n of pushes) {
            const mark = ring.mark()
            for (let i = 0; i < n; i++) {
              ring.push(all.length)
              all.push(all.length)
            }
            // What this batch added, as far as the ring still holds it.
            expect(ring.since(mark)).toEqual(all.slice(Math.max(mark, all.length - capacity)))
            expect(ring.list()).toEqual(all.slice(-capacity))
            expect(ring.mark()).toBe(all.length)
          }
        },
      ),
    )
  })

  it('starts over on clear', () => {
    const ring = createRing<string>(2)
    ring.push('a')
    ring.push('b')
    ring.push('c')
    ring.clear()
    expect([ring.mark(), ring.size(), ring.since(0)]).toEqual([0, 0, []])
    expect(() => createRing(0)).toThrow(/positive integer/)
  })
})

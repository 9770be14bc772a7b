import { describe, expect, it } from 'vitest'
import { figureOf, meets, renderBenchTable, spread } from './figures.ts'

describe('bench figures', () => {
  it('take the median of the trials, with min and max', () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 })
    expect(spread([4, 1])).toEqual({ median: 2.5, min: 1, max: 4 })
    expect(() => spread([])).toThrow(/at least one trial/)
  })

  it('decide a target from the median, both ways', () => {
    expect(meets(3, '<= 3')).toBe(true)
    expect(meets(3.1, '<= 3')).toBe(false)
    expect(meets(2, '>= 2x')).toBe(true)
    expect(meets(1.9, '>= 2')).toBe(false)
    expect(meets(1, 'flat')).toBeUndefined()
    expect(figureOf('x', 's', [9, 1, 30], { target: '<= 5' })).toMatchObject({ median: 9, met: false })
  })

  it('render a missed target as NO in the table', () => {
    const table = renderBenchTable([
      { name: '(b) run', figures: [figureOf('wall', 's', [30], { target: '<= 20' })] },
    ])
    expect(table).toContain('| (b) run | wall | 30.0 (30.0-30.0) | s |  | <= 20 | NO |')
  })
})

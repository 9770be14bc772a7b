import { describe, expect, it } from 'vitest'
import { defineTraceIndex, TraceIndexes } from './trace-indexes.ts'

describe('TraceIndexes', () => {
  const SEEN = defineTraceIndex('seen', () => ({ steps: 0 }))

  it('builds an index once per owner and hands the same one back', () => {
    const indexes = new TraceIndexes()
    indexes.of(SEEN).steps++
    indexes.of(SEEN).steps++
    expect(indexes.of(SEEN).steps).toBe(2)
  })

  it('shares nothing between owners: each run starts from an empty index', () => {
    const first = new TraceIndexes()
    first.of(SEEN).steps = 5
    expect(new TraceIndexes().of(SEEN).steps).toBe(0)
  })
})

/**
 * A bounded ring, oldest first, that also counts every item ever pushed. The count is a mark a caller
 * can keep ("what came after this point?") and still use after the ring wraps, and `since(mark)` costs
 * what it returns, not the ring's size: the world reads each request's share of the request log and
 * ledger this way, once per request.
 */
export interface Ring<T> {
  push(item: T): void
  /** Every item still held, oldest first (a copy). */
  list(): T[]
  /** How many items were ever pushed (since the last clear): a mark for `since`. */
  mark(): number
  /** The items pushed at or after `mark` that the ring still holds, oldest first. */
  since(mark: number): T[]
  size(): number
  clear(): void
  readonly capacity: number
}

export function createRing<T>(capacity: number): Ring<T> {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`a ring needs a positive integer capacity, got ${capacity}`)
  let items: T[] = []
  let next = 0
  let total = 0
  return {
    capacity,
    push(item) {
      if (items.length < capacity) items.push(item)
      else items[next] = item
      next = (next + 1) % capacity
      total++
    },
    list: () => (items.length < capacity ? [...items] : [...items.slice(next), ...items.slice(0, next)]),
    mark: () => total,
    since(mark) {
      const oldest = total - items.length
      const from = Math.max(mark, oldest)
      if (from >= total) return []
      if (items.length < capacity) return items.slice(from)
      const out: T[] = []
      // Item k places after the oldest sits at (next + k) % capacity.
      for (let k = from - oldest; k < capacity; k++) out.push(items[(next + k) % capacity] as T)
      return out
    },
    size: () => items.length,
    clear() {
      items = []
      next = 0
      total = 0
    },
  }
}

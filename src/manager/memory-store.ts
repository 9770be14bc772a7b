/**
 * The in-memory CredentialStore: what several manager instances in one process share when the
 * harness simulates several processes over one database.
 */
import type { CredentialStore, StoredCredential, VersionedCredential } from './contract.ts'

interface Row {
  /** Keeps counting across deletes, so a key that is deleted and re-created never repeats a version. */
  version: number
  credential: StoredCredential | undefined
}

/** Thrown inside `copyPlain` when a value is not plain JSON-like data; never escapes this module. */
const NOT_PLAIN = Symbol('not plain')

/**
 * A deep copy of plain data (primitives, arrays, plain objects), as structuredClone would make it.
 * Credentials are such data, and structuredClone's serialize-deserialize round trip was a visible
 * share of the suite's profile (a store read or write per IO point).
 */
function copyPlain(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw NOT_PLAIN
    return value
  }
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (let i = 0; i < value.length; i++) out.push(copyPlain(value[i]))
    return out
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) out[key] = copyPlain((value as Record<string, unknown>)[key])
  return out
}

function copyCredential(credential: StoredCredential): StoredCredential {
  // Callers must never hold a reference into the store: a mutated object would be a write that skipped CAS.
  try {
    return copyPlain(credential) as StoredCredential
  } catch (error) {
    // Anything else (a Date, a Map, a cycle, a function) gets structuredClone's own copy or its own error.
    if (error !== NOT_PLAIN && !(error instanceof RangeError)) throw error
    return structuredClone(credential)
  }
}

/**
 * Versioned compare-and-set semantics:
 * - `get` returns a copy and the row's version; a deleted or never-written key reads as undefined.
 * - `compareAndSet(key, expected, next)` succeeds only if the current version is `expected`, where
 *   0 means "absent" (never written, or deleted). Every successful write, deletes included, takes a
 *   new, never-reused version, so a writer that read version N before a delete-and-reconnect cannot
 *   succeed against the re-created row (no ABA).
 * - writing `undefined` deletes.
 */
export function createMemoryCredentialStore(): CredentialStore {
  const rows = new Map<string, Row>()

  return {
    async get(key) {
      const row = rows.get(key)
      if (row?.credential === undefined) return undefined
      const result: VersionedCredential = { credential: copyCredential(row.credential), version: row.version }
      return result
    },

    async compareAndSet(key, expectedVersion, next) {
      const row = rows.get(key)
      const currentVersion = row?.credential === undefined ? 0 : row.version
      if (currentVersion !== expectedVersion) return false
      const version = (row?.version ?? 0) + 1
      if (next === undefined && row === undefined) return true
      rows.set(key, { version, credential: next === undefined ? undefined : copyCredential(next) })
      return true
    },

    async keys() {
      return [...rows.entries()].filter(([, row]) => row.credential !== undefined).map(([key]) => key)
    },
  }
}

import { randomBytes } from 'node:crypto'

/**
 * Every id, token value, code and client secret a mock or the harness mints comes from an IdSource,
 * so a run is reproducible from its seed (sequential) and `serve` mode can still hand out
 * unguessable values (crypto).
 */
export interface IdSource {
  /** A fresh identifier: `prefix` followed by something unique within this source. */
  next(prefix: string): string
}

/**
 * Deterministic ids: `at_1`, `at_2`, ... Each prefix counts on its own. Secrets must use a prefix
 * ending in `_` (src/redact.ts recognises `word_<digits>` and `word_r.<random>` as secrets).
 */
export function createSequentialIds(): IdSource {
  const counters = new Map<string, number>()
  return {
    next(prefix) {
      const n = (counters.get(prefix) ?? 0) + 1
      counters.set(prefix, n)
      return `${prefix}${n}`
    },
  }
}

/** Unpredictable ids for live `serve` mode, where a loopback client should not be able to guess tokens. */
export function createCryptoIds(): IdSource {
  // One 4 KiB draw from the CSPRNG serves 227 ids: a refresh mints two, and a syscall-backed
  // randomBytes(18) per id showed in serve's profile.
  const ID_BYTES = 18
  let pool = Buffer.alloc(0)
  let at = 0
  return {
    next(prefix) {
      if (at + ID_BYTES > pool.length) {
        pool = randomBytes(ID_BYTES * 227)
        at = 0
      }
      const id = pool.toString('base64url', at, at + ID_BYTES)
      at += ID_BYTES
      return `${prefix}r.${id}`
    },
  }
}

/**
 * A small seeded PRNG (mulberry32). Simulation code that needs a coin flip takes one of these rather
 * than the global PRNG, which is banned outside clock.ts (see clock.test.ts).
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

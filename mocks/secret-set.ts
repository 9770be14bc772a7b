/**
 * Redaction by value: a set of known secret values, found wherever they appear inside a string,
 * glued to other characters or not (`Bearer<token>`, `token=abc<secret>xyz`), and in the encoded
 * forms a careless client or manager produces (percent-encoded, form-encoded, JSON-escaped, JSON
 * inside JSON). The request log of every mock (recorder.ts) and src/redact.ts's extra secrets use it.
 *
 * Matching is a left-to-right scan with an index on each value's first MIN_SECRET characters, longest
 * value first, so its cost grows with the text, not with the number of known secrets.
 */

export const REDACTED = '[redacted]'
/** Shorter values are not secrets worth the false positives (and the index needs this many characters). */
export const MIN_SECRET = 4
/** Parts of a composite secret (JWT segments, `xoxe.xoxp-1-…`) that are secret on their own. */
const MIN_PIECE = 8
/** Inside a value: the separators of composite tokens. */
const SUB_DELIMITERS = /[./=!~+-]+/
/** Characters that never occur inside a token: a value sent with them is split there as well. */
const DELIMITERS = /[^A-Za-z0-9._~+/!=-]+/

/**
 * Words of the OAuth vocabulary that travel under secret-looking names (`response_type=code`,
 * `token_type_hint=refresh_token`): never learnt, or every mention of the protocol would be redacted.
 */
const VOCABULARY: ReadonlySet<string> = new Set([
  'code',
  'token',
  'refresh_token',
  'access_token',
  'id_token',
  'authorization_code',
  'client_credentials',
  'bearer',
  'basic',
  'plain',
  's256',
  'true',
  'false',
  'null',
])

/** Characters that percent-, form- and JSON-encoding all leave unchanged. */
const PLAIN = /^[A-Za-z0-9._-]*$/

/** The forms `value` takes once a client encodes it (itself first). */
export function secretVariants(value: string): string[] {
  // Most secrets (minted tokens, codes, JWT segments) use only characters that every encoding below
  // leaves as they are: one form, without building six equal strings.
  if (PLAIN.test(value)) return [value]
  const out = new Set<string>([value])
  const uri = encodeURIComponent(value)
  out.add(uri)
  out.add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))
  out.add(new URLSearchParams({ v: value }).toString().slice(2))
  const json = JSON.stringify(value).slice(1, -1)
  out.add(json)
  out.add(json.replace(/\//g, '\\/'))
  out.add(JSON.stringify(json).slice(1, -1))
  return [...out]
}

/** The values a mock (or the harness) knows to be secret. */
export interface SecretSet {
  add(value: string | undefined): void
  has(value: string): boolean
  /** Forgets a value `add` learnt, with its pieces and encodings (a pruned token: the set stays as small as the store). */
  forget(value: string): void
  redact(text: string): string
  size(): number
  clear(): void
}

/** Values at least this long are indexed by their last TAIL characters; shorter ones are looked up whole. */
const TAIL = 8
/** A value made of these alone is its only form: no pieces, no encoding changes it. */
const ATOMIC = /^[A-Za-z0-9_]+$/
/**
 * Rolling hashes (polynomial, base HASH_BASE, wrapping at 32 bits) of the last L characters, for each
 * window length L from MIN_SECRET to TAIL: the scan asks a hash index at every position without
 * building a string, and slices one only on a hit. HASH_DROP[L] takes the character leaving the window.
 */
const HASH_BASE = 31
const HASH_DROP: readonly number[] = Array.from({ length: TAIL + 1 }, (_, length) => {
  let p = 1
  for (let i = 1; i < length; i++) p = Math.imul(p, HASH_BASE)
  return p
})
function hashOf(text: string): number {
  let h = 0
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(i)) | 0
  return h
}

/** Counts per hash: several keys may share one, and a key forgotten must not drop the others'. */
function countIn(index: Map<number, number>, key: string, by: 1 | -1): void {
  const h = hashOf(key)
  const n = (index.get(h) ?? 0) + by
  if (n <= 0) index.delete(h)
  else index.set(h, n)
}

export function createSecretSet(): SecretSet {
  const values = new Set<string>()
  /**
   * Last TAIL characters -> the values ending with them. Keyed on the end, not the start: minted
   * tokens share their start (`at_r.`, a JWT's `eyJhbGciOi…` header), so a start index puts every
   * token in one bucket, while the ends of random tokens spread out.
   */
  const byTail = new Map<string, string[]>()
  /**
   * Values of MIN_SECRET to TAIL - 1 characters (sequential tokens and codes: `at_1`, `code_12`),
   * matched whole.
   */
  const short = new Set<string>()
  /** hashes[L]: the hashes of byTail's keys (L = TAIL) or of the short values of length L. */
  const hashes: Array<Map<number, number>> = Array.from({ length: TAIL + 1 }, () => new Map())
  const remember = (value: string): void => {
    if (value.length < MIN_SECRET || values.has(value) || VOCABULARY.has(value.toLowerCase())) return
    values.add(value)
    if (value.length < TAIL) {
      short.add(value)
      countIn(hashes[value.length]!, value, 1)
      return
    }
    const tail = value.slice(-TAIL)
    const bucket = byTail.get(tail)
    if (bucket) bucket.push(value)
    else {
      byTail.set(tail, [value])
      countIn(hashes[TAIL]!, tail, 1)
    }
  }
  const unremember = (value: string): void => {
    if (!values.delete(value)) return
    if (value.length < TAIL) {
      if (short.delete(value)) countIn(hashes[value.length]!, value, -1)
      return
    }
    const tail = value.slice(-TAIL)
    const bucket = byTail.get(tail)?.filter((v) => v !== value)
    if (bucket === undefined || bucket.length === 0) {
      if (byTail.delete(tail)) countIn(hashes[TAIL]!, tail, -1)
    } else byTail.set(tail, bucket)
  }
  const formsOf = (value: string): Set<string> => {
    // Minted tokens and codes (`at_12`, `code_3`): the common case, without splitting or encoding.
    if (ATOMIC.test(value)) return new Set([value])
    const pieces = new Set<string>([value])
    for (const piece of value.split(DELIMITERS)) {
      pieces.add(piece)
      for (const part of piece.split(SUB_DELIMITERS)) if (part.length >= MIN_PIECE) pieces.add(part)
    }
    const forms = new Set<string>()
    for (const piece of pieces) for (const variant of secretVariants(piece)) forms.add(variant)
    return forms
  }
  /** Every [start, end) where a known value occurs, found by where it ends: cost grows with the text. */
  const occurrences = (text: string): Array<[number, number]> => {
    const found: Array<[number, number]> = []
    const shortest = short.size > 0 ? MIN_SECRET : TAIL
    // rolling[L]: the hash of text[end - L, end).
    const rolling = new Int32Array(TAIL + 1)
    for (let end = 1; end <= text.length; end++) {
      const entering = text.charCodeAt(end - 1)
      for (let length = shortest; length <= TAIL; length++) {
        let h = rolling[length]!
        if (end > length) h = (h - Math.imul(text.charCodeAt(end - 1 - length), HASH_DROP[length]!)) | 0
        rolling[length] = (Math.imul(h, HASH_BASE) + entering) | 0
      }
      for (let length = shortest; length < TAIL && length <= end; length++)
        if (hashes[length]!.has(rolling[length]!) && short.has(text.slice(end - length, end)))
          found.push([end - length, end])
      if (end < TAIL || !hashes[TAIL]!.has(rolling[TAIL]!)) continue
      const bucket = byTail.get(text.slice(end - TAIL, end))
      if (bucket === undefined) continue
      for (const value of bucket)
        if (value.length <= end && text.startsWith(value, end - value.length))
          found.push([end - value.length, end])
    }
    return found
  }
  return {
    add(value) {
      // Most calls learn what is known already (the presented refresh token, the client's secret).
      if (value === undefined || value.length < MIN_SECRET || values.has(value)) return
      for (const form of formsOf(value)) remember(form)
    },
    has: (value) => values.has(value),
    forget(value) {
      if (!values.has(value)) return
      // A part shared with a live secret (a JWT's header segment) is no secret on its own: the live
      // secret's whole value still redacts it.
      for (const form of formsOf(value)) unremember(form)
    },
    redact(text) {
      if (values.size === 0 || text.length < MIN_SECRET) return text
      if (values.has(text)) return REDACTED
      const found = occurrences(text)
      if (found.length === 0) return text
      // Overlapping occurrences (a value and its own piece) are redacted as one span.
      found.sort((x, y) => x[0] - y[0] || y[1] - x[1])
      let out = ''
      let copied = 0
      for (const [start, end] of found) {
        if (end <= copied) continue
        if (start >= copied) out += text.slice(copied, start) + REDACTED
        copied = end
      }
      return out + text.slice(copied)
    },
    size: () => values.size,
    clear() {
      values.clear()
      byTail.clear()
      for (const index of hashes) index.clear()
      short.clear()
    },
  }
}

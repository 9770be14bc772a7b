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

/** The forms `value` takes once a client encodes it (itself first). */
export function secretVariants(value: string): string[] {
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

export function createSecretSet(): SecretSet {
  const values = new Set<string>()
  /** First MIN_SECRET characters -> the values starting with them, longest first. */
  const index = new Map<string, string[]>()
  const remember = (value: string): void => {
    if (value.length < MIN_SECRET || values.has(value) || VOCABULARY.has(value.toLowerCase())) return
    values.add(value)
    const head = value.slice(0, MIN_SECRET)
    const bucket = index.get(head)
    if (!bucket) index.set(head, [value])
    else {
      bucket.push(value)
      bucket.sort((a, b) => b.length - a.length)
    }
  }
  const unremember = (value: string): void => {
    if (!values.delete(value)) return
    const head = value.slice(0, MIN_SECRET)
    const bucket = index.get(head)?.filter((v) => v !== value)
    if (bucket === undefined || bucket.length === 0) index.delete(head)
    else index.set(head, bucket)
  }
  const formsOf = (value: string): Set<string> => {
    const pieces = new Set<string>([value])
    for (const piece of value.split(DELIMITERS)) {
      pieces.add(piece)
      for (const part of piece.split(SUB_DELIMITERS)) if (part.length >= MIN_PIECE) pieces.add(part)
    }
    const forms = new Set<string>()
    for (const piece of pieces) for (const variant of secretVariants(piece)) forms.add(variant)
    return forms
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
      let out = ''
      let copied = 0
      let i = 0
      while (i <= text.length - MIN_SECRET) {
        const bucket = index.get(text.slice(i, i + MIN_SECRET))
        const found = bucket?.find((value) => text.startsWith(value, i))
        if (found === undefined) {
          i++
          continue
        }
        out += text.slice(copied, i) + REDACTED
        i += found.length
        copied = i
      }
      return copied === 0 ? text : out + text.slice(copied)
    },
    size: () => values.size,
    clear() {
      values.clear()
      index.clear()
    },
  }
}

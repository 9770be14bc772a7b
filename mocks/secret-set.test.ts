import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { REDACTED, createSecretSet } from './secret-set.ts'

/**
 * The model: every occurrence of every secret, found with indexOf, overlapping ones redacted as one
 * span. For secrets made of letters, digits and `_` alone (minted tokens and codes) the set's
 * rolling-hash scan must agree with it exactly.
 */
function modelRedact(text: string, secrets: readonly string[]): string {
  const spans: Array<[number, number]> = []
  for (const secret of secrets)
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1))
      spans.push([at, at + secret.length])
  spans.sort((x, y) => x[0] - y[0] || y[1] - x[1])
  let out = ''
  let copied = 0
  for (const [start, end] of spans) {
    if (end <= copied) continue
    if (start >= copied) out += text.slice(copied, start) + REDACTED
    copied = end
  }
  return out + text.slice(copied)
}

const atomic = fc.stringMatching(/^[a-f0-9_]{4,14}$/).filter((s) => !['true', 'null', 'code'].includes(s))
const filler = fc.stringMatching(/^[a-f0-9_ =&]{0,12}$/)

describe('secret set', () => {
  it('redacts exactly what the model does, wherever secrets sit and however they overlap', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(atomic, { minLength: 1, maxLength: 8 }),
        fc.array(filler),
        (secrets, fillers) => {
          const set = createSecretSet()
          for (const s of secrets) set.add(s)
          // Secrets glued to fillers and to each other, each at least once.
          const text = secrets.map((s, i) => `${fillers[i] ?? ''}${s}`).join(fillers.at(-1) ?? '')
          expect(set.redact(text)).toBe(modelRedact(text, secrets))
        },
      ),
    )
  })

  it('stops redacting what it forgot, and keeps redacting the rest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(atomic, { minLength: 2, maxLength: 8 }), (secrets) => {
        const set = createSecretSet()
        for (const s of secrets) set.add(s)
        const [gone, ...kept] = secrets as [string, ...string[]]
        set.forget(gone)
        const text = secrets.join(' ')
        expect(set.redact(text)).toBe(modelRedact(text, kept))
      }),
    )
  })

  it('finds a composite secret and its encoded forms', () => {
    const set = createSecretSet()
    set.add('xoxe.xoxp-1-abc/def+ghi')
    expect(set.redact('token=xoxe.xoxp-1-abc%2Fdef%2Bghi&x=1')).toBe(`token=${REDACTED}&x=1`)
    expect(set.redact('"xoxe.xoxp-1-abc\\/def+ghi"')).toBe(`"${REDACTED}"`)
  })
})

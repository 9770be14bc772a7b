import type { Quirk } from './quirk.ts'

/**
 * Every provider mock's quirks, for `reconnect-lab list`, the README fidelity table and the test that
 * each quirk id has a test named after it. Add a provider's quirks here when its mock lands.
 */
const QUIRKS: readonly (readonly Quirk[])[] = []

export function allQuirks(): Quirk[] {
  return QUIRKS.flat()
}

export function quirksOf(provider: string): Quirk[] {
  return allQuirks().filter((q) => q.provider === provider)
}

/**
 * A provider's named deviation from the RFC baseline, as data. Every quirk cites the connectors.md
 * row it comes from; a quirk whose behaviour is UNCONFIRMED there is an `option` with a named default
 * and the reason for that default, never a silent guess. The fidelity table (docs/FIDELITY.md) and
 * `reconnect-lab list` are generated from these records, and a test checks each id has a test.
 */
import type { OptionType } from './pack-option-parsing.ts'
import type { MockProviderId } from './types.ts'

export interface QuirkOption {
  /** The option's name in the provider mock's options (e.g. `refreshFailureShape`). */
  name: string
  values: readonly string[]
  default: string
  /** Why this default: observed beats documented, first-hand captures beat blog posts. */
  why: string
  /** How a pack writes the value when it is not one of `values` as text: a number, a range, a template, a list. */
  type?: OptionType
  /** Set when this is no pack option: where the quirk is chosen instead (a pack field, an event). */
  chosenBy?: string
}

export interface Quirk {
  /** `<provider>.<kebab-name>`, stable: tests are named after it. */
  id: string
  provider: MockProviderId
  /** One line: what the mock does. */
  summary: string
  /** The RFC clause (or baseline behaviour) it departs from. */
  departsFrom: string
  /** The connectors.md section and row, e.g. `connectors.md §1 Error responses, "Observed: RT unknown…"`. */
  source: string
  /** `default`: always on for this provider; `option`: selectable, see `option`. */
  kind: 'default' | 'option'
  option?: QuirkOption
}

export function defineQuirks<const T extends readonly Quirk[]>(quirks: T): T {
  const seen = new Set<string>()
  for (const q of quirks) {
    if (!q.id.startsWith(`${q.provider}.`)) throw new Error(`quirk ${q.id} must start with "${q.provider}."`)
    if (seen.has(q.id)) throw new Error(`quirk ${q.id} is defined twice`)
    if (q.kind === 'option' && !q.option) throw new Error(`quirk ${q.id} is an option but names none`)
    seen.add(q.id)
  }
  return quirks
}

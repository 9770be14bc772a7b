/**
 * Reading a pack's provider-specific options (`PackSpec.options`, which reach a mock factory as
 * `MockFactoryInput.options`): every key must be known and every value one of the allowed ones, so a
 * typo in a scenario file fails loudly, naming the provider and the option, instead of silently
 * running the default.
 *
 * A provider's options are defined once, as a PackOptionSet (definePackOptions): the `option` of each
 * of its quirk records (mocks/<provider>/quirks.ts), the few pack options that are no quirk's, and the
 * checks across fields. The mock factory reads its options through the set (readPackOptions), and the
 * harness (the connector registry: scenario packs, `serve --config`, `--option`, `/_lab/options`,
 * `list`, docs/SUPPORT.md) asks the same set, so a name, a value list, a range or a cross-field rule
 * is written in one place.
 */

export type PackOptionValue = string | number | boolean
type Options = Readonly<Record<string, PackOptionValue>> | undefined

/** Provider-side (mocks/ imports nothing from src/ but clock and ids), so not src/errors.ts's LabError: a mock factory refusing a pack option, naming the option. */
export class PackOptionError extends RangeError {
  override name = 'PackOptionError'
}

/**
 * How a pack writes an option's value, where "one of `values`, as text" does not say it:
 * - `number`: one of `values`, written as a number (`sessionTimeoutMinutes: 60`);
 * - `integer`: a whole number from `min` to `max`; `note` says what the ends mean (`0: off`);
 * - `template`: text matching `pattern`; `expected` describes it (`specific_lifetime:<N>:<UNIT>`);
 * - `list`: text of items split on spaces, none of them one of `refused.items`.
 * Absent: one of `values` as text (a number may arrive as its digits); `true`/`false` values make it a flag.
 */
export type OptionType =
  | { readonly kind: 'number' }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number; readonly note?: string }
  | { readonly kind: 'template'; readonly pattern: RegExp; readonly expected: string }
  | {
      readonly kind: 'list'
      readonly of: string
      readonly refused?: { readonly items: readonly string[]; readonly why: string }
    }

/** One pack option: a quirk record's `option` (mocks/quirk.ts), or a pack option that is no quirk's. */
export interface PackOptionDef {
  readonly name: string
  readonly values: readonly string[]
  readonly default: string
  readonly type?: OptionType
  /** The quirk record it comes from; absent for a pack option that is no quirk's. */
  readonly quirk?: string
  /** For an option that is no quirk's: what it sets, as docs and `list` say it. */
  readonly why?: string
}

/**
 * A check across fields, declared with the options: when any of `when` is set, `needs` must hold.
 * `needs.key` is another option, or `approvalRequired` (the pack's own field, which reaches the
 * factory beside the options).
 */
export interface OptionRequirement {
  readonly when: readonly string[]
  readonly needs: { readonly key: string; readonly value: PackOptionValue }
  /** Why, as the refusal says it. */
  readonly why: string
}

/** What a pack carries beside its options that a requirement may name. */
export interface PackOptionContext {
  readonly approvalRequired?: boolean
}

export interface PackOptionSet<D extends PackOptionDef = PackOptionDef> {
  readonly provider: string
  readonly options: readonly (D & Pick<PackOptionDef, 'quirk'>)[]
  /** Keys a pack may carry whose values the factory (or the harness) checks itself: a refused setup such as Jira's deployment. */
  readonly extraKeys: readonly string[]
  readonly requires: readonly OptionRequirement[]
}

/** A refusal, naming the option; `problem` is what follows the option's name ("must be …, got …"). */
export interface PackOptionProblem {
  readonly key: string
  /** An unknown key, a value that is not the option's, or a cross-field requirement that does not hold. */
  readonly kind: 'unknown' | 'value' | 'requirement'
  readonly problem: string
}

/** What definePackOptions needs of a quirk record (mocks/quirk.ts): its id and option. */
interface OptionQuirk {
  readonly id: string
  readonly option?: {
    readonly name: string
    readonly values: readonly string[]
    readonly default: string
    readonly type?: OptionType
    readonly chosenBy?: string
  }
}
type QuirkOptionOf<Q extends readonly OptionQuirk[]> = Q[number] extends infer T
  ? T extends { option: infer O extends PackOptionDef }
    ? O
    : never
  : never

/** A name that is not an identifier describes where a quirk is chosen instead (a scheduled fault). */
const IS_OPTION_NAME = /^[A-Za-z][A-Za-z0-9]*$/

/**
 * A provider's pack options: the options of its quirk records (minus those chosen elsewhere: see
 * QuirkOption.chosenBy), then `extra` ones that are no quirk's, and the cross-field checks.
 */
export function definePackOptions<
  const Q extends readonly OptionQuirk[],
  const E extends readonly PackOptionDef[] = [],
>(
  provider: string,
  quirks: Q,
  more: { extra?: E; extraKeys?: readonly string[]; requires?: readonly OptionRequirement[] } = {},
): PackOptionSet<QuirkOptionOf<Q> | E[number]> {
  const options: PackOptionDef[] = []
  for (const q of quirks) {
    const o = q.option
    if (!o || o.chosenBy !== undefined || !IS_OPTION_NAME.test(o.name)) continue
    if (options.some((d) => d.name === o.name)) continue
    options.push({
      name: o.name,
      values: o.values,
      default: o.default,
      quirk: q.id,
      ...(o.type ? { type: o.type } : {}),
    })
  }
  for (const e of more.extra ?? []) {
    if (options.some((d) => d.name === e.name))
      throw new Error(`${provider}: pack option ${e.name} is defined twice`)
    options.push(e)
  }
  const names = new Set(options.map((o) => o.name))
  for (const r of more.requires ?? [])
    for (const key of [...r.when, r.needs.key])
      if (!names.has(key) && key !== 'approvalRequired')
        throw new Error(`${provider}: a requirement names "${key}", which is no pack option`)
  return {
    provider,
    options: options as Array<QuirkOptionOf<Q> | E[number]>,
    extraKeys: more.extraKeys ?? [],
    requires: more.requires ?? [],
  }
}

const isFlag = (def: PackOptionDef): boolean =>
  def.type === undefined &&
  def.values.length === 2 &&
  def.values.includes('true') &&
  def.values.includes('false')

/** What is wrong with `value` for `def` ("must be …, got …"), or undefined when it is valid. */
export function valueProblem(def: PackOptionDef, value: PackOptionValue): string | undefined {
  const got = `got ${JSON.stringify(value)}`
  const type = def.type
  if (type === undefined) {
    if (isFlag(def)) return typeof value === 'boolean' ? undefined : `must be true or false, ${got}`
    const text = typeof value === 'number' ? String(value) : value
    if (typeof text === 'string' && def.values.includes(text)) return undefined
    return `must be one of ${def.values.map((a) => JSON.stringify(a)).join(', ')}, ${got}`
  }
  switch (type.kind) {
    case 'number':
      if (typeof value === 'number' && def.values.includes(String(value))) return undefined
      return `must be one of ${def.values.join(', ')} (a number), ${got}`
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value) && value >= type.min && value <= type.max)
        return undefined
      return `must be an integer from ${type.min} to ${type.max}${type.note ? ` (${type.note})` : ''}, ${got}`
    case 'template':
      if (typeof value === 'string' && type.pattern.test(value)) return undefined
      return `must be ${type.expected}, ${got}`
    case 'list': {
      if (typeof value !== 'string') return `must be a space-separated string of ${type.of}, ${got}`
      const refused = listItems(value).find((item) => type.refused?.items.includes(item))
      return refused === undefined ? undefined : `may not hold "${refused}": ${type.refused?.why}`
    }
  }
}

const listItems = (text: string): string[] => text.split(' ').filter((s) => s !== '')

/**
 * The first problem with a pack's options under `set`: an unknown key, a bad value, or a requirement
 * that does not hold. Undefined when the set accepts them.
 */
export function packOptionProblem(
  set: PackOptionSet,
  options: Options,
  context: PackOptionContext = {},
): PackOptionProblem | undefined {
  for (const [key, value] of Object.entries(options ?? {})) {
    const def = set.options.find((o) => o.name === key)
    if (!def) {
      if (set.extraKeys.includes(key)) continue
      const known = [...set.options.map((o) => o.name), ...set.extraKeys]
      return { key, kind: 'unknown', problem: `(known: ${known.length === 0 ? 'none' : known.join(', ')})` }
    }
    const problem = valueProblem(def, value)
    if (problem !== undefined) return { key, kind: 'value', problem }
  }
  for (const r of set.requires) {
    const key = r.when.find((k) => options?.[k] !== undefined)
    if (key === undefined) continue
    const actual =
      r.needs.key === 'approvalRequired' ? context.approvalRequired === true : options?.[r.needs.key]
    if (actual !== r.needs.value)
      return {
        key,
        kind: 'requirement',
        problem: `needs ${r.needs.key}: ${JSON.stringify(r.needs.value)} (${r.why})`,
      }
  }
  return undefined
}

type ValuesOf<D extends PackOptionDef, N extends string> = Extract<D, { name: N }>['values'][number]

export interface PackOptions<D extends PackOptionDef> {
  /** The value of a one-of option (as its record lists the values); undefined when absent. */
  choice<N extends D['name']>(name: N): ValuesOf<D, N> | undefined
  /** A true/false option; undefined when absent. */
  flag(name: D['name']): boolean | undefined
  /** A `number` or `integer` option; undefined when absent. */
  number(name: D['name']): number | undefined
  /** A `template` option's text; undefined when absent. */
  text(name: D['name']): string | undefined
  /** A `list` option's items; undefined when absent. */
  list(name: D['name']): string[] | undefined
}

/**
 * A pack's options read against the provider's set: every key, value and cross-field requirement is
 * checked here, at once, in the mock's own words (`<provider>: options.<name> …`); the accessors
 * then only hand out the checked values.
 */
export function readPackOptions<D extends PackOptionDef>(
  set: PackOptionSet<D>,
  options: Options,
  context: PackOptionContext = {},
): PackOptions<D> {
  const found = packOptionProblem(set, options, context)
  if (found?.kind === 'unknown')
    throw new PackOptionError(`${set.provider}: unknown pack option "${found.key}" ${found.problem}`)
  if (found) throw new PackOptionError(`${set.provider}: options.${found.key} ${found.problem}`)
  const value = (name: string) => options?.[name]
  return {
    choice: (name) => {
      const v = value(name)
      return (v === undefined ? undefined : String(v)) as never
    },
    flag: (name) => value(name) as boolean | undefined,
    number: (name) => value(name) as number | undefined,
    text: (name) => value(name) as string | undefined,
    list: (name) => {
      const v = value(name)
      return typeof v === 'string' ? listItems(v) : undefined
    },
  }
}

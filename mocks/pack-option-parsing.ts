/**
 * Reading a pack's provider-specific options (`PackSpec.options`, which reach a mock factory as
 * `MockFactoryInput.options`): every key must be known and every value one of the allowed ones, so a
 * typo in a scenario file fails loudly, naming the provider and the option, instead of silently
 * running the default.
 */

export type PackOptionValue = string | number | boolean

/** Provider-side (mocks/ imports nothing from src/ but clock and ids), so not src/errors.ts's LabError: a mock factory refusing a pack option, naming the option. */
export class PackOptionError extends RangeError {
  override name = 'PackOptionError'
}

/** Refuses any key the provider does not define. */
export function checkOptionKeys(
  provider: string,
  options: Readonly<Record<string, PackOptionValue>> | undefined,
  known: readonly string[],
): void {
  for (const key of Object.keys(options ?? {})) {
    if (!known.includes(key)) {
      throw new PackOptionError(
        `${provider}: unknown pack option "${key}" (known: ${known.length === 0 ? 'none' : known.join(', ')})`,
      )
    }
  }
}

/** One of `allowed` (numbers may arrive as numbers or digit strings); undefined when the option is absent. */
export function enumOption<T extends string>(
  provider: string,
  options: Readonly<Record<string, PackOptionValue>> | undefined,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = options?.[key]
  if (value === undefined) return undefined
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text === 'string' && (allowed as readonly string[]).includes(text)) return text as T
  throw new PackOptionError(
    `${provider}: options.${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`,
  )
}

export function booleanOption(
  provider: string,
  options: Readonly<Record<string, PackOptionValue>> | undefined,
  key: string,
): boolean | undefined {
  const value = options?.[key]
  if (value === undefined) return undefined
  if (typeof value !== 'boolean')
    throw new PackOptionError(
      `${provider}: options.${key} must be true or false, got ${JSON.stringify(value)}`,
    )
  return value
}

/** What `readPackOptions` needs of a quirk record (mocks/quirk.ts): its option's name and values. */
interface OptionQuirk {
  readonly id: string
  readonly option?: { readonly name: string; readonly values: readonly string[] }
}
type OptionOf<Q extends readonly OptionQuirk[]> = NonNullable<Q[number]['option']>
type OptionName<Q extends readonly OptionQuirk[]> = OptionOf<Q>['name']
type OptionValue<Q extends readonly OptionQuirk[], N extends string> = Extract<
  OptionOf<Q>,
  { name: N }
>['values'][number]

export interface PackOptions<Q extends readonly OptionQuirk[]> {
  /** The value of a one-of option (as its quirk record lists the values); undefined when absent. */
  choice<N extends OptionName<Q>>(name: N): OptionValue<Q, N> | undefined
  /** A true/false option; undefined when absent. */
  flag(name: OptionName<Q>): boolean | undefined
}

/**
 * A pack's options read against the provider's quirk records: the names and values are written once,
 * in the records (mocks/<provider>/quirks.ts), and checked once, here; an unknown key or value is
 * refused in the mock's own words. (A factory that kept its own lists checked them a second time,
 * against a copy that could drift from the records.)
 */
export function readPackOptions<const Q extends readonly OptionQuirk[]>(
  provider: string,
  quirks: Q,
  options: Readonly<Record<string, PackOptionValue>> | undefined,
  /** Pack options that are no quirk's (a setup such as Jira's deployment), read by the factory itself. */
  extraKeys: readonly string[] = [],
): PackOptions<Q> {
  const declared = new Map<string, readonly string[]>()
  // A name that is not an identifier describes where a quirk is chosen instead (a scheduled fault).
  for (const q of quirks)
    if (q.option && /^[A-Za-z][A-Za-z0-9]*$/.test(q.option.name)) declared.set(q.option.name, q.option.values)
  checkOptionKeys(provider, options, [...declared.keys(), ...extraKeys])
  return {
    choice: (name) => enumOption(provider, options, name, declared.get(name) ?? []) as never,
    flag: (name) => booleanOption(provider, options, name),
  }
}

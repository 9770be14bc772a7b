/**
 * The product around the token manager, per pack: how the product itself behaves, apart from the
 * manager under test. A misbehaving product or a misconfigured workspace can lose what the manager
 * stored, and the ticket then looks like "prompted every time" although the manager is right. A
 * scenario states it on the pack (`product: { forgetsCredentialsAfterRun: true }`); the world
 * applies it (world.ts) and the oracle reads it as an admin clear (the prompt that follows is
 * expected, not the manager's fault).
 *
 * The settings, their meaning and their checks live here, once: the scenario schema reports a
 * problem at its file:line:col, validatePack refuses an org built in code, and the docs list them.
 */
import { LabError } from '../errors.ts'

export interface ProductSpec {
  /**
   * After every run on this pack, the product clears the teammate's stored credentials (through the
   * same path as an admin clear in the console), so the next run asks to Connect again.
   */
  forgetsCredentialsAfterRun?: boolean
}

interface ProductSetting {
  /** The values it takes, in words, for messages. */
  expects: string
  check: (value: unknown) => boolean
  /** For the docs. */
  meaning: string
}

export const PRODUCT_SETTINGS: Readonly<Record<keyof ProductSpec, ProductSetting>> = {
  forgetsCredentialsAfterRun: {
    expects: 'true or false',
    check: (value) => typeof value === 'boolean',
    meaning:
      "after every run on the pack, the product clears the teammate's stored credentials, as an admin clear would (a misbehaving product or a misconfigured workspace): the next run asks to Connect again",
  },
}

const NAMES = Object.keys(PRODUCT_SETTINGS) as Array<keyof ProductSpec>

export function isProductSetting(key: string): key is keyof ProductSpec {
  return (NAMES as string[]).includes(key)
}

/** One setting's problem in words (unknown name or wrong value), or undefined when it is fine. */
export function productSettingProblem(key: string, value: unknown): string | undefined {
  if (!isProductSetting(key)) return `unknown product setting (known: ${NAMES.join(', ')})`
  const setting = PRODUCT_SETTINGS[key]
  if (!setting.check(value)) return `expected ${setting.expects}, got ${describe(value)}`
  return undefined
}

/** Every problem of a whole `product` value, each with the setting it names (none: the value itself). */
export function productProblems(value: unknown): Array<{ key?: string; message: string }> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [
      { message: `expected a mapping of product settings (${NAMES.join(', ')}), got ${describe(value)}` },
    ]
  const problems: Array<{ key?: string; message: string }> = []
  for (const [key, v] of Object.entries(value)) {
    const message = productSettingProblem(key, v)
    if (message) problems.push({ key, message })
  }
  return problems
}

/** A checked ProductSpec from plain data (an org built in code); throws INVALID_ORG naming the pack. */
export function parseProduct(value: unknown, pack: string): ProductSpec {
  const [problem] = productProblems(value)
  if (problem)
    throw new LabError(
      'INVALID_ORG',
      `pack "${pack}": product${problem.key !== undefined ? `.${problem.key}` : ''}: ${problem.message}`,
    )
  return { ...(value as ProductSpec) }
}

/** Does the product clear the teammate's credentials after each run on this pack? */
export function forgetsAfterRun(product: ProductSpec | undefined): boolean {
  return product?.forgetsCredentialsAfterRun === true
}

/** The settings that are on, in `key: value` words (reports, counterexample headers). */
export function productWords(product: ProductSpec | undefined): string[] {
  if (!product) return []
  return NAMES.filter((k) => product[k] !== undefined).map((k) => `${k}: ${String(product[k])}`)
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (typeof value === 'string') return `"${value}"`
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return String(value)
}

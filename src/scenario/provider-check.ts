/**
 * A scenario's pack checked against its provider at load time, by the provider's own mock: the mock
 * factory validates the options (names and values from its quirk records) and the control surface
 * validates a custom app's policy (a fixed-lifetime provider refuses other lifetimes). The world creates
 * every pack through the same two calls, so what loads is exactly what runs; this only moves the refusal
 * to load time, with the field's position and the list of what the provider accepts.
 */
import { connector, isConnectorId, packOptionRefusal } from '../connectors/registry.ts'
import { packProblem } from '../world/pack-check.ts'
import type { PackSpec } from '../world/types.ts'

export interface ProviderRefusal {
  field: 'options' | 'policy'
  /** The option or policy field (as the file spells it) the refusal is about, when it names one. */
  key?: string
  message: string
}

/** `name` (values; default; what it needs) for each of the provider's pack options, from its mock's PackOptionSet. */
export function validOptionsOf(provider: string): string[] {
  if (!isConnectorId(provider)) return []
  const set = connector(provider).mock.options
  return set.options.map((option) => {
    const needs = set.requires
      .filter((r) => r.when.includes(option.name))
      .map((r) => `; needs ${r.needs.key}: ${JSON.stringify(r.needs.value)}`)
      .join('')
    return `${option.name} (${option.values.join(' | ')}; default ${option.default}${needs})`
  })
}

/** The key of `keys` that `message` names, as `key`, "key", options.key or policy.keyMs. */
function namedKey(message: string, keys: readonly string[]): string | undefined {
  return keys.find((k) => new RegExp(`(^|[^A-Za-z0-9])(${k}|${k}Ms)([^A-Za-z0-9]|$)`).test(message))
}

/** Why the provider refuses this pack, or undefined when its mock accepts it. */
export function providerRefusal(
  pack: PackSpec,
  fileKeys?: { policy?: readonly string[] },
): ProviderRefusal | undefined {
  // The RFC baseline has no quirks, so no options: its factory ignores them, which would hide a typo.
  const stray = pack.provider === 'baseline' ? Object.keys(pack.options ?? {})[0] : undefined
  if (stray !== undefined)
    return {
      field: 'options',
      key: stray,
      message: `baseline pack option "${stray}" is unknown: the RFC baseline has no options (set its token behaviour with policy); valid baseline options: none`,
    }
  // The connector record first (the one source of options: names and values from its quirk
  // records), then the provider's own mock, built exactly as the world builds it.
  const refused = isConnectorId(pack.provider)
    ? packOptionRefusal(pack.provider, pack.options, { approvalRequired: pack.approvalRequired === true })
    : undefined
  if (refused) {
    const valid = validOptionsOf(pack.provider)
    return {
      field: 'options',
      key: refused.key,
      message: `${refused.message}; valid ${pack.provider} options: ${valid.length > 0 ? valid.join(', ') : 'none'}`,
    }
  }
  const problem = packProblem(pack)
  if (!problem) return undefined
  if (problem.field === 'options') {
    const key = namedKey(problem.message, Object.keys(pack.options ?? {}))
    const valid = validOptionsOf(pack.provider)
    return {
      field: 'options',
      ...(key !== undefined ? { key } : {}),
      message: `${problem.message}; valid ${pack.provider} options: ${valid.length > 0 ? valid.join(', ') : 'none'}`,
    }
  }
  const key = namedKey(problem.message, fileKeys?.policy ?? [])
  return {
    field: 'policy',
    ...(key !== undefined ? { key } : {}),
    message: `${problem.message}${policyHint(pack.provider)}`,
  }
}

/** What a provider does accept instead of the refused policy. */
function policyHint(provider: string): string {
  const valid = validOptionsOf(provider)
  return valid.length > 0
    ? `; valid ${provider} options (they set its token behaviour): ${valid.join(', ')}`
    : ''
}

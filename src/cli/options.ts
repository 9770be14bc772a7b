import type { ProviderId } from '../manager/contract.ts'
import { isRuleId, RULES } from '../rules/catalogue/index.ts'
import type { RuleId } from '../rules/types.ts'
import { PROVIDER_IDS } from '../world/org.ts'
import { LabError } from '../errors.ts'

export function parseIntegerOption(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new LabError('USAGE', `${name} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new LabError('USAGE', `${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

/** "--provider jira,slack --provider google" -> ['jira','slack','google'], each checked against the known list. */
export function parseProviders(values: readonly string[] | undefined): ProviderId[] | undefined {
  if (!values || values.length === 0) return undefined
  const ids = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
  for (const id of ids) {
    if (!(PROVIDER_IDS as readonly string[]).includes(id))
      throw new LabError('USAGE', `--provider: unknown provider "${id}" (known: ${PROVIDER_IDS.join(', ')})`)
  }
  return [...new Set(ids)] as ProviderId[]
}

export function parseRules(values: readonly string[] | undefined): RuleId[] | undefined {
  if (!values || values.length === 0) return undefined
  const ids = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
  for (const id of ids) {
    if (!isRuleId(id))
      throw new LabError(
        'USAGE',
        `--rule: unknown rule "${id}" (known: ${RULES.map((r) => r.id).join(', ')})`,
      )
  }
  return [...new Set(ids)] as RuleId[]
}

import type { ProviderId } from '../manager/contract.ts'
import { connectorIds, isConnectorId, unsupportedSetupOf } from '../connectors/registry.ts'
import { LabError } from '../errors.ts'
import { parseProduct } from './product.ts'
import type { OrgSpec, PackSpec } from './types.ts'

/** The built-in providers, in registry order (src/connectors/registry.ts). */
export const PROVIDER_IDS: readonly ProviderId[] = connectorIds()

/**
 * Setups the source page says are not supported for actions (each connector record's
 * `unsupportedSetups`). Refused when the pack is defined, with the reason (rule `unsupported-setup-rejected`).
 */
export function unsupportedSetupReason(pack: PackSpec): string | undefined {
  return unsupportedSetupOf(pack)?.reason
}

export function validatePack(pack: PackSpec): void {
  if (!pack.id || !/^[a-z0-9][a-z0-9-]*$/.test(pack.id))
    throw new LabError('INVALID_ORG', `pack id "${pack.id}" must be lowercase letters, digits and dashes`)
  if (!isConnectorId(pack.provider))
    throw new LabError(
      'UNKNOWN_PROVIDER',
      `pack "${pack.id}": unknown provider "${pack.provider}" (known: ${connectorIds().join(', ')})`,
    )
  if (pack.setup !== 'central' && pack.setup !== 'custom')
    throw new LabError('INVALID_ORG', `pack "${pack.id}": setup must be "central" or "custom"`)
  if (pack.setup === 'central' && pack.policy)
    throw new LabError(
      'INVALID_ORG',
      `pack "${pack.id}": a central app uses the provider's default policy; only a custom app can set one`,
    )
  if (pack.product !== undefined) parseProduct(pack.product, pack.id)
  const reason = unsupportedSetupReason(pack)
  if (reason) throw new LabError('UNSUPPORTED_SETUP', `pack "${pack.id}": ${reason}`)
}

export function validateOrg(org: OrgSpec): void {
  if (org.teammates.length === 0) throw new LabError('INVALID_ORG', 'an org needs at least one teammate')
  if (new Set(org.teammates).size !== org.teammates.length)
    throw new LabError('INVALID_ORG', 'teammate names must be unique')
  for (const t of org.teammates)
    if (!/^[a-z][a-z0-9_-]*$/.test(t))
      throw new LabError('INVALID_ORG', `teammate "${t}" must be a lowercase name`)
  if (org.packs.length === 0) throw new LabError('INVALID_ORG', 'an org needs at least one pack')
  const ids = new Set<string>()
  for (const pack of org.packs) {
    validatePack(pack)
    if (ids.has(pack.id)) throw new LabError('INVALID_ORG', `pack id "${pack.id}" is used twice`)
    ids.add(pack.id)
  }
}

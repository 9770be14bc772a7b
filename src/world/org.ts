import type { ProviderId } from '../manager/contract.ts'
import { LabError } from '../errors.ts'
import type { OrgSpec, PackSpec } from './types.ts'

export const PROVIDER_IDS: readonly ProviderId[] = [
  'baseline',
  'jira',
  'slack',
  'salesforce',
  'google',
  'zendesk',
  'databricks',
]

/**
 * Setups the source page says are not supported for actions. Refused when the pack is defined, with
 * the reason (rule `unsupported-setup-rejected`).
 */
export function unsupportedSetupReason(pack: PackSpec): string | undefined {
  if (pack.provider === 'jira' && pack.options?.['deployment'] === 'data_center')
    return 'Jira Data Center (on-premises) is not supported for actions; use Jira Cloud or Jira Service Management Cloud'
  if (pack.provider === 'slack' && pack.setup === 'central')
    return 'Slack actions use custom OAuth only: create a Slack app for your workspace and choose the Custom setup'
  if (pack.provider === 'google' && pack.options?.['domainWideDelegation'] === true)
    return 'Google actions use OAuth user authentication and do not support domain-wide delegation'
  return undefined
}

export function validatePack(pack: PackSpec): void {
  if (!pack.id || !/^[a-z0-9][a-z0-9-]*$/.test(pack.id))
    throw new LabError('INVALID_ORG', `pack id "${pack.id}" must be lowercase letters, digits and dashes`)
  if (!PROVIDER_IDS.includes(pack.provider))
    throw new LabError(
      'UNKNOWN_PROVIDER',
      `pack "${pack.id}": unknown provider "${pack.provider}" (known: ${PROVIDER_IDS.join(', ')})`,
    )
  if (pack.setup !== 'central' && pack.setup !== 'custom')
    throw new LabError('INVALID_ORG', `pack "${pack.id}": setup must be "central" or "custom"`)
  if (pack.setup === 'central' && pack.policy)
    throw new LabError(
      'INVALID_ORG',
      `pack "${pack.id}": a central app uses the provider's default policy; only a custom app can set one`,
    )
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

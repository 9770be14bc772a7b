import type { ProviderId } from '../../manager/contract.ts'
import { LabError } from '../../errors.ts'
import type { RuleDefinition, RuleId } from '../types.ts'
import { adminReset } from './admin-reset.ts'
import { connectResolves } from './connect-resolves.ts'
import { expiryPromptsOnce } from './expiry-prompts-once.ts'
import { longLivedStaysQuiet } from './long-lived-stays-quiet.ts'
import { noExpiredTokenPresented } from './no-expired-token-presented.ts'
import { noSecretLeaks } from './no-secret-leaks.ts'
import { packIsolation } from './pack-isolation.ts'
import { pendingRules } from './pending.ts'
import { policySetsThePace } from './policy-sets-the-pace.ts'
import { siteApprovalGate } from './site-approval-gate.ts'
import { triageMatchesTable } from './triage-matches-table.ts'
import { unsupportedSetupRejected } from './unsupported-setup-rejected.ts'
import { revocationPrompts } from './revocation-prompts.ts'
import { rotationIsDurable } from './rotation-is-durable.ts'
import { secretMismatchIsAdmin } from './secret-mismatch-is-admin.ts'
import { silentRefresh } from './silent-refresh.ts'
import { transientNeverPrompts } from './transient-never-prompts.ts'
import { zendeskOptsIntoExpiringTokens } from './zendesk-opts-into-expiring-tokens.ts'

/** The rule catalogue, in DESIGN.md section 5 order. Ids are stable: reports and baselines key on them. */
export const RULES: readonly RuleDefinition[] = [
  silentRefresh,
  expiryPromptsOnce,
  revocationPrompts,
  secretMismatchIsAdmin,
  siteApprovalGate,
  packIsolation,
  adminReset,
  longLivedStaysQuiet,
  rotationIsDurable,
  ...pendingRules,
  policySetsThePace,
  transientNeverPrompts,
  connectResolves,
  unsupportedSetupRejected,
  triageMatchesTable,
  noSecretLeaks,
  noExpiredTokenPresented,
  zendeskOptsIntoExpiringTokens,
]

export function ruleById(id: string): RuleDefinition {
  const rule = RULES.find((r) => r.id === id)
  if (!rule)
    throw new LabError('UNKNOWN_RULE', `unknown rule "${id}" (known: ${RULES.map((r) => r.id).join(', ')})`)
  return rule
}

export function ruleAppliesTo(rule: RuleDefinition, provider: ProviderId): boolean {
  return rule.providers === 'all' || rule.providers.includes(provider)
}

/** A rule is checked by the suite when it has a per-step or whole-trace judge or a standalone check. */
export function ruleIsChecked(rule: RuleDefinition): boolean {
  return rule.judge !== undefined || rule.judgeTrace !== undefined || rule.standalone !== undefined
}

export function isRuleId(id: string): id is RuleId {
  return RULES.some((r) => r.id === id)
}

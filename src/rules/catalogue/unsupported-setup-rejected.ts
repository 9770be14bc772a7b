import type { ProviderId } from '../../manager/contract.ts'
import { LabError } from '../../world/errors.ts'
import { validatePack } from '../../world/org.ts'
import type { PackSpec } from '../../world/types.ts'
import type { RuleDefinition, StandaloneResult } from '../types.ts'

/** Each unsupported setup, a supported neighbour that must still be accepted, and words the refusal must contain. */
const CASES: Partial<Record<ProviderId, { refused: PackSpec; accepted: PackSpec; mustSay: RegExp }>> = {
  jira: {
    refused: { id: 'jira-dc', provider: 'jira', setup: 'custom', options: { deployment: 'data_center' } },
    accepted: { id: 'jira-cloud', provider: 'jira', setup: 'custom', options: { deployment: 'cloud' } },
    mustSay: /Data Center.*not supported/i,
  },
  slack: {
    refused: { id: 'slack-central', provider: 'slack', setup: 'central' },
    accepted: { id: 'slack-custom', provider: 'slack', setup: 'custom' },
    mustSay: /custom OAuth only/i,
  },
  google: {
    refused: {
      id: 'google-dwd',
      provider: 'google',
      setup: 'central',
      options: { domainWideDelegation: true },
    },
    accepted: { id: 'google-oauth', provider: 'google', setup: 'central' },
    mustSay: /domain-wide delegation/i,
  },
}

export const unsupportedSetupRejected: RuleDefinition = {
  id: 'unsupported-setup-rejected',
  statement:
    'Jira Data Center, Slack with a central app, and Google domain-wide delegation are refused when the pack is defined, with a message saying why.',
  source:
    'Troubleshooting page: Jira "Data Center (on-premises) isn\'t supported for actions"; Slack "actions use custom OAuth only"; Google "don\'t support Domain-wide Delegation".',
  providers: ['jira', 'slack', 'google'],
  subject: 'harness',
  standalone: async ({ provider }) => checkUnsupportedSetups(provider),
}

/**
 * The check itself, over an injectable validator: the harness's own pack validation by default, a
 * broken one in the test that shows this rule failing (src/rules/catalogue/unsupported-setup-rejected.test.ts).
 */
export function checkUnsupportedSetups(
  provider: ProviderId,
  validate: (pack: PackSpec) => void = validatePack,
): StandaloneResult {
  const c = CASES[provider]
  if (!c) return { status: 'skip', runs: 0, checks: 0 }
  let refusal: unknown
  try {
    validate(c.refused)
  } catch (error) {
    refusal = error
  }
  const problems: string[] = []
  if (!(refusal instanceof LabError) || refusal.code !== 'UNSUPPORTED_SETUP')
    problems.push('the unsupported setup was accepted')
  else if (!c.mustSay.test(refusal.message))
    problems.push(`the refusal does not say why: "${refusal.message}"`)
  try {
    validate(c.accepted)
  } catch (error) {
    problems.push(`a supported setup was refused: ${error instanceof Error ? error.message : String(error)}`)
  }
  return problems.length === 0
    ? { status: 'pass', runs: 1, checks: 2 }
    : { status: 'fail', runs: 1, checks: 2, note: problems.join('; ') }
}

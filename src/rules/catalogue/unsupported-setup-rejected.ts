import type { ProviderId } from '../../manager/contract.ts'
import { connector } from '../../connectors/registry.ts'
import { LabError } from '../../errors.ts'
import { validatePack } from '../../world/org.ts'
import type { PackSpec } from '../../world/types.ts'
import type { RuleDefinition, StandaloneResult } from '../types.ts'

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
  // Each unsupported setup of the provider's connector record, with a supported neighbour that must pass.
  const cases = connector(provider).unsupportedSetups
  if (cases.length === 0) return { status: 'skip', runs: 0, checks: 0 }
  const problems: string[] = []
  for (const c of cases) {
    let refusal: unknown
    try {
      validate(c.refused)
    } catch (error) {
      refusal = error
    }
    if (!(refusal instanceof LabError) || refusal.code !== 'UNSUPPORTED_SETUP')
      problems.push('the unsupported setup was accepted')
    else if (!c.mustSay.test(refusal.message))
      problems.push(`the refusal does not say why: "${refusal.message}"`)
    try {
      validate(c.accepted)
    } catch (error) {
      problems.push(
        `a supported setup was refused: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }
  const runs = cases.length
  const checks = 2 * cases.length
  return problems.length === 0
    ? { status: 'pass', runs, checks }
    : { status: 'fail', runs, checks, note: problems.join('; ') }
}

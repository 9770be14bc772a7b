import { allQuirks } from '../../../mocks/quirk-registry.ts'
import { connector, isConnectorId } from '../../connectors/registry.ts'
import { RULES, ruleAppliesTo, ruleIsChecked } from '../../rules/catalogue/index.ts'
import { profiledProviders } from '../../suite/profiles.ts'
import { providersWithMocks } from '../../world/mock-registry.ts'
import { PROVIDER_IDS } from '../../world/org.ts'
import { type CliIo, EXIT_OK } from '../io.ts'

/** `reconnect-lab list`: providers with their quirks, then the rules and where each applies. */
export function listCommand(io: CliIo): number {
  const mocks = new Set(providersWithMocks())
  const profiled = new Set(profiledProviders())
  const lines: string[] = ['Providers and their quirks (mocks/<provider>/quirks.ts):', '']
  for (const provider of PROVIDER_IDS) {
    const state = mocks.has(provider)
      ? profiled.has(provider)
        ? 'mock + suite'
        : 'mock only'
      : 'not available yet'
    lines.push(`${provider} (${state})`)
    const quirks = allQuirks().filter((q) => q.provider === provider)
    if (provider === 'baseline')
      lines.push('  RFC 6749/6750/7009/7636/8414 as written: the reference every quirk departs from')
    for (const q of quirks) {
      const mode = q.kind === 'default' ? 'default' : `option ${q.option?.name}=${q.option?.default}`
      lines.push(`  ${q.id.padEnd(44)} ${q.summary} [${mode}]`)
    }
    // The pack options that are no quirk's, from the same set the mock reads its options through.
    const set = isConnectorId(provider) ? connector(provider).mock.options : undefined
    for (const o of set?.options ?? []) {
      if (o.quirk !== undefined) continue
      const needs = set?.requires.filter((r) => r.when.includes(o.name)).map((r) => `; needs ${r.needs.key}`)
      lines.push(
        `  ${`option ${o.name}`.padEnd(44)} ${o.why ?? ''} [${o.values.join(' | ')}; default ${o.default}${needs?.join('') ?? ''}]`,
      )
    }
    lines.push('')
  }
  lines.push('Rules (src/rules/catalogue/):', '')
  for (const rule of RULES) {
    const where = PROVIDER_IDS.filter((p) => ruleAppliesTo(rule, p))
    lines.push(`${rule.id}${ruleIsChecked(rule) ? '' : ' (not checked yet)'}`)
    lines.push(`  ${rule.statement}`)
    lines.push(`  applies to: ${where.join(', ')}`)
    lines.push('')
  }
  io.out(`${lines.join('\n')}\n`)
  return EXIT_OK
}

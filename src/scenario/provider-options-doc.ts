/**
 * The "valid options and policies per provider" table of docs/SUPPORT.md, generated from the same
 * machinery the load-time check uses: option names and values from the quirk records, and whether a
 * custom app's `policy` is accepted asked of each provider's own mock. A test fails when the doc is stale.
 */
import { PROVIDER_IDS } from '../world/org.ts'
import { providerRefusal, validOptionsOf } from './provider-check.ts'

export const OPTIONS_BEGIN = '<!-- generated: provider-options (npx tsx scripts/support-doc.ts) -->'
export const OPTIONS_END = '<!-- end generated: provider-options -->'

/** A custom app's policy, as a support engineer would first try it: a 7-day idle refresh lifetime. */
const PROBE_POLICY = { refreshIdleTtlMs: 7 * 24 * 60 * 60 * 1000 }

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function providerOptionsTable(): string {
  const rows = PROVIDER_IDS.map((provider) => {
    const options = validOptionsOf(provider)
    const refused = providerRefusal({ id: 'probe', provider, setup: 'custom', policy: PROBE_POLICY })
    const policy = refused
      ? `refused: ${(refused.message.split('; valid')[0] ?? refused.message).trim()}`
      : 'accepted (custom app only)'
    const list = options.length > 0 ? options.map((o) => `\`${o}\``).join('<br>') : 'none'
    return `| \`${provider}\` | ${cell(list)} | ${cell(policy)} |`
  })
  return [
    '| provider | `options` (values; default) | `policy: { refreshIdleTtl: 7d }` on a custom app |',
    '|---|---|---|',
    ...rows,
  ].join('\n')
}

/** `doc` with the generated section replaced (it must have both markers). */
export function withProviderOptions(doc: string): string {
  const start = doc.indexOf(OPTIONS_BEGIN)
  const end = doc.indexOf(OPTIONS_END)
  if (start < 0 || end < start) throw new Error('docs/SUPPORT.md lacks the provider-options markers')
  return `${doc.slice(0, start + OPTIONS_BEGIN.length)}\n${providerOptionsTable()}\n${doc.slice(end)}`
}

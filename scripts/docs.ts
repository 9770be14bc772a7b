/**
 * Regenerates the README's generated sections (rule catalogue, fidelity table) from the code, so the
 * README cannot drift: `npm run docs` writes them, and a test fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLIENT_REQUIREMENTS } from '../mocks/client-requirements.ts'
import { allQuirks } from '../mocks/quirk-registry.ts'
import { RULES, ruleIsChecked } from '../src/rules/catalogue/index.ts'

const ROOT = join(import.meta.dirname, '..')
const README = join(ROOT, 'README.md')

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function rulesTable(): string {
  const rows = RULES.map((r) => {
    const where = r.providers === 'all' ? 'every provider' : r.providers.join(', ')
    const how = [
      r.judge ? 'per step' : '',
      r.judgeTrace ? 'whole trace' : '',
      r.standalone ? 'scripted/standalone' : '',
    ]
      .filter(Boolean)
      .join(' + ')
    return `| \`${r.id}\` | ${escapeCell(r.statement)} | ${where} | ${ruleIsChecked(r) ? how : 'not checked yet'} |`
  })
  return ['| id | rule | applies to | checked |', '|---|---|---|---|', ...rows].join('\n')
}

export function fidelityTable(): string {
  const rows = allQuirks().map(
    (q) =>
      `| \`${q.id}\` | ${q.provider} | ${escapeCell(q.summary)} | ${escapeCell(q.source)} | \`mocks/${q.provider}/${q.provider}.test.ts\` | ${
        q.kind === 'default' ? 'default' : `option \`${q.option?.name}\` (default \`${q.option?.default}\`)`
      } |`,
  )
  return [
    '| quirk | provider | behaviour | source | test | default or option |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    clientRequirementsTable(),
  ].join('\n')
}

/** What each mock (and `serve`) requires of an OAuth client (mocks/client-requirements.ts; docs/SERVE.md). */
export function clientRequirementsTable(): string {
  const rows = CLIENT_REQUIREMENTS.map(
    (r) =>
      `| ${r.provider} | ${escapeCell(r.pkce)} | ${r.loginHint} | ${escapeCell(r.tokenBody)} | ${escapeCell(r.discovery)} |`,
  )
  return [
    '| provider | PKCE | login_hint | token request body | discovery |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n')
}

export function renderReadme(current: string): string {
  const replace = (text: string, name: string, body: string) => {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const i = text.indexOf(start)
    const j = text.indexOf(end)
    if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} ... ${end} markers`)
    return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`
  }
  return replace(replace(current, 'rules', rulesTable()), 'fidelity', fidelityTable())
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const current = readFileSync(README, 'utf8')
  const next = renderReadme(current)
  if (next !== current) writeFileSync(README, next)
  console.log(next === current ? 'README.md is up to date' : 'README.md regenerated')
}

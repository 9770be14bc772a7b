/**
 * Regenerates the docs' generated sections from the code, so the docs cannot drift: the rule
 * catalogue in README.md and the fidelity table in docs/FIDELITY.md. `npm run docs` writes them, and
 * a test fails when one is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CLIENT_REQUIREMENTS } from '../mocks/client-requirements.ts'
import { allQuirks } from '../mocks/quirk-registry.ts'
import { RULES, ruleIsChecked } from '../src/rules/catalogue/index.ts'

const ROOT = join(import.meta.dirname, '..')
/** Each generated section: the file it lives in, its marker name, and how to render it. */
export const GENERATED: ReadonlyArray<{ file: string; marker: string; render: () => string }> = [
  { file: 'README.md', marker: 'rules', render: () => rulesTable() },
  { file: 'docs/FIDELITY.md', marker: 'fidelity', render: () => fidelityTable() },
]

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

/** `current` (the text of `file`) with each of its generated sections rendered afresh. */
export function renderDoc(file: string, current: string): string {
  let text = current
  for (const section of GENERATED.filter((g) => g.file === file)) {
    const start = `<!-- ${section.marker}:start -->`
    const end = `<!-- ${section.marker}:end -->`
    const i = text.indexOf(start)
    const j = text.indexOf(end)
    if (i < 0 || j < i) throw new Error(`${file} lacks the ${start} ... ${end} markers`)
    text = `${text.slice(0, i + start.length)}\n${section.render()}\n${text.slice(j)}`
  }
  return text
}

export function generatedFiles(): string[] {
  return [...new Set(GENERATED.map((g) => g.file))]
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  for (const file of generatedFiles()) {
    const path = join(ROOT, file)
    const current = readFileSync(path, 'utf8')
    const next = renderDoc(file, current)
    if (next !== current) writeFileSync(path, next)
    console.log(next === current ? `${file} is up to date` : `${file} regenerated`)
  }
}

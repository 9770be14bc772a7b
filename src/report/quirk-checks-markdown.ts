import type { QuirkCheckRow } from '../suite/quirk-checks.ts'

const ICON = { pass: '✅ pass', fail: '❌ fail' } as const

/** summary.md: the targeted checks for quirks generated timelines cannot reach. */
export function renderQuirkChecksMarkdown(rows: readonly QuirkCheckRow[]): string[] {
  return [
    '',
    '## Quirk checks (scripted)',
    '',
    '| quirk | provider | status | checks | situation |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.quirk}\` | ${r.provider} | ${ICON[r.status]} | ${r.checks} | ${r.title}${r.note ? `: ${r.note}` : ''} |`,
    ),
  ]
}

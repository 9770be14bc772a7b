/**
 * The timeline as Markdown for a GitHub job summary (`cat timeline.md >> $GITHUB_STEP_SUMMARY`):
 * the triage verdict, one row per teammate and pack with a strip of symbols and counts, and the rules
 * broken. Bounded in size (GitHub caps a step summary at 1 MiB), redacted like the HTML.
 */
import { redactPage, type TimelinePage } from './timeline-html.ts'
import { buildTimelineModel, type MarkTone, type TimelineMark, type TimelineModel } from './timeline-model.ts'

/** At most this many sections and this many symbols per strip, so the summary stays small. */
export const MARKDOWN_MAX_SECTIONS = 20
export const MARKDOWN_MAX_STRIP = 48

const RUN_SYMBOL: Record<MarkTone, string> = {
  ok: '✓',
  prompt: '!',
  admin: 'A',
  support: 'S',
  retry: '…',
  error: '✗',
  lost: '?',
  event: '·',
}

export const MARKDOWN_LEGEND =
  '`✓` ok · `!` asked to reconnect · `A` ask your admin · `S` contact support · `…` retry later · `✗` manager error · ' +
  '`↻` refresh · `↯` refresh refused · `?` refresh answer lost · `C` Connect · `⊘` Connect failed · `R` revoke · `X` admin reset · ' +
  '`|` long wait'

function symbol(m: TimelineMark): string {
  switch (m.kind) {
    case 'run':
      return RUN_SYMBOL[m.tone]
    case 'refresh':
      return m.tone === 'ok' ? '↻' : m.tone === 'lost' ? '?' : '↯'
    case 'connect':
      return m.tone === 'ok' ? 'C' : '⊘'
    case 'world':
      return m.label.startsWith('revoked') ? 'R' : m.label === 'admin reset' ? 'X' : '·'
  }
}

export function renderTimelineMarkdown(input: TimelinePage): string {
  const page = redactPage(input)
  const lines = [`## ${cell(page.title)}`, '', ...(page.subtitle ?? []).map((s) => `${cell(s)}  `)]
  if (page.sections.length === 0) {
    lines.push('', page.empty ?? 'No timeline to show.', '')
    return lines.join('\n')
  }
  const shown = page.sections.slice(0, MARKDOWN_MAX_SECTIONS)
  for (const input of shown) lines.push('', ...section(buildTimelineModel(input)))
  if (page.sections.length > shown.length)
    lines.push('', `… and ${page.sections.length - shown.length} more timelines in timeline.html`)
  lines.push('', `<sub>${MARKDOWN_LEGEND}</sub>`, '')
  return lines.join('\n')
}

function section(model: TimelineModel): string[] {
  const out = [`### ${cell(model.title)}`, '']
  for (const n of model.notes) out.push(`${cell(n)}  `)
  out.push(
    `**Triage: ${model.triage.verdict}**${model.triage.lines.length > 0 ? '' : ' (nothing to act on)'}`,
  )
  for (const l of model.triage.lines) out.push(`- ${cell(l)}`)
  out.push(
    '',
    '| teammate / pack | timeline | runs | ok | prompts | Connects | refreshes | trouble |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
  )
  const foldedBefore = new Set(model.slots.flatMap((s, i) => (s.folded ? [i] : [])))
  for (const lane of model.lanes) {
    if (lane.kind !== 'teammate') continue
    const marks = model.marks
      .filter((m) => m.lane === lane.id)
      .sort((a, b) => a.slot - b.slot || a.order - b.order)
    let strip = ''
    let count = 0
    let lastSlot = -1
    for (const m of marks) {
      if (count >= MARKDOWN_MAX_STRIP) {
        strip += '…'
        break
      }
      if (m.slot !== lastSlot && [...foldedBefore].some((f) => f > lastSlot && f <= m.slot) && lastSlot >= 0)
        strip += '|'
      strip += symbol(m)
      lastSlot = m.slot
      count++
    }
    const runs = marks.filter((m) => m.kind === 'run')
    const trouble = marks.filter(
      (m) => (m.kind === 'run' || m.kind === 'connect') && m.tone !== 'ok' && m.tone !== 'prompt',
    ).length
    out.push(
      `| ${cell(lane.label)} | ${strip ? `\`${strip}\`` : ''} | ${runs.length} | ${runs.filter((m) => m.tone === 'ok').length} | ${
        runs.filter((m) => m.tone === 'prompt').length
      } | ${marks.filter((m) => m.kind === 'connect' && m.tone === 'ok').length} | ${
        marks.filter((m) => m.kind === 'refresh' && m.tone === 'ok').length
      } | ${trouble} |`,
    )
  }
  const world = model.marks.filter(
    (m) => m.kind === 'world' && !model.lanes.some((l) => l.id === m.lane && l.kind === 'teammate'),
  )
  if (world.length > 0) {
    const listed = world
      .slice(0, 12)
      .map((m) => `${model.slots[m.slot]?.at ?? ''} ${m.label} (${m.lane.replace(/^source:/, '')})`)
    out.push(
      '',
      `World events: ${cell(listed.join('; '))}${world.length > 12 ? `; … ${world.length - 12} more` : ''}`,
    )
  }
  if (model.broken.length > 0) out.push('', ...model.broken.slice(0, 10).map((b) => `- ✗ ${cell(b)}`))
  return out
}

/** Text safe in a Markdown table cell and in a heading: no pipes, no newlines, no HTML. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

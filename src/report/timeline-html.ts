/**
 * The timeline picture: a single self-contained HTML page (inline CSS, inline SVG, a few lines of
 * inline script, and a Content-Security-Policy that forbids every fetch), so it can be attached to a
 * CI run or a ticket and opened anywhere without a request leaving the page. Pure: model in, string out.
 */
import { redactSecrets } from '../redact.ts'
import {
  buildTimelineModel,
  type MarkTone,
  type TimelineInput,
  type TimelineMark,
  type TimelineModel,
} from './timeline-model.ts'

export interface TimelinePage {
  title: string
  /** Lines under the page title (manager, seed, ...). */
  subtitle?: string[]
  sections: TimelineInput[]
  /** Shown when there is no section (e.g. a run in which no rule failed). */
  empty?: string
}

const LABEL_W = 200
const HEAD_H = 64
const LANE_H = 36
const SLOT_W = 42
const FOLD_W = 54
const MAX_GAP_W = 42
const TICK_SPACING = 72
const GAP_LABEL_SPACING = 36

export const TONE_COLORS: Record<MarkTone, string> = {
  ok: '#2e9e5b',
  prompt: '#e8912d',
  admin: '#d64545',
  support: '#8e44ad',
  retry: '#8a96a3',
  error: '#1f2328',
  lost: '#ffffff',
  event: '#34495e',
}

const LEGEND: Array<{ kind: TimelineMark['kind']; tone: MarkTone; text: string; letter?: string }> = [
  { kind: 'run', tone: 'ok', text: 'run: ok (silent)' },
  { kind: 'run', tone: 'prompt', text: 'run: asked to reconnect' },
  { kind: 'run', tone: 'admin', text: 'blocked: ask your admin' },
  { kind: 'run', tone: 'support', text: 'blocked: contact support' },
  { kind: 'run', tone: 'retry', text: 'retry later' },
  { kind: 'run', tone: 'error', text: 'manager error or crash' },
  { kind: 'refresh', tone: 'ok', text: 'refresh' },
  { kind: 'refresh', tone: 'error', text: 'refresh refused' },
  { kind: 'refresh', tone: 'lost', text: 'refresh answer lost' },
  { kind: 'connect', tone: 'ok', text: 'Connect' },
  { kind: 'connect', tone: 'admin', text: 'Connect failed (coloured by its outcome)' },
  {
    kind: 'world',
    tone: 'event',
    text: 'world event (R revoke, K secret rotated, U secret updated, F fault, A approval, X admin reset, D other devices signed in, I indexing, ⟳ restart, † crash, S store fault)',
    letter: 'R',
  },
]

export function renderTimelineHtml(input: TimelinePage): string {
  const page = redactPage(input)
  const models = page.sections.map(buildTimelineModel)
  const body =
    models.length > 0
      ? models.map(renderSection).join('\n')
      : `<p class="empty">${esc(page.empty ?? 'No timeline to show.')}</p>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(page.title)}</h1>
${(page.subtitle ?? []).map((l) => `<p class="sub">${esc(l)}</p>`).join('\n')}
${renderLegend()}
</header>
<main>
${body}
</main>
<aside id="detail" aria-live="polite"><strong>Details</strong><pre>Hover over a mark, or click it, to see what happened at that step.</pre></aside>
<script>${SCRIPT}</script>
</body>
</html>
`
}

function renderSection(model: TimelineModel, index: number): string {
  const xs: number[] = []
  const gaps: Array<{ x: number; w: number; folded: boolean; gapMs: number }> = []
  let x = 16
  for (const slot of model.slots) {
    if (slot.gapMs > 0) {
      const w = slot.folded ? FOLD_W : 10 + Math.round((slot.gapMs / (6 * 3600_000)) * (MAX_GAP_W - 10))
      gaps.push({ x, w, folded: slot.folded, gapMs: slot.gapMs })
      x += w
    }
    xs.push(x + SLOT_W / 2)
    x += SLOT_W
  }
  const width = x + 16
  const height = HEAD_H + model.lanes.length * LANE_H + 8
  const laneY = new Map(model.lanes.map((l, i) => [l.id, HEAD_H + i * LANE_H + LANE_H / 2]))

  const rows = model.lanes
    .map((l, i) => {
      const y = HEAD_H + i * LANE_H
      return `<rect class="lane-bg lane-${l.kind}" x="0" y="${y}" width="100%" height="${LANE_H}"/><line class="lane-line" x1="0" x2="100%" y1="${y + LANE_H / 2}" y2="${y + LANE_H / 2}"/>`
    })
    .join('')
  const labels = model.lanes
    .map((l, i) => {
      const y = HEAD_H + i * LANE_H
      return `<g class="lane-label" data-lane="${esc(l.id)}" data-lane-kind="${l.kind}"><rect class="lane-bg lane-${l.kind}" x="0" y="${y}" width="${LABEL_W}" height="${LANE_H}"/><text x="10" y="${y + LANE_H / 2 + 4}">${esc(l.label)}</text></g>`
    })
    .join('')
  // Labels that would overlap their left neighbour are left out (the detail of every mark still says when it happened).
  let lastGapLabel = -Infinity
  const gapMarks = gaps
    .map((g) => {
      const mid = g.x + g.w / 2
      const label = `+${shortDuration(g.gapMs)}`
      const zig = g.folded
        ? `<path class="fold" d="M${mid - 5} ${HEAD_H - 6} l6 -8 M${mid + 1} ${HEAD_H - 6} l6 -8"/><line class="fold-band" x1="${mid}" x2="${mid}" y1="${HEAD_H}" y2="${height}"/>`
        : ''
      const roomy = mid - lastGapLabel >= GAP_LABEL_SPACING
      if (roomy) lastGapLabel = mid
      const text = roomy
        ? `<text class="gap-label" x="${mid}" y="${HEAD_H - 18}" text-anchor="middle">${esc(label)}</text>`
        : ''
      return `<g class="gap${g.folded ? ' folded' : ''}" data-gap-ms="${g.gapMs}">${zig}${text}<title>${esc(`${label} of world time${g.folded ? ' (folded: not to scale)' : ''}`)}</title></g>`
    })
    .join('')
  let lastTick = -Infinity
  const ticks = model.slots
    .map((s, i) => {
      const x = xs[i] ?? 0
      if (!(s.gapMs > 0 || i === 0) || x - lastTick < TICK_SPACING) return ''
      lastTick = x
      return `<text class="tick" x="${x}" y="${HEAD_H - 4}" text-anchor="middle">${esc(s.at.replace(/^day /, 'd'))}</text>`
    })
    .join('')
  const marks = model.marks.map((m) => renderMark(m, xs, laneY)).join('')
  const verdict = model.triage.verdict
  return `<section class="timeline" id="timeline-${index}" data-verdict="${esc(verdict)}">
<h2>${esc(model.title)}</h2>
${model.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('\n')}
<div class="triage verdict-${esc(verdict)}"><span class="badge">triage: ${esc(verdictWords(verdict))}</span>${
    model.triage.lines.length > 0
      ? `<ul>${model.triage.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : ''
  }</div>
${model.broken.length > 0 ? `<ul class="broken-rules">${model.broken.map((b) => `<li>✗ ${esc(b)}</li>`).join('')}</ul>` : ''}
<div class="chart">
<svg class="labels" xmlns="http://www.w3.org/2000/svg" width="${LABEL_W}" height="${height}" role="img" aria-label="lanes">${labels}</svg>
<div class="scroll"><svg class="lanes" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(`timeline of ${model.slots.length} steps`)}">${rows}${gapMarks}${ticks}${marks}</svg></div>
</div>
${model.log ? `<details class="log"><summary>${esc(model.log.title)}</summary><pre>${esc(model.log.lines.join('\n'))}</pre></details>` : ''}
</section>`
}

function renderMark(m: TimelineMark, xs: readonly number[], laneY: ReadonlyMap<string, number>): string {
  const cx = (xs[m.slot] ?? 0) + (m.kind === 'refresh' ? -16 : 0) + (m.order > 1 ? (m.order - 1) * 4 : 0)
  const cy = laneY.get(m.lane) ?? 0
  const detail = m.detail.join('\n')
  const ring = m.broken.length > 0 ? `<circle class="broken" cx="${cx}" cy="${cy}" r="13"/>` : ''
  return `<g class="mark ${m.kind} tone-${m.tone}${m.broken.length > 0 ? ' is-broken' : ''}" tabindex="0" data-kind="${m.kind}" data-tone="${m.tone}" data-lane="${esc(m.lane)}" data-step="${m.stepIndex}" data-detail="${esc(detail)}"><title>${esc(`${m.label}\n${detail}`)}</title>${ring}${shape(m.kind, m.tone, cx, cy, m.label)}</g>`
}

function shape(kind: TimelineMark['kind'], tone: MarkTone, cx: number, cy: number, label: string): string {
  const fill = TONE_COLORS[tone]
  const stroke = tone === 'lost' ? '#5b6570' : '#ffffff'
  const dash = tone === 'lost' ? ' stroke-dasharray="2 2"' : ''
  switch (kind) {
    case 'run':
      return `<circle cx="${cx}" cy="${cy}" r="8" fill="${fill}" stroke="${stroke}" stroke-width="1.5"${dash}/>${
        tone === 'prompt' ? `<text class="glyph" x="${cx}" y="${cy + 4}" text-anchor="middle">!</text>` : ''
      }`
    case 'refresh':
      return `<path d="M${cx} ${cy - 6} L${cx + 6} ${cy} L${cx} ${cy + 6} L${cx - 6} ${cy} Z" fill="${fill}" stroke="${stroke === '#ffffff' ? '#5b6570' : stroke}" stroke-width="1"${dash}/>`
    case 'connect':
      return `<path d="M${cx} ${cy - 9} L${cx + 9} ${cy + 7} L${cx - 9} ${cy + 7} Z" fill="${tone === 'ok' ? '#2f6fdb' : fill}" stroke="#ffffff" stroke-width="1.5"/>`
    case 'world':
      return `<rect x="${cx - 8}" y="${cy - 8}" width="16" height="16" rx="3" fill="${fill}"/><text class="glyph" x="${cx}" y="${cy + 4}" text-anchor="middle">${esc(worldLetter(label))}</text>`
  }
}

/** The page's own texts, redacted like the sections' (the model redacts those). */
export function redactPage(page: TimelinePage): TimelinePage {
  const clean = (text: string) => redactSecrets(text)
  return {
    ...page,
    title: clean(page.title),
    ...(page.subtitle ? { subtitle: page.subtitle.map(clean) } : {}),
    ...(page.empty !== undefined ? { empty: clean(page.empty) } : {}),
  }
}

/** The letter inside a world-event mark (the legend lists them). */
export function worldLetter(label: string): string {
  if (label.startsWith('revoked')) return 'R'
  if (label === 'secret rotated') return 'K'
  if (label === 'secret updated') return 'U'
  if (label.startsWith('fault')) return 'F'
  if (label === 'app approved') return 'A'
  if (label === 'admin reset') return 'X'
  if (label.startsWith('indexing')) return 'I'
  if (label === 'restart') return '⟳'
  if (label.endsWith('crashed')) return '†'
  if (label.startsWith('store')) return 'S'
  if (label.startsWith('signed in on')) return 'D'
  return '•'
}

function renderLegend(): string {
  const items = LEGEND.map((item) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="22" aria-hidden="true">${shape(item.kind, item.tone, 12, 11, item.letter === 'R' ? 'revoked' : '')}</svg>`
    return `<li class="legend-item" data-kind="${item.kind}" data-tone="${item.tone}">${svg}<span>${esc(item.text)}</span></li>`
  })
  items.push(
    `<li class="legend-item" data-kind="broken"><svg xmlns="http://www.w3.org/2000/svg" width="24" height="22" aria-hidden="true"><circle class="broken" cx="12" cy="11" r="9"/></svg><span>a rule broke at this step</span></li>`,
    `<li class="legend-item" data-kind="fold"><svg xmlns="http://www.w3.org/2000/svg" width="24" height="22" aria-hidden="true"><path class="fold" d="M7 17 l6 -10 M12 17 l6 -10"/></svg><span>long wait, folded (label gives the real time)</span></li>`,
  )
  return `<ul class="legend">${items.join('')}</ul>`
}

function verdictWords(verdict: string): string {
  if (verdict === 'no_action') return 'no action needed'
  if (verdict === 'admin') return 'the admin must act'
  if (verdict === 'support') return 'contact support'
  return verdict
}

function shortDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ]
  const parts: string[] = []
  let rest = ms
  for (const [u, size] of units) {
    const n = Math.floor(rest / size)
    if (n > 0 && parts.length < 2) {
      parts.push(`${n}${u}`)
      rest -= n * size
    }
  }
  return parts.length > 0 ? parts.join('') : `${ms}ms`
}

export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
body{margin:0;padding:20px 24px 140px}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:16px;margin:0 0 8px}
.sub,.note{margin:2px 0;color:#57606a;font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;padding:10px 12px;margin:12px 0;background:#fff;border:1px solid #d0d7de;border-radius:6px;font-size:12px}
.legend-item{display:flex;align-items:center;gap:4px}
.timeline{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:14px 16px;margin:0 0 18px}
.triage{margin:6px 0 10px;font-size:13px}
.triage ul{margin:4px 0 0 18px;padding:0}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff;background:#2e9e5b}
.verdict-admin .badge{background:#d64545}
.verdict-support .badge{background:#8e44ad}
.broken-rules{color:#b42318;font-size:13px;margin:4px 0 10px 18px;padding:0}
.chart{display:flex;border:1px solid #d0d7de;border-radius:4px;overflow:hidden}
.labels{flex:none;border-right:1px solid #d0d7de;font-size:12px}
.scroll{overflow-x:auto;flex:1}
.scroll svg{min-width:100%;display:block}
.lane-bg{fill:#ffffff}
.lane-source{fill:#f3f4f6}
.lane-manager{fill:#eef2f7}
.lane-line{stroke:#e3e6ea;stroke-width:1}
.lane-label text{font-weight:500;fill:#24292f}
.tick{font-size:10px;fill:#57606a}
.gap-label{font-size:10px;fill:#8c959f}
.fold{stroke:#8c959f;stroke-width:1.5;fill:none}
.fold-band{stroke:#d0d7de;stroke-width:6;opacity:.45}
.glyph{font-size:10px;font-weight:700;fill:#fff;pointer-events:none}
.broken{fill:none;stroke:#d1242f;stroke-width:2.5;stroke-dasharray:4 2}
.mark{cursor:pointer;outline:none}
.mark:hover circle,.mark:hover path,.mark:hover rect,.mark:focus circle,.mark:focus path,.mark:focus rect{filter:brightness(1.15);stroke:#0969da;stroke-width:2}
#detail{position:fixed;right:16px;bottom:16px;width:min(560px,90vw);max-height:40vh;overflow:auto;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;box-shadow:0 4px 14px rgba(0,0,0,.12);font-size:12px}
#detail pre{white-space:pre-wrap;margin:4px 0 0;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.log{margin-top:8px;font-size:12px}
.log pre{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.empty{font-size:14px;color:#57606a}
`

const SCRIPT = `
(function(){
  var pre=document.querySelector('#detail pre');
  function show(e){var g=e.target.closest&&e.target.closest('.mark');if(g){pre.textContent=g.getAttribute('data-detail');document.querySelectorAll('.mark.selected').forEach(function(m){m.classList.remove('selected')});g.classList.add('selected')}}
  document.addEventListener('click',show);
  document.addEventListener('focusin',show);
  document.addEventListener('mouseover',show);
})();
`

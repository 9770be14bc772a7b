import { describe, expect, it } from 'vitest'
import { brokenRule, busyDay, morningLoop, roughNight } from './testing/timeline-traces.ts'
import { renderTimelineHtml } from './timeline-html.ts'
import { renderTimelineMarkdown } from './timeline-markdown.ts'
import { buildTimelineModel, FOLD_AFTER_MS } from './timeline-model.ts'
import { triageTrace } from '../triage.ts'

describe('timeline model', () => {
  it('draws one lane per teammate and pack, plus the source and manager lanes that had events', async () => {
    const { org, trace } = await busyDay()
    const model = buildTimelineModel({ title: 'busy day', org, trace })
    expect(model.lanes.map((l) => l.id)).toEqual(['manager', 'source:crm', 'alice@crm', 'bob@crm'])
    const kinds = (lane: string) =>
      model.marks.filter((m) => m.lane === lane).map((m) => `${m.kind}:${m.tone}`)
    expect(kinds('source:crm')).toEqual(['world:event', 'world:event', 'world:event'])
    expect(model.marks.filter((m) => m.lane === 'source:crm').map((m) => m.label)).toEqual([
      'fault: token HTTP 503',
      'secret rotated',
      'secret updated',
    ])
    expect(kinds('manager')).toEqual(['world:event'])
    expect(kinds('alice@crm')).toContain('connect:ok')
    expect(kinds('alice@crm')).toContain('refresh:ok')
    expect(kinds('alice@crm')).toContain('run:prompt') // after the revoke
    expect(kinds('alice@crm')).toContain('world:event') // the revoke itself
    expect(kinds('bob@crm')).toContain('run:admin') // secret rotated, not yet updated
    // The concurrent step puts one run on each teammate's lane, in the same slot.
    const last = model.slots.length - 1
    expect(model.marks.filter((m) => m.slot === last && m.kind === 'run').map((m) => m.lane)).toEqual([
      'alice@crm',
      'bob@crm',
    ])
  })

  it('draws lost answers, crashes and store outages', async () => {
    const { org, trace } = await roughNight()
    const model = buildTimelineModel({ title: 'rough night', org, trace })
    const labels = model.marks.map((m) => `${m.lane} ${m.kind}:${m.tone} ${m.label}`)
    expect(labels).toContain('source:crm world:event fault: token commit then drop')
    expect(labels).toContain('alice@crm refresh:lost refresh answer lost')
    expect(labels).toContain('manager world:event store fails writes')
    // One manager process: instance 1 is process 0 again, so the crash (of "1") is process 0's and
    // takes both runs with it; no label names a process that does not exist.
    expect(labels).toContain('manager world:event P0 crashed')
    expect(labels).toContain('alice@crm run:error crashed on P0')
    expect(labels).toContain('bob@crm run:error crashed on P0')
    expect(labels.filter((l) => l.includes('P1'))).toEqual([])
    // Told the process count, the model takes the indexes modulo it, as the world does.
    const told = buildTimelineModel({ title: 'rough night', org, trace, instances: 1 })
    expect(told.marks.map((m) => m.label)).toContain('P0 crashed')
    expect(labels).toContain('bob@crm run:retry retry later')
  })

  it('folds waits longer than six hours and keeps shorter ones to scale', async () => {
    const { org, trace } = await busyDay()
    const model = buildTimelineModel({ title: 'busy day', org, trace })
    const gaps = model.slots.filter((s) => s.gapMs > 0)
    expect(gaps.map((s) => [s.gapMs, s.folded])).toEqual([
      [2 * 3_600_000, false],
      [3 * 86_400_000, true],
      [2 * 3_600_000, false],
    ])
    expect(FOLD_AFTER_MS).toBe(6 * 3_600_000)
    expect(model.slots[0]?.at).toBe('day 1 09:00')
  })

  it('rings the step that broke a rule and lists the rule', async () => {
    const played = await brokenRule()
    expect(played.violations.map((v) => v.rule)).toEqual(['silent-refresh'])
    const model = buildTimelineModel({ title: 'ce', ...played })
    const ringed = model.marks.filter((m) => m.broken.length > 0)
    expect(ringed.map((m) => `${m.lane} ${m.kind}:${m.tone}`)).toEqual(['alice@crm run:prompt'])
    expect(model.broken[0]).toMatch(/^silent-refresh: /)
    expect(ringed[0]?.detail.some((l) => l.startsWith('✗ silent-refresh'))).toBe(true)
  })

  it('carries the triage verdict of src/triage.ts, finding by finding', async () => {
    for (const played of [await morningLoop(), await busyDay()]) {
      const model = buildTimelineModel({ title: 'loop', ...played })
      const triage = triageTrace(played.trace, played.org)
      expect(model.triage.verdict).toBe(triage.verdict)
      expect(model.triage.lines).toHaveLength(triage.findings.length)
    }
    // busyDay's secret rotation blocks bob until the admin updates the secret.
    const busy = buildTimelineModel({ title: 'busy', ...(await busyDay()) })
    expect(busy.triage.verdict).toBe('admin')
    expect(busy.triage.lines.join('\n')).toContain('bob@crm')
  })

  it('redacts secrets wherever a manager put them', async () => {
    const { org, trace } = await busyDay()
    const leaky = trace.map((step) =>
      step.event.type === 'run' && step.result.kind === 'outcome' && step.result.outcome.kind === 'ok'
        ? {
            ...step,
            result: {
              kind: 'outcome' as const,
              outcome: {
                kind: 'blocked' as const,
                contact: 'admin' as const,
                reason: 'token at_41 / xoxb-1-abc / s3cr3t-value',
              },
            },
          }
        : step,
    )
    const page = {
      title: 'leak at_7',
      sections: [
        {
          title: 'rt_9 here',
          org,
          trace: leaky,
          secrets: ['s3cr3t-value'],
          log: {
            title: 'what the suite saw',
            lines: ['+0s run(alice, crm) -> blocked(admin: s3cr3t-value at_41)'],
          },
        },
      ],
    }
    for (const text of [renderTimelineHtml(page), renderTimelineMarkdown(page)]) {
      for (const secret of ['at_41', 'xoxb-1-abc', 's3cr3t-value', 'at_7', 'rt_9'])
        expect(text).not.toContain(secret)
      expect(text).toContain('[redacted]')
    }
  })
})

describe('timeline HTML', () => {
  it('is one self-contained page: no external reference, a CSP that forbids fetching, a legend', async () => {
    const { org, trace } = await busyDay()
    const html = renderTimelineHtml({ title: 'busy day', sections: [{ title: 'busy', org, trace }] })
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain("default-src 'none'")
    // Only the SVG namespace URI may look like an address; nothing is loaded from anywhere.
    const urls = html.match(/(?:https?:)?\/\/[^\s"'<>)]+/g) ?? []
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([])
    expect(html).not.toMatch(/<(?:link|img|iframe|object|embed)\b/)
    expect(html).not.toMatch(/\bsrc=/)
    expect(html).toContain('class="legend"')
    expect(html).toContain('data-lane="alice@crm"')
    expect(html).toContain('triage: ')
  })

  it('folds a text log under the picture when one is given', async () => {
    const { org, trace } = await busyDay()
    const html = renderTimelineHtml({
      title: 't',
      sections: [
        { title: 's', org, trace, log: { title: 'what the suite saw', lines: ['line one', 'line two'] } },
      ],
    })
    expect(html).toContain(
      '<details class="log"><summary>what the suite saw</summary><pre>line one\nline two</pre></details>',
    )
  })

  it('escapes markup that came from the trace', async () => {
    const { org, trace } = await busyDay()
    const html = renderTimelineHtml({
      title: '<script>alert(1)</script>',
      sections: [{ title: '"><b>x', org, trace }],
    })
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('"><b>x')
    expect(html).toContain('&lt;script&gt;')
  })

  it('says so when there is nothing to draw', () => {
    const html = renderTimelineHtml({ title: 't', sections: [], empty: 'No rule failed.' })
    expect(html).toContain('No rule failed.')
    expect(renderTimelineMarkdown({ title: 't', sections: [], empty: 'No rule failed.' })).toContain(
      'No rule failed.',
    )
  })
})

describe('timeline Markdown', () => {
  it('fits a job summary: verdict, a strip and counts per teammate and pack, the broken rule', async () => {
    const loop = await morningLoop()
    const ce = await brokenRule()
    const md = renderTimelineMarkdown({
      title: 'reconnect-lab timelines',
      sections: [
        { title: 'morning loop', ...loop },
        { title: 'counterexample', ...ce },
      ],
    })
    expect(md).toMatch(/\*\*Triage: (no_action|admin|support)\*\*/)
    const row = md.split('\n').find((l) => l.startsWith('| alice@crm |'))
    expect(row).toMatch(/\| `C✓↻✓[^`]*!C/)
    expect(row).toContain('|') // the folded nights show as a bar in the strip
    expect(md).toContain('- ✗ silent-refresh: ')
    expect(md.length).toBeLessThan(8_000)
  })

  it('stays bounded however many timelines there are', async () => {
    const loop = await morningLoop()
    const sections = Array.from({ length: 60 }, (_, i) => ({ title: `t${i}`, ...loop }))
    const md = renderTimelineMarkdown({ title: 'many', sections })
    expect(md).toContain('… and 40 more timelines')
    expect(md.length).toBeLessThan(60_000)
  })
})

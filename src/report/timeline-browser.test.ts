/**
 * The timeline page in a real browser: Debian's chromium (never a downloaded one), headless, with an
 * empty profile. It renders the file as a user would open it (file://), takes a screenshot, checks
 * the lanes, marks, legend and triage are on screen, that clicking a mark shows its detail, and that
 * no request left the page. Skipped, saying why, where /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokenRule, busyDay } from './testing/timeline-traces.ts'
import { renderTimelineHtml } from './timeline-html.ts'

export const CHROMIUM_PATH = '/usr/bin/chromium'
const available = existsSync(CHROMIUM_PATH)
const why = available
  ? ''
  : ` (skipped: ${CHROMIUM_PATH} is not installed; \`apt-get install chromium\`, as .ci/run does)`

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
]

describe.skipIf(!available)(`timeline.html in headless chromium${why}`, () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reconnect-lab-timeline-'))
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('renders lanes, marks, legend and triage, shows detail on click, and requests nothing', async () => {
    const busy = await busyDay()
    const ce = await brokenRule()
    const html = renderTimelineHtml({
      title: 'reconnect-lab timelines',
      subtitle: ['manager reference, seed 1'],
      sections: [
        { title: 'a busy day on a rotating custom app', ...busy },
        { title: 'counterexample: silent-refresh', ...ce },
      ],
    })
    const file = join(dir, 'timeline.html')
    await writeFile(file, html)
    const url = pathToFileURL(file).href

    const profile = join(dir, 'profile')
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    })
    try {
      const requested: string[] = []
      const failed: string[] = []
      context.on('request', (r) => requested.push(r.url()))
      context.on('requestfailed', (r) => failed.push(r.url()))
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      await page.goto(url, { waitUntil: 'load' })

      // Lanes: the manager, the pack's source and one per teammate and pack, in each section.
      const lanes = await page
        .locator('#timeline-0 .lane-label')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')))
      expect(lanes).toEqual(['manager', 'source:crm', 'alice@crm', 'bob@crm'])
      expect(await page.locator('#timeline-1 .lane-label').count()).toBe(1)

      // Marks of every kind, each drawn with a visible box.
      for (const kind of ['run', 'refresh', 'connect', 'world'] as const) {
        const marks = page.locator(`#timeline-0 .mark[data-kind="${kind}"]`)
        expect(await marks.count(), kind).toBeGreaterThan(0)
        const box = await marks.first().boundingBox()
        expect(box?.width ?? 0, kind).toBeGreaterThan(4)
      }
      expect(await page.locator('#timeline-0 .mark[data-tone="prompt"]').count()).toBeGreaterThan(0)
      expect(await page.locator('#timeline-0 .mark[data-tone="admin"]').count()).toBeGreaterThan(0)
      expect(await page.locator('#timeline-0 .gap.folded').count()).toBe(1)
      expect(await page.locator('#timeline-1 .mark.is-broken').count()).toBe(1)

      // Legend and triage are on screen.
      expect(await page.locator('.legend .legend-item').count()).toBeGreaterThanOrEqual(12)
      await expect.poll(() => page.locator('#timeline-0 .badge').textContent()).toContain('triage:')

      // Click the broken step: the detail panel says which rule broke and why.
      await page.locator('#timeline-1 .mark.is-broken').click()
      const detail = await page.locator('#detail pre').textContent()
      expect(detail).toContain('✗ silent-refresh')
      expect(detail).toContain('event: run(alice, crm)')

      const shot = join(dir, 'timeline.png')
      await page.screenshot({ path: shot, fullPage: true })
      expect((await stat(shot)).size).toBeGreaterThan(10_000)

      expect(errors).toEqual([])
      expect(failed).toEqual([])
      expect(requested).toEqual([url])
    } finally {
      await context.close()
    }
  })
})

import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../program.ts'
import { captureIo } from '../testing/capture-io.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
/** A known-bug manager that secret-mismatch-is-admin catches quickly on the baseline. */
const MUTANT = join(ROOT, 'scenarios/mutants/invalid-client-sends-to-connect.ts')
const FAST = ['--provider', 'baseline', '--rule', 'secret-mismatch-is-admin', '--runs', '40', '--seed', '3']

async function cli(argv: string[], cwd?: string) {
  const dir = cwd ?? (await mkdtemp(join(tmpdir(), 'rl-timeline-')))
  const io = captureIo(dir)
  const code = await runCli(argv, io)
  return { code, io, dir }
}

describe('timeline pictures from the CLI', () => {
  it('run draws every counterexample file into timeline.html and summarizes it in summary.md; replay draws its file', async () => {
    const { code, io, dir } = await cli(['run', '--manager', MUTANT, ...FAST, '--report-dir', 'out'])
    expect(code).toBe(1)
    expect(io.stderr).toContain('timeline.html')
    expect((await readdir(join(dir, 'out'))).sort()).toEqual([
      'counterexamples',
      'report.json',
      'summary.md',
      'timeline.html',
    ])
    const html = await readFile(join(dir, 'out', 'timeline.html'), 'utf8')
    expect(html).toContain('secret-mismatch-is-admin on baseline')
    expect(html).toContain('file: counterexamples/secret-mismatch-is-admin-baseline.yaml')
    expect(html).toContain(
      'replay: reconnect-lab replay out/counterexamples/secret-mismatch-is-admin-baseline.yaml',
    )
    // The picture is the file's replay: the step that broke the rule is ringed, a secret rotation is drawn.
    expect(html).toMatch(/class="mark [a-z]+ tone-[a-z]+ is-broken"/)
    expect(html).toContain('data-lane="source:baseline"')
    const summary = await readFile(join(dir, 'out', 'summary.md'), 'utf8')
    expect(summary).toContain('### secret-mismatch-is-admin on baseline')
    expect(summary).toMatch(/\*\*Triage: (admin|no_action|support)\*\*/)

    const replay = await cli(
      ['replay', 'out/counterexamples/secret-mismatch-is-admin-baseline.yaml', '--manager', MUTANT],
      dir,
    )
    expect(replay.code).toBe(1)
    expect(replay.io.stderr).toContain(
      'timeline: reports/latest/timelines/secret-mismatch-is-admin-baseline.html',
    )
    const picture = await readFile(
      join(dir, 'reports/latest/timelines/secret-mismatch-is-admin-baseline.html'),
      'utf8',
    )
    expect(picture).toMatch(/is-broken/)
    const chosen = await cli(
      ['replay', 'out/counterexamples/secret-mismatch-is-admin-baseline.yaml', '--timeline', 'pic/ce.html'],
      dir,
    )
    expect(chosen.code).toBe(0) // the reference manager passes the same timeline
    expect(await readFile(join(dir, 'pic/ce.html'), 'utf8')).not.toMatch(/is-broken/)
  })

  it('scenario draws one page per file, the whole play with its verdicts, and honours --timeline-dir', async () => {
    const library = (name: string) => join(ROOT, 'scenarios/library', `${name}.yaml`)
    const { code, io, dir } = await cli([
      'scenario',
      library('databricks-7-day-default-ttl'),
      library('provider-outage'),
    ])
    expect(code).toBe(0)
    expect(io.stderr).toContain('timeline: reports/latest/timelines/databricks-7-day-default-ttl.html')
    expect(io.stderr).toContain('timeline: reports/latest/timelines/provider-outage.html')
    const page = await readFile(
      join(dir, 'reports/latest/timelines/databricks-7-day-default-ttl.html'),
      'utf8',
    )
    // The whole timeline: the second weekly prompt (day 17) is drawn, and the file's verdicts are noted.
    expect(page).toContain('d17 09:00')
    expect(page).toContain('✓ expected triage the admin (prompted-every-time)')
    expect(page).toContain('data-lane="alice@dbx"')
    const chosen = await cli(['scenario', library('provider-outage'), '--timeline-dir', 'pics'], dir)
    expect(chosen.code).toBe(0)
    expect(chosen.io.stderr).toContain('timeline: pics/provider-outage.html')
    expect(await readFile(join(dir, 'pics/provider-outage.html'), 'utf8')).toContain('support')
  })

  it('a run in which nothing failed still writes a page that says so (no stale picture)', async () => {
    const { code, dir } = await cli(['run', ...FAST, '--report-dir', 'out'])
    expect(code).toBe(0)
    const html = await readFile(join(dir, 'out', 'timeline.html'), 'utf8')
    expect(html).toContain('No rule failed with manager reference')
    expect(await readFile(join(dir, 'out', 'summary.md'), 'utf8')).not.toContain('Triage:')
  })
})

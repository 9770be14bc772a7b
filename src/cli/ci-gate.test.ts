import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './program.ts'
import { captureIo } from './testing/capture-io.ts'

const ROOT = join(import.meta.dirname, '..', '..')
/** A known-bug manager that only secret-mismatch-is-admin catches, quickly. */
const MUTANT = join(ROOT, 'scenarios/mutants/invalid-client-sends-to-connect.ts')
const FAST = ['--provider', 'baseline', '--rule', 'secret-mismatch-is-admin,admin-reset', '--runs', '40']

async function cli(argv: string[], cwd?: string) {
  const dir = cwd ?? (await mkdtemp(join(tmpdir(), 'rl-gate-')))
  const io = captureIo(dir)
  const code = await runCli(argv, io)
  return { code, io, dir }
}

function withoutTimes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => (key === 'durationMs' ? undefined : v))
}

describe('run --manager and reporters', () => {
  it('puts a module under test, writes the chosen reporters and a replayable counterexample', async () => {
    const { code, io, dir } = await cli([
      'run',
      '--manager',
      MUTANT,
      '--seed',
      '3',
      ...FAST,
      '--reporter',
      'pretty,json,junit,markdown',
      '--report-dir',
      'out',
    ])
    expect(code).toBe(1)
    expect(io.stdout).toMatch(/secret-mismatch-is-admin\s+baseline\s+FAIL/)
    expect(io.stdout).toMatch(/admin-reset\s+baseline\s+pass/)
    expect(io.stdout).toContain('out/counterexamples/secret-mismatch-is-admin-baseline.yaml')
    expect((await readdir(join(dir, 'out'))).sort()).toEqual([
      'counterexamples',
      'junit.xml',
      'report.json',
      'summary.md',
    ])
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'))
    expect(report.manager).toMatch(/scenarios\/mutants\/invalid-client-sends-to-connect\.ts$/)
    expect(report.counterexampleFiles).toEqual([
      expect.objectContaining({
        rule: 'secret-mismatch-is-admin',
        provider: 'baseline',
        file: 'counterexamples/secret-mismatch-is-admin-baseline.yaml',
        reproduced: true,
      }),
    ])
    expect(await readFile(join(dir, 'out', 'junit.xml'), 'utf8')).toContain('<failure type="RuleViolation"')

    // The file replays on the same manager and shows the same failure, step by step.
    const ce = report.rules.find((r: { id: string }) => r.id === 'secret-mismatch-is-admin').counterexample
    const replay = await cli(
      ['replay', 'out/counterexamples/secret-mismatch-is-admin-baseline.yaml', '--manager', MUTANT],
      dir,
    )
    expect(replay.code).toBe(1)
    const shown = replay.io.stdout.split('\n').map((l) => l.trim())
    for (const line of ce.lines as string[])
      if (!line.trim().startsWith('✗')) expect(shown).toContain(line.trim())
    expect(replay.io.stdout).toContain('✗ secret-mismatch-is-admin broken at step')
    expect(replay.io.stdout).toContain(
      'as expected (the file says it is expected to break secret-mismatch-is-admin)',
    )
    // ...and the reference manager passes the same timeline.
    const reference = await cli(['replay', 'out/counterexamples/secret-mismatch-is-admin-baseline.yaml'], dir)
    expect(reference.code).toBe(0)
    expect(reference.io.stdout).toContain('NOT as expected')
  })

  it('prints the table and writes report.json and summary.md by default; an explicit list replaces that', async () => {
    const { code, io, dir } = await cli(['run', '--seed', '3', ...FAST, '--report-dir', 'out'])
    expect(code).toBe(0)
    expect(io.stdout).toMatch(/admin-reset\s+baseline\s+pass/)
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['report.json', 'summary.md', 'timeline.html'])
    const onlyTable = await cli([
      'run',
      '--seed',
      '3',
      ...FAST,
      '--reporter',
      'pretty',
      '--report-dir',
      'out',
    ])
    expect(onlyTable.code).toBe(0)
    expect(await readdir(join(onlyTable.dir, 'out'))).toEqual([])
  })

  it('gives the same report for the same seed (times aside)', async () => {
    const args = [
      'run',
      '--manager',
      MUTANT,
      '--seed',
      '11',
      ...FAST,
      '--reporter',
      'json',
      '--report-dir',
      'out',
    ]
    const first = await cli(args)
    const second = await cli(args)
    const a = JSON.parse(await readFile(join(first.dir, 'out', 'report.json'), 'utf8'))
    const b = JSON.parse(await readFile(join(second.dir, 'out', 'report.json'), 'utf8'))
    expect(a.summary.failed).toBe(1)
    expect(withoutTimes(a)).toEqual(withoutTimes(b))
    const yaml = 'out/counterexamples/secret-mismatch-is-admin-baseline.yaml'
    expect(await readFile(join(first.dir, yaml), 'utf8')).toBe(await readFile(join(second.dir, yaml), 'utf8'))
  })

  it('reports a bad manager module as a usage error with one clear line', async () => {
    const { code, io } = await cli([
      'run',
      '--manager',
      join(ROOT, 'src/manager/testing/adapters/throws-in-constructor.ts'),
      ...FAST,
    ])
    expect(code).toBe(2)
    expect(io.stderr).toMatch(
      /^reconnect-lab: .*throws-in-constructor\.ts: createManager\(env\) threw Error: TOKEN_DB_URL is not set\n {6}at readConfig/,
    )
    expect(io.stderr).not.toMatch(/src\/(cli|suite|world|manager\/load)/)
  })

  it("reports a manager's errors in every output with its secrets redacted", async () => {
    const { code, io, dir } = await cli([
      'run',
      '--manager',
      join(ROOT, 'src/manager/testing/adapters/throws-in-run.ts'),
      '--seed',
      '2',
      '--provider',
      'baseline',
      '--rule',
      'silent-refresh',
      '--runs',
      '20',
      '--reporter',
      'pretty,json,junit,markdown',
      '--report-dir',
      'out',
    ])
    expect(code).toBe(1)
    expect(io.stdout).toContain(
      'throws-in-run.ts: run(alice, baseline) threw Error: refresh exploded while holding [redacted]',
    )
    const outputs = [io.stdout, io.stderr]
    for (const name of ['report.json', 'junit.xml', 'summary.md'])
      outputs.push(await readFile(join(dir, 'out', name), 'utf8'))
    for (const name of await readdir(join(dir, 'out', 'counterexamples')))
      outputs.push(await readFile(join(dir, 'out', 'counterexamples', name), 'utf8'))
    for (const text of outputs) expect(text).not.toMatch(/\b(rt|at|code)_\d+\b/)
  })
})

describe('the baseline gate on the command line', () => {
  it('passes with the failures listed, fails on a stale entry and on a new failure, saying which', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-gate-'))
    const run = (...extra: string[]) =>
      cli(
        [
          'run',
          '--manager',
          MUTANT,
          '--seed',
          '3',
          ...FAST,
          '--reporter',
          'pretty,junit',
          '--report-dir',
          'out',
          ...extra,
        ],
        dir,
      )

    // Adopt the gate: write the current failures as the baseline.
    const adopt = await run('--write-baseline', 'baseline.yaml')
    expect(adopt.code).toBe(1)
    expect(await readFile(join(dir, 'baseline.yaml'), 'utf8')).toContain(
      '- rule: secret-mismatch-is-admin\n    provider: baseline',
    )

    const known = await run('--baseline', 'baseline.yaml')
    expect(known.code).toBe(0)
    expect(known.io.stdout).toContain('baseline baseline.yaml: gate passed')
    expect(known.io.stdout).toContain('known failure: secret-mismatch-is-admin on baseline')

    // A listed pair that passes now is stale: the gate fails until the entry goes.
    await writeFile(
      join(dir, 'stale.yaml'),
      'knownFailures:\n  - { rule: secret-mismatch-is-admin, provider: baseline }\n  - { rule: admin-reset, provider: baseline }\n',
    )
    const stale = await run('--baseline', 'stale.yaml')
    expect(stale.code).toBe(1)
    expect(stale.io.stdout).toContain(
      'STALE entry: admin-reset on baseline passes now; remove it from the baseline (stale.yaml:3)',
    )
    expect(await readFile(join(dir, 'out', 'junit.xml'), 'utf8')).toContain('type="StaleBaselineEntry"')

    // A failure the baseline does not list is new.
    await writeFile(join(dir, 'empty.yaml'), 'knownFailures: []\n')
    const fresh = await run('--baseline', 'empty.yaml')
    expect(fresh.code).toBe(1)
    expect(fresh.io.stdout).toContain(
      'NEW failure: secret-mismatch-is-admin on baseline (not in the baseline)',
    )

    // A bad baseline is a usage error naming the file, line and field.
    await writeFile(join(dir, 'bad.yaml'), 'knownFailures:\n  - rule: admin-reset\n    provider: myspace\n')
    const bad = await run('--baseline', 'bad.yaml')
    expect(bad.code).toBe(2)
    expect(bad.io.stderr).toContain('bad.yaml:3:15: knownFailures[0].provider: expected one of')
  })
})

describe('replay of hand-written scenarios', () => {
  it("plays a support engineer's timeline and reports a bad one with file, line and field", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-replay-'))
    await writeFile(
      join(dir, 'ticket.yaml'),
      `id: ticket-4711
title: Alice is asked to reconnect after the admin reset Bob
org:
  teammates: [alice, bob]
  packs:
    - { id: crm, provider: baseline, setup: custom, policy: { accessTokenTtl: 1h } }
timeline:
  - connect: alice@crm
  - connect: bob@crm
  - at: day 1 10:30
    clear_credentials: bob@crm
  - at: +2h
    run: alice@crm
  - run: bob@crm
expect:
  violates: []
`,
    )
    const ok = await cli(['replay', 'ticket.yaml'], dir)
    expect(ok.code).toBe(0)
    expect(ok.io.stdout).toContain(
      'replaying ticket.yaml: Alice is asked to reconnect after the admin reset Bob',
    )
    expect(ok.io.stdout).toMatch(/\+3h30m\s+run\(alice, crm\) -> ok/)
    expect(ok.io.stdout).toMatch(/run\(bob, crm\) -> connect_required\(not_connected\)/)
    expect(ok.io.stdout).toContain('✓ no rule broken in 5 steps')

    const broken = await cli(
      ['replay', 'ticket.yaml', '--manager', join(ROOT, 'scenarios/mutants/reset-clears-everyone.ts')],
      dir,
    )
    expect(broken.code).toBe(1)
    expect(broken.io.stdout).toMatch(/✗ .*admin-reset.* broken at step 4 of 5/)

    await writeFile(
      join(dir, 'bad.yaml'),
      'id: bad\norg:\n  teammates: [alice]\n  packs: [{ id: crm, provider: baseline, setup: custom }]\ntimeline:\n  - run: alice@crm\n    at: next tuesday\n',
    )
    const bad = await cli(['replay', 'bad.yaml'], dir)
    expect(bad.code).toBe(2)
    expect(bad.io.stderr).toContain('bad.yaml:7:9: timeline[0].at: not a time: "next tuesday"')
    expect(bad.io.stderr).not.toMatch(/\n\s+at /)
  })
})

/** CI details of `run`: outputs checked before the suite starts, and a run that checked nothing is not green. */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT_NOTHING_CHECKED, EXIT_USAGE } from '../io.ts'
import { runCli } from '../program.ts'
import { captureIo } from '../testing/capture-io.ts'

async function cli(argv: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'rl-run-ci-'))
  const io = captureIo(dir)
  const code = await runCli(
    // A fixed seed: one random timeline may hold no run at all, and then nothing is checked (exit 4).
    ['run', '--runs', '1', '--seed', '1', '--provider', 'baseline', '--rule', 'silent-refresh', ...argv],
    io,
  )
  return { code, io, dir }
}

describe('run checks its outputs before the suite starts', () => {
  it.each([
    [
      ['--report-dir', '/proc/x'],
      '--report-dir /proc/x: cannot create the directory (the file system refuses it)',
    ],
    [['--report-dir', '/proc/x/y/z'], '--report-dir /proc/x/y/z: cannot create the directory'],
    [['--report-dir', 'taken/sub'], '--report-dir taken/sub: taken is a file, not a directory'],
    [
      ['--write-baseline', 'nowhere/b.yaml'],
      '--write-baseline nowhere/b.yaml: its directory nowhere does not exist',
    ],
    [['--write-baseline', '.'], '--write-baseline .: is a directory; give a file name'],
  ])('%j: exit 2, one line, nothing run', async (args, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-run-ci-'))
    await writeFile(join(dir, 'taken'), 'a file')
    const io = captureIo(dir)
    const code = await runCli(
      ['run', '--runs', '1', '--provider', 'baseline', '--rule', 'silent-refresh', ...args],
      io,
    )
    expect(code).toBe(EXIT_USAGE)
    expect(io.stderr).toContain(`reconnect-lab: ${message}`)
    expect(io.stderr.trim().split('\n')).toHaveLength(1)
    expect(io.stdout).toBe('')
  })

  it('creates a missing report dir, parents included, and leaves no probe file behind', async () => {
    const { code, dir } = await cli([
      '--report-dir',
      'a/b/c',
      '--reporter',
      'json',
      '--write-baseline',
      'b.yaml',
    ])
    expect(code).toBe(0)
    expect(await readdir(join(dir, 'a/b/c'))).toEqual(['report.json'])
    expect(await readFile(join(dir, 'b.yaml'), 'utf8')).toContain('reconnect-lab')
  })
})

describe('a run in which every selected rule was skipped', () => {
  it(`exits ${EXIT_NOTHING_CHECKED}, saying nothing was checked, not 0`, async () => {
    // site-approval-gate has nothing to check on baseline (no approval step there).
    const dir = await mkdtemp(join(tmpdir(), 'rl-run-ci-'))
    const io = captureIo(dir)
    const code = await runCli(
      ['run', '--runs', '1', '--provider', 'baseline', '--rule', 'site-approval-gate', '--report-dir', 'out'],
      io,
    )
    expect(code).toBe(EXIT_NOTHING_CHECKED)
    expect(io.stderr).toContain('nothing was checked')
  })
})

describe('quirks a partial run cannot reach', () => {
  it('a full-size run of selected rules notes them, it does not warn of a gap in the suite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-run-partial-'))
    const io = captureIo(dir)
    const code = await runCli(
      ['run', '--seed', '1', '--provider', 'jira', '--rule', 'silent-refresh', '--reporter', 'json'],
      io,
    )
    expect(code).toBe(0)
    // jira.absolute-expiry-365-days fires only in its scripted check, which silent-refresh alone does not play.
    expect(io.stderr).toMatch(
      /^note: \d+ quirk\(s\) did not fire in this shortened run \(.*jira\.absolute-expiry-365-days/m,
    )
    expect(io.stderr).not.toContain('warning: quirks that never fired')
  }, 120_000)
})

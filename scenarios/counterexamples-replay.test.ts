/**
 * Counterexamples that `run` writes for a user's (guarded) manager replay to their violation. The issue's
 * repro: a crashed process's abandoned call used to poison the guard for every later timeline, so each
 * file was flagged "did NOT reproduce" although `replay` reproduced it.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/program.ts'
import { captureIo } from '../src/cli/testing/capture-io.ts'

const ROOT = join(import.meta.dirname, '..')

describe('counterexample files of a guarded manager', () => {
  it('every file written for throws-in-run replays to its violation, and replay says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-ce-replay-'))
    const io = captureIo(dir)
    const adapter = join(ROOT, 'src/manager/testing/adapters/throws-in-run.ts')
    const code = await runCli(
      [
        'run',
        '--manager',
        adapter,
        '--provider',
        'baseline,google',
        '--rule',
        'transient-never-prompts,silent-refresh',
        '--seed',
        '6',
        '--runs',
        '5',
        '--reporter',
        'json',
        '--report-dir',
        'out',
      ],
      io,
    )
    expect(code).toBe(1)
    const report = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8'))
    const files: Array<{ file: string; reproduced: boolean; differed?: string }> = report.counterexampleFiles
    expect(files.length).toBeGreaterThan(0)
    expect(files.filter((f) => !f.reproduced)).toEqual([])
    for (const f of files) {
      const text = await readFile(join(dir, 'out', f.file), 'utf8')
      expect(text).not.toContain('was not called')
      const replayIo = captureIo(dir)
      // The exit code of an expected violation is the replay command's business; the rule broken is ours.
      await runCli(['replay', join('out', f.file), '--manager', adapter], replayIo)
      expect(replayIo.stdout + replayIo.stderr).toMatch(/broken at step \d+ of \d+/)
    }
  }, 600_000)
})

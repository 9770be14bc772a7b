import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createManager as promptsEveryRun } from '../../scenarios/mutants/prompts-every-run.ts'
import { runCommand } from './commands/run.ts'
import { runCli } from './program.ts'
import { captureIo } from './testing/capture-io.ts'

describe('reconnect-lab run', () => {
  it('runs the suite, prints the table and writes report.json and summary.md', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rl-cli-'))
    const io = captureIo(cwd)
    const code = await runCli(
      [
        'run',
        '--seed',
        '5',
        '--runs',
        '20',
        '--provider',
        'baseline',
        '--report-dir',
        'out',
        '--reporter',
        'pretty,json,markdown',
      ],
      io,
    )
    expect(code).toBe(0)
    expect(io.stdout).toMatch(/silent-refresh\s+baseline\s+pass/)
    expect(io.stderr).toContain('baseline:')
    const report = JSON.parse(await readFile(join(cwd, 'out', 'report.json'), 'utf8'))
    expect(report).toMatchObject({ tool: 'reconnect-lab', seed: 5, runs: 20, manager: 'reference' })
    expect(report.summary.failed).toBe(0)
    for (const row of report.rules) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(['id', 'provider', 'status', 'runs', 'durationMs']),
      )
      expect(['pass', 'fail', 'skip']).toContain(row.status)
    }
    expect(await readFile(join(cwd, 'out', 'summary.md'), 'utf8')).toContain(
      '| `silent-refresh` | baseline |',
    )
  })

  it('filters by rule', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rl-cli-'))
    const io = captureIo(cwd)
    expect(
      await runCli(
        [
          'run',
          '--seed',
          '5',
          '--runs',
          '5',
          '--rule',
          'admin-reset',
          '--report-dir',
          'o',
          '--reporter',
          'json',
        ],
        io,
      ),
    ).toBe(0)
    const report = JSON.parse(await readFile(join(cwd, 'o', 'report.json'), 'utf8'))
    expect(new Set(report.rules.map((r: { id: string }) => r.id))).toEqual(new Set(['admin-reset']))
  })

  it('exits 1 with a counterexample when a rule fails', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rl-cli-'))
    const io = captureIo(cwd)
    const { exitCode, report } = await runCommand(
      {
        seed: 3,
        runs: 50,
        providers: ['baseline'],
        reportDir: 'r',
        reporters: ['pretty', 'markdown'],
        createManager: promptsEveryRun,
        managerLabel: 'prompts-every-run',
      },
      io,
    )
    expect(exitCode).toBe(1)
    expect(report.summary.failed).toBeGreaterThan(0)
    expect(io.stdout).toContain('counterexample for')
    expect(await readFile(join(cwd, 'r', 'summary.md'), 'utf8')).toContain('## Counterexamples')
  })

  it.each([
    [['run', '--runs', 'many']],
    [['run', '--runs', '0']],
    [['run', '--seed', '1.5']],
    [['run', '--provider', 'myspace']],
    [['run', '--rule', 'be-nice']],
    [['run', '--bogus']],
    [['run', '--reporter', 'xml']],
    [['run', '--call-timeout', 'soon']],
    [['run', '--manager', 'no/such/adapter.ts']],
    [['run', '--baseline', 'no/such/baseline.yaml']],
    [['replay']],
    [['replay', 'no/such/scenario.yaml']],
    [['selfcheck', '--mutant', 'no-such-mutant']],
    [['frobnicate']],
  ])('%j is a usage error: exit 2, one clear line, no stack trace', async (argv) => {
    const io = captureIo(await mkdtemp(join(tmpdir(), 'rl-cli-')))
    expect(await runCli(argv, io)).toBe(2)
    expect(io.stderr).not.toMatch(/\n\s+at /)
    expect(io.stderr.length).toBeGreaterThan(0)
  })

  it('prints help and version with exit 0', async () => {
    const io = captureIo(process.cwd())
    expect(await runCli(['--version'], io)).toBe(0)
    expect(io.stdout).toMatch(/\d+\.\d+\.\d+/)
    expect(await runCli(['run', '--help'], io)).toBe(0)
    expect(io.stdout).toContain('--report-dir')
  })
})

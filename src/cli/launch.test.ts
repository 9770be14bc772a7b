import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './testing/spawn-cli.ts'

interface Ran {
  code: number
  stdout: string
  stderr: string
}

function node(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: REPO_ROOT, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout,
          stderr,
        }),
    )
  })
}

/** A small run's report, durations aside (they are the one thing that differs between two runs). */
async function reportOf(launcher: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rl-launch-'))
  const ran = await node(
    [
      ...launcher,
      'run',
      '--quick',
      '--provider',
      'baseline',
      '--rule',
      'silent-refresh,rotation-is-durable',
      '--seed',
      '4',
      '--workers',
      '2',
      '--reporter',
      'json',
      '--report-dir',
      dir,
    ],
    env,
  )
  expect(ran.stderr).not.toContain('could not build the CLI bundle')
  expect(ran.code).toBe(0)
  const report: unknown = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))
  return JSON.stringify(report, (key, value: unknown) =>
    /durationMs|Ms$/.test(key) && key !== 'atMs' ? undefined : value,
  )
}

describe('bin/reconnect-lab.mjs: the CLI from its bundle', () => {
  it('gives the same report as the sources under tsx, worker threads included', async () => {
    const bundled = await reportOf(['bin/reconnect-lab.mjs'])
    const sources = await reportOf(['bin/reconnect-lab.mjs'], { RECONNECT_LAB_NO_BUNDLE: '1' })
    expect(bundled).toBe(sources)
    expect(bundled).toContain('"silent-refresh"')
  })

  it('loads a --manager TypeScript module (through the sources, so it shares the harness modules)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-launch-'))
    const ran = await node([
      'bin/reconnect-lab.mjs',
      'run',
      '--quick',
      '--provider',
      'baseline',
      '--rule',
      'silent-refresh',
      '--seed',
      '1',
      '--manager',
      'src/manager/reference-manager.ts',
      '--reporter',
      'json',
      '--report-dir',
      dir,
    ])
    expect(ran.stderr).not.toMatch(/could not|Error/)
    expect(ran.code).toBe(0)
  })
})

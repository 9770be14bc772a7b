import { describe, expect, it } from 'vitest'
import { spawnCli } from './testing/spawn-cli.ts'

const ADAPTERS = 'src/manager/testing/adapters'
const fast = (dir: string) => [
  '--provider',
  'baseline',
  '--rule',
  'silent-refresh',
  '--runs',
  '2',
  '--seed',
  '1',
  '--reporter',
  'json',
  '--report-dir',
  dir,
]

async function runWith(adapter: string) {
  const { mkdtemp } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = await mkdtemp(join(tmpdir(), 'rl-iso-'))
  return spawnCli(['run', '--manager', `${ADAPTERS}/${adapter}`, ...fast(dir)])
}

// Each case spawns the real CLI: the only way to see what process.exit would have done.
describe('an in-process manager cannot end the run as a pass', () => {
  it('process.exit(0) at load is a load error (exit 2)', async () => {
    const r = await runWith('exits-at-load.ts')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'exits-at-load.ts: could not be loaded: ProcessExitCalled: process.exit(0) was called by code under test',
    )
    expect(r.stderr).toContain('the run cannot pass')
  })

  it('process.exit(0) in the factory is a load error (exit 2)', async () => {
    const r = await runWith('exits-in-factory.ts')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'exits-in-factory.ts: createManager(env) threw ProcessExitCalled: process.exit(0)',
    )
  })

  it('a throw at load is a load error (exit 2)', async () => {
    const r = await runWith('throws-at-load.ts')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('throws-at-load.ts: could not be loaded: TOKEN_DB_URL is not set')
  })

  it('process.exit(0) in a run fails that step: the rule fails (exit 1)', async () => {
    const r = await runWith('exits-in-run.ts')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('process.exit(0) was called while the command ran')
    expect(r.stderr).toMatch(/0 passed, 1 failed/)
  })

  it('a swallowed process.exit still cannot pass (exit 1)', async () => {
    const r = await runWith('swallows-exit.ts')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/1 passed, 0 failed/)
    expect(r.stderr).toContain('the run cannot pass: code under test did what a manager must not')
    expect(r.stderr).toContain('process.exit(0) was called while the command ran')
  })

  it('an unhandled rejection cannot pass (exit 1), and is named', async () => {
    const r = await runWith('unhandled-rejection.ts')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('an unhandled promise rejection: Error: audit log unavailable')
  })

  it('the reference manager through --manager still passes (exit 0)', async () => {
    const r = await runWith('../../reference-manager.ts')
    expect(r.stderr).toMatch(/1 passed, 0 failed/)
    expect(r.code).toBe(0)
  })
})

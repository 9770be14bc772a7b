import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')
const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts')

export interface SpawnedCli {
  code: number
  stdout: string
  stderr: string
  dir: string
}

/** Runs the real CLI (`node --import tsx src/cli/main.ts ...`) in a child process, cwd = the repo root. */
export async function spawnCli(argv: readonly string[], timeoutMs = 60_000): Promise<SpawnedCli> {
  const dir = await mkdtemp(join(tmpdir(), 'rl-cli-'))
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...argv],
      { cwd: REPO_ROOT, timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr, dir })
      },
    )
  })
}

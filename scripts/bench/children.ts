/**
 * Forks the refresh benchmarks' child processes (a server per target, one client) and talks to them
 * over IPC, one request at a time. `BENCH_TARGET_ARGS` (space-separated) adds Node flags to the server
 * children, e.g. `--cpu-prof --cpu-prof-dir=reports/bench/profiles` to profile them.
 *
 * The children run bundled, as `reconnect-lab serve` does from the CLI bundle (bin/launch.mjs), not
 * through tsx: tsx's loader hooks and kept function names would be charged to serve's CPU per
 * refresh, and to no peer's.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import type { RunRequest, RunResult } from './refresh-client.ts'
import type { TargetKind, TargetReady, TargetReply, TargetRequest, TargetUsage } from './refresh-target.ts'

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Inside node_modules, so the bundles' external imports resolve as they do from the sources. */
const BUNDLES = join(ROOT, 'node_modules', '.cache', 'reconnect-lab-bench')
const built = new Map<string, string>()

/** `entry` bundled once per bench process (dependencies stay external), as the CLI bundle does. */
function bundled(entry: string): string {
  let out = built.get(entry)
  if (out === undefined) {
    out = join(BUNDLES, entry.replace(/\.ts$/, '.mjs'))
    buildSync({
      entryPoints: [here(`./${entry}`)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: out,
      logLevel: 'silent',
    })
    built.set(entry, out)
  }
  return out
}

function ask<T>(child: ChildProcess, message: object, expect: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { type: string }) => {
      if (reply.type !== expect) return
      cleanup()
      resolve(reply as T)
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`bench child exited (${code}) before answering ${expect}`))
    }
    const cleanup = () => {
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
    child.send(message)
  })
}

export interface Target {
  kind: TargetKind
  ready: TargetReady
  usage(): Promise<TargetUsage>
  stop(): Promise<void>
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.disconnect()
  })
}

export async function startTarget(
  kind: TargetKind,
  chains: number,
  nodeFlags: string[] = [],
): Promise<Target> {
  const extra = [...nodeFlags, ...(process.env['BENCH_TARGET_ARGS'] ?? '').split(' ').filter((a) => a !== '')]
  const child = fork(bundled('refresh-target.ts'), [kind], {
    execArgv: extra,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const ready = await ask<TargetReady>(child, { type: 'setup', chains } satisfies TargetRequest, 'ready')
  return {
    kind,
    ready,
    usage: async () => {
      const reply = await ask<Extract<TargetReply, { type: 'usage' }>>(child, { type: 'usage' }, 'usage')
      const { type: _, ...usage } = reply
      return usage
    },
    stop: () => stopChild(child),
  }
}

export interface Client {
  run(request: RunRequest): Promise<RunResult>
  stop(): Promise<void>
}

export function startClient(): Client {
  const child = fork(bundled('refresh-client.ts'), [], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  return {
    run: (request) => ask<RunResult>(child, { ...request, type: 'run' }, 'done'),
    stop: () => stopChild(child),
  }
}

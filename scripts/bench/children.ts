/**
 * Forks the refresh benchmarks' child processes (a server per target, one client) and talks to them
 * over IPC, one request at a time. `BENCH_TARGET_ARGS` (space-separated) adds Node flags to the server
 * children, e.g. `--cpu-prof --cpu-prof-dir=reports/bench/profiles` to profile them.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { RunRequest, RunResult } from './refresh-client.ts'
import type { TargetKind, TargetReady, TargetReply, TargetRequest } from './refresh-target.ts'

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url))

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
  /** CPU time (user + system, µs), RSS and used V8 heap (bytes) of the server process so far. */
  usage(): Promise<{ cpuMicros: number; rss: number; heapUsed: number }>
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
  const child = fork(here('./refresh-target.ts'), [kind], {
    execArgv: ['--import', 'tsx', ...extra],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const ready = await ask<TargetReady>(child, { type: 'setup', chains } satisfies TargetRequest, 'ready')
  return {
    kind,
    ready,
    usage: async () => {
      const reply = await ask<Extract<TargetReply, { type: 'usage' }>>(child, { type: 'usage' }, 'usage')
      return { cpuMicros: reply.cpuMicros, rss: reply.rss, heapUsed: reply.heapUsed }
    },
    stop: () => stopChild(child),
  }
}

export interface Client {
  run(request: RunRequest): Promise<RunResult>
  stop(): Promise<void>
}

export function startClient(): Client {
  const child = fork(here('./refresh-client.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  return {
    run: (request) => ask<RunResult>(child, { ...request, type: 'run' }, 'done'),
    stop: () => stopChild(child),
  }
}

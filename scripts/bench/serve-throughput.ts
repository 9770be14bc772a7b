/**
 * Bench section (c): `reconnect-lab serve` refresh-grant throughput with 1 and 16 requests in flight,
 * against bare `node:http` answering the same JSON (the floor), oidc-provider 9.13.3 and
 * oauth2-mock-server 8.2.3. Each server runs in its own process (so its CPU time is its own), one
 * client process drives them all over 127.0.0.1 keep-alive, and the trials interleave the servers
 * (the order rotates each trial), so every ratio compares runs taken in the same minute.
 *
 * Standalone: `node --import tsx scripts/bench/serve-throughput.ts [--trials N] [--quick]` prints the JSON.
 */
import { type Client, type Target, startClient, startTarget } from './children.ts'
import type { TargetKind } from './refresh-target.ts'
import {
  type BenchFigure,
  type BenchOptions,
  type BenchSection,
  figure,
  isMain,
  median,
  standaloneOptions,
} from './section.ts'

const KINDS: readonly TargetKind[] = ['lab', 'bare', 'oidc-provider', 'oauth2-mock-server']
const INFLIGHT = [1, 16] as const
const CHAINS = 16

const YARDSTICKS: ReadonlyArray<{ kind: TargetKind; label: string; atLeast?: number }> = [
  { kind: 'oidc-provider', label: 'oidc-provider 9.13.3', atLeast: 2 },
  { kind: 'oauth2-mock-server', label: 'oauth2-mock-server 8.2.3', atLeast: 5 },
  { kind: 'bare', label: 'bare node:http, same JSON' },
]
const CPU_TARGET_MICROS = 150

interface Sample {
  perSecond: number
  cpuMicros: number
}

async function measure(
  client: Client,
  target: Target,
  tokens: Map<TargetKind, string[]>,
  inflight: number,
  count: number,
): Promise<Sample> {
  const before = await target.usage()
  const result = await client.run({
    ...target.ready,
    refreshTokens: tokens.get(target.kind) ?? target.ready.refreshTokens,
    inflight,
    count,
  })
  const after = await target.usage()
  if (result.errors > 0)
    throw new Error(
      `${target.kind}: ${result.errors} of ${count} refreshes failed (${result.firstError ?? ''})`,
    )
  tokens.set(target.kind, result.refreshTokens)
  return {
    perSecond: (result.count / result.elapsedMs) * 1000,
    cpuMicros: (after.cpuMicros - before.cpuMicros) / result.count,
  }
}

export async function run(opts: BenchOptions): Promise<BenchSection> {
  const count = opts.quick ? 400 : 2000
  const targets: Target[] = []
  const client = startClient()
  try {
    for (const kind of KINDS) targets.push(await startTarget(kind, CHAINS))
    const tokens = new Map<TargetKind, string[]>()
    // Warm-up: every server and the client see both concurrency levels before anything is timed.
    for (const target of targets)
      for (const inflight of INFLIGHT) await measure(client, target, tokens, inflight, Math.min(500, count))
    const samples = new Map<string, Sample[]>()
    for (let trial = 0; trial < opts.trials; trial++) {
      for (const inflight of INFLIGHT) {
        for (let i = 0; i < targets.length; i++) {
          const target = targets[(i + trial) % targets.length]
          if (!target) continue
          const key = `${target.kind}@${inflight}`
          const list = samples.get(key) ?? []
          list.push(await measure(client, target, tokens, inflight, count))
          samples.set(key, list)
        }
      }
    }
    const figures: BenchFigure[] = []
    for (const inflight of INFLIGHT) {
      const lab = samples.get(`lab@${inflight}`) ?? []
      figures.push(
        figure(
          `serve refreshes/s, ${inflight} in flight`,
          lab.map((s) => s.perSecond),
          'req/s',
        ),
      )
      for (const yardstick of YARDSTICKS) {
        const theirs = samples.get(`${yardstick.kind}@${inflight}`) ?? []
        figures.push(
          figure(
            `${yardstick.label} refreshes/s, ${inflight} in flight`,
            theirs.map((s) => s.perSecond),
            'req/s',
          ),
        )
        // Trial by trial: the lab's rate over the yardstick's, measured minutes apart at most.
        const ratios = lab.map((s, k) => s.perSecond / (theirs[k]?.perSecond ?? Number.NaN))
        const ratio = median(ratios)
        figures.push(
          figure(`serve vs ${yardstick.label}, ${inflight} in flight`, ratios, 'x', {
            yardstick: yardstick.label,
            ratio,
            ...(yardstick.atLeast === undefined
              ? {}
              : { target: `>= ${yardstick.atLeast}x`, met: ratio >= yardstick.atLeast }),
          }),
        )
      }
      const cpu = median(lab.map((s) => s.cpuMicros))
      figures.push(
        figure(
          `serve CPU per refresh, ${inflight} in flight`,
          lab.map((s) => s.cpuMicros),
          'µs',
          {
            target: `<= ${CPU_TARGET_MICROS} µs`,
            met: cpu <= CPU_TARGET_MICROS,
          },
        ),
      )
      for (const yardstick of YARDSTICKS) {
        const theirs = samples.get(`${yardstick.kind}@${inflight}`) ?? []
        figures.push(
          figure(
            `${yardstick.label} CPU per refresh, ${inflight} in flight`,
            theirs.map((s) => s.cpuMicros),
            'µs',
          ),
        )
      }
    }
    return {
      name: 'serve-throughput',
      figures,
      notes: [
        `refresh grant (HTTP Basic client auth, form body) over 127.0.0.1 keep-alive; ${count} refreshes per run, ${opts.trials} trial(s) after a warm-up, servers interleaved (order rotates per trial)`,
        `each server in its own process, one node:http keep-alive client process; ${CHAINS} token chains, refresh tokens rotate on serve (baseline provider) and oidc-provider (rotateRefreshToken: true); oauth2-mock-server and bare accept any refresh token`,
        'CPU per refresh: the server process user + system time over the run (process.cpuUsage), divided by the refreshes',
      ],
    }
  } finally {
    await client.stop()
    for (const target of targets) await target.stop()
  }
}

if (isMain(import.meta.url)) {
  const section = await run(standaloneOptions(process.argv, 5))
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
}

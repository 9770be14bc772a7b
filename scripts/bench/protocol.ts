/**
 * Bench item (g): an out-of-process manager against the in-process reference. The same reference
 * manager, in process and over the manager protocol (examples/protocol-shim: one long-lived Node
 * process, real HTTP through the gateway), on the same seeds:
 * - whole run: a small conformance run (baseline, per-step rules), the protocol's cost as a ratio
 *   to the in-process run measured in the same trial (target: at most 3x);
 * - per request: one `run` of a connected teammate (manager call, store callbacks, the agent's API
 *   call, one HTTP round trip when it refreshes), in process and over the protocol;
 * - process per instance: starting a manager process (spawn + handshake + shutdown) against creating
 *   and disposing an instance inside the long-lived one, the measurement behind docs/PROTOCOL.md's
 *   "one process, many instances".
 * Standalone: `node --import tsx scripts/bench/protocol.ts [--trials N] [--quick]`.
 */
import { join } from 'node:path'
import { startStopwatch } from '../../src/clock.ts'
import type { CreateManager } from '../../src/manager/contract.ts'
import { startProtocolManager } from '../../src/manager/protocol/protocol-manager.ts'
import { createManager as reference } from '../../src/manager/reference-manager.ts'
import type { RuleId } from '../../src/rules/types.ts'
import { ruleById } from '../../src/rules/catalogue/index.ts'
import { runConformance } from '../../src/suite/conformance.ts'
import { exploreInterleavings } from '../../src/suite/interleavings.ts'
import { profileFor } from '../../src/suite/profiles.ts'
import { createWorld } from '../../src/world/world.ts'
import type { BenchFigure, BenchSection } from './section.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const SHIM = 'node --import tsx examples/protocol-shim/shim.ts'
const RULES: RuleId[] = ['silent-refresh', 'revocation-prompts', 'connect-resolves', 'admin-reset']

function figure(
  name: string,
  samples: number[],
  unit: string,
  extra: Partial<BenchFigure> = {},
): BenchFigure {
  const sorted = [...samples].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
  return {
    name,
    median,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    unit,
    ...extra,
  }
}

async function wholeRun(createManager: CreateManager, seed: number, runs: number): Promise<number> {
  const elapsed = startStopwatch()
  await runConformance({
    createManager,
    managerLabel: 'bench',
    seed,
    runs,
    providers: ['baseline'],
    rules: RULES,
  })
  return elapsed()
}

/** Scheduled interleavings of the two interleaving rules on baseline (every decision waits for the manager to settle). */
async function interleavings(createManager: CreateManager, seed: number, runs: number): Promise<number> {
  const elapsed = startStopwatch()
  await exploreInterleavings({
    profile: profileFor('baseline')!,
    createManager,
    rules: [ruleById('rotation-is-durable'), ruleById('transient-never-prompts')],
    seed,
    runs,
    setup: 'rotating',
  })
  return elapsed()
}

/** Milliseconds per `run` of one connected teammate, over `n` runs 2 h apart (each refreshes). */
async function perRun(createManager: CreateManager, n: number): Promise<number> {
  const world = createWorld({
    org: { teammates: ['ada'], packs: [{ id: 'crm', provider: 'baseline', setup: 'custom' }] },
    createManager,
  })
  try {
    await world.apply({ type: 'connect', teammate: 'ada', pack: 'crm' })
    const elapsed = startStopwatch()
    for (let i = 0; i < n; i++) {
      if (i % 2 === 1) await world.apply({ type: 'advance', ms: 2 * 60 * 60 * 1000 })
      await world.apply({ type: 'run', teammate: 'ada', pack: 'crm' })
    }
    return elapsed() / n
  } finally {
    await world.close()
  }
}

export async function run(opts: { trials: number; quick?: boolean }): Promise<BenchSection> {
  const runs = opts.quick ? 5 : 30
  const requests = opts.quick ? 20 : 100
  const starts = opts.quick ? 2 : 5
  const explored = opts.quick ? 20 : 100
  const shim = await startProtocolManager({ command: SHIM, cwd: ROOT })
  try {
    await wholeRun(shim.createManager, 1, 2) // warm-up: module loading, JIT, keep-alive connections
    await wholeRun(reference, 1, 2)
    const inProcess: number[] = []
    const overProtocol: number[] = []
    const ratios: number[] = []
    const exploredIn: number[] = []
    const exploredOut: number[] = []
    const exploredRatios: number[] = []
    const runIn: number[] = []
    const runOut: number[] = []
    const instance: number[] = []
    const processStart: number[] = []
    for (let k = 0; k < opts.trials; k++) {
      const a = await wholeRun(reference, 100 + k, runs)
      const b = await wholeRun(shim.createManager, 100 + k, runs)
      inProcess.push(a)
      overProtocol.push(b)
      ratios.push(b / a)
      const c = await interleavings(reference, 1 + k, explored)
      const d = await interleavings(shim.createManager, 1 + k, explored)
      exploredIn.push(c)
      exploredOut.push(d)
      exploredRatios.push(d / c)
      runIn.push(await perRun(reference, requests))
      runOut.push(await perRun(shim.createManager, requests))
      // An instance inside the long-lived process: create, one call, dispose.
      const created = startStopwatch()
      for (let i = 0; i < starts * 10; i++) await perRun(shim.createManager, 0)
      instance.push(created() / (starts * 10))
      // A process per instance: spawn, handshake, shutdown.
      const spawned = startStopwatch()
      for (let i = 0; i < starts; i++)
        await (await startProtocolManager({ command: SHIM, cwd: ROOT })).close()
      processStart.push(spawned() / starts)
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN
    return {
      name: 'protocol (out-of-process reference vs in-process)',
      figures: [
        figure(`whole run in process (baseline, ${RULES.length} rules, ${runs} timelines)`, inProcess, 'ms'),
        figure('whole run over the protocol', overProtocol, 'ms', {
          yardstick: 'whole run in process',
          ratio: median(ratios),
          target: '<= 3x',
          met: median(ratios) <= 3,
        }),
        figure(
          `${explored} scheduled interleavings in process (baseline, 2 interleaving rules)`,
          exploredIn,
          'ms',
        ),
        figure('the same interleavings over the protocol', exploredOut, 'ms', {
          yardstick: 'scheduled interleavings in process',
          ratio: median(exploredRatios),
        }),
        figure('one run in process', runIn, 'ms'),
        figure('one run over the protocol', runOut, 'ms', {
          yardstick: 'one run in process',
          ratio: median(runOut) / median(runIn),
        }),
        figure('instance in the long-lived process (create + connect + dispose)', instance, 'ms'),
        figure('process per instance (spawn + handshake + shutdown)', processStart, 'ms', {
          yardstick: 'instance in the long-lived process (create + connect + dispose)',
          ratio: median(processStart) / median(instance),
        }),
      ],
      notes: [
        `${opts.trials} trial(s); the whole-run ratio is the median of per-trial ratios (both runs in the same minute).`,
        'The run over the protocol uses one shim process for every instance (docs/PROTOCOL.md).',
      ],
    }
  } finally {
    await shim.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--trials')
  const trials = i >= 0 ? Number(process.argv[i + 1]) : 3
  const section = await run({ trials, quick: process.argv.includes('--quick') })
  console.log(section.name)
  for (const f of section.figures)
    console.log(
      `  ${f.name}: median ${f.median.toFixed(2)} ${f.unit} (min ${f.min.toFixed(2)}, max ${f.max.toFixed(2)})${f.ratio === undefined ? '' : `, ${f.ratio.toFixed(2)}x ${f.yardstick}`}${f.target ? ` (target ${f.target}: ${f.met ? 'met' : 'not met'})` : ''}`,
    )
  for (const note of section.notes ?? []) console.log(`  note: ${note}`)
}

/**
 * Protocol parity: the reference manager driven over the manager protocol (examples/protocol-shim)
 * gives the report it gives in process, for the same seed, `durationMs` aside; and scheduled
 * interleavings over the protocol are deterministic (ordered by the world's IO points, not by the
 * real-time order in which requests arrive at the gateway). Small on purpose: one process start,
 * two providers, a few timelines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { RuleId } from '../../rules/types.ts'
import { runConformance } from '../../suite/conformance.ts'
import { replayInterleaving } from '../../suite/interleavings.ts'
import { createManager as reference } from '../reference-manager.ts'
import { type ProtocolManager, startProtocolManager } from './protocol-manager.ts'
import {
  interleavingRules,
  RATE_LIMITED_ORG,
  rateLimitedConcurrentRuns,
} from '../testing/rate-limited-timeline.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SHIM = 'node --import tsx examples/protocol-shim/shim.ts'
const RULES: RuleId[] = ['silent-refresh', 'revocation-prompts', 'connect-resolves', 'admin-reset']

let shim: ProtocolManager
/** `settle` questions the harness asked the shim (its deterministic answer replaces silence). */
let settles = 0
beforeAll(async () => {
  shim = await startProtocolManager({
    command: SHIM,
    cwd: ROOT,
    tap: (direction, message) => {
      if (direction === 'to-manager' && (message as { method?: unknown }).method === 'settle') settles++
    },
  })
}, 60_000)
afterAll(async () => {
  await shim?.close()
})

const rows = (report: Awaited<ReturnType<typeof runConformance>>) =>
  report.rules.map(({ id, provider, status, runs, checks }) => ({ id, provider, status, runs, checks }))

describe('protocol parity with the in-process reference manager', () => {
  it('gives the same rows (status, timelines, checks) on baseline and jira for the same seed', async () => {
    const options = { seed: 11, runs: 4, providers: ['baseline', 'jira'] as const, rules: RULES }
    const inProcess = await runConformance({
      ...options,
      createManager: reference,
      managerLabel: 'reference',
    })
    const overProtocol = await runConformance({
      ...options,
      createManager: shim.createManager,
      managerLabel: 'shim',
    })
    expect(rows(overProtocol)).toEqual(rows(inProcess))
    expect(rows(inProcess).some((r) => r.checks > 0)).toBe(true)
  })

  it('gives the same rows for the interleaving rules on a rotating provider (jira)', async () => {
    // The explored schedules: every decision waits until the manager has settled and orders what
    // became pending together by label, in process as over the protocol, so the same choices pick
    // the same IO points and the check counts match one for one.
    const options = {
      seed: 3,
      runs: 2,
      interleavings: 30,
      providers: ['jira'] as const,
      rules: ['rotation-is-durable', 'transient-never-prompts'] satisfies RuleId[],
    }
    const inProcess = await runConformance({
      ...options,
      createManager: reference,
      managerLabel: 'reference',
    })
    const asked = settles
    const overProtocol = await runConformance({
      ...options,
      createManager: shim.createManager,
      managerLabel: 'shim',
    })
    expect(rows(overProtocol)).toEqual(rows(inProcess))
    // Runs of one process blocked on each other's single-flight: the shim's answer settled them.
    expect(settles).toBeGreaterThan(asked)
    expect(rows(inProcess).map((r) => [r.id, r.runs > 0 && r.checks > 0])).toEqual([
      ['rotation-is-durable', true],
      ['transient-never-prompts', true],
    ])
  }, 60_000)

  it('replays a concurrent interleaving over the protocol the same way every time', async () => {
    // Two teammates refreshing at once on one process, the first answer a 429: which request the
    // world sees first used to depend on which reached the gateway first.
    const org = RATE_LIMITED_ORG
    const events = rateLimitedConcurrentRuns(['bob', 'alice'])
    const rules = interleavingRules()
    const play = (choices: number[]) =>
      replayInterleaving({
        scenario: { org, instances: 1, events },
        choices,
        createManager: shim.createManager,
        rules,
      })
    for (const choices of [[], [1, 0, 1], [1, 1, 1, 1]]) {
      const first = await play(choices)
      const again = await play(choices)
      expect(again.lines, `choices ${JSON.stringify(choices)}`).toEqual(first.lines)
      expect(first.violations).toEqual([])
    }
  })
})

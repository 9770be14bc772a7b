import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../cli/program.ts'
import { captureIo } from '../../cli/testing/capture-io.ts'
import { replayInterleaving } from '../../suite/interleavings.ts'
import { startProtocolManager } from './protocol-manager.ts'
import {
  interleavingRules,
  RATE_LIMITED_ORG,
  rateLimitedConcurrentRuns,
} from '../testing/rate-limited-timeline.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const PYTHON = 'python3 examples/python/adapter.py'
const MUTANT = `${PYTHON} --bug forget-rotated-refresh-token`
const COUNTEREXAMPLE = 'examples/python/counterexamples/rotation-is-durable-jira.yaml'

async function cli(argv: string[]) {
  const io = captureIo(ROOT)
  const code = await runCli(argv, io)
  return { code, io }
}

describe('the Python example manager over the protocol', () => {
  it('passes the sequential rules on Jira (real HTTP, store and API callbacks)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-py-'))
    const { code, io } = await cli([
      'run',
      '--manager-cmd',
      PYTHON,
      '--provider',
      'jira',
      '--rule',
      'silent-refresh,revocation-prompts,connect-resolves,no-secret-leaks',
      '--runs',
      '3',
      '--seed',
      '5',
      '--reporter',
      'json',
      '--report-dir',
      dir,
    ])
    expect(io.stderr).toMatch(/[34] passed, 0 failed/)
    expect(code).toBe(0)
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))
    expect(report.manager).toBe(`--manager-cmd "${PYTHON}"`)
    const passed = report.rules.filter((r: { status: string }) => r.status === 'pass')
    expect(passed.length).toBeGreaterThanOrEqual(3)
    for (const row of passed) expect(row.checks).toBeGreaterThan(0)
  })

  it('the mutant that does not persist the rotated refresh token breaks rotation-is-durable on replay; the example does not', async () => {
    const mutant = await cli(['replay', COUNTEREXAMPLE, '--manager-cmd', MUTANT])
    expect(mutant.io.stdout).toContain('✗ rotation-is-durable broken at step 3 of 3')
    expect(mutant.io.stdout).toContain(
      'P0 presented RT1 after the source had replaced it with RT2, which P0 had received and used',
    )
    expect(mutant.code).toBe(1)

    const fixed = await cli(['replay', COUNTEREXAMPLE, '--manager-cmd', PYTHON])
    expect(fixed.io.stdout).toContain('✓ no rule broken in 3 steps')
  })

  it('declares settle and answers it: blocked concurrent runs settle on its answers, never on the silence wait', async () => {
    // Two runs of one process refreshing at once, the first answered 429: the second waits on the
    // first's per-credential lock inside the process, invisible from outside, which without
    // `settle` costs the silence wait (200 ms in a replay) at each such decision.
    const org = RATE_LIMITED_ORG
    const events = rateLimitedConcurrentRuns(['bob', 'alice', 'alice'])
    const answers: unknown[] = []
    const manager = await startProtocolManager({
      command: PYTHON,
      cwd: ROOT,
      tap: (direction, message) => {
        const m = message as { method?: unknown; result?: { inFlight?: unknown } }
        if (direction === 'from-manager' && m.result?.inFlight !== undefined) answers.push(m.result.inFlight)
      },
    })
    try {
      const rules = interleavingRules()
      const play = (choices: number[]) =>
        replayInterleaving({
          scenario: { org, instances: 1, events },
          choices,
          createManager: manager.createManager,
          rules,
        })
      for (const choices of [[], [1, 0, 1], [2, 1, 1, 0]]) {
        const first = await play(choices)
        const again = await play(choices)
        expect(again.lines, `choices ${JSON.stringify(choices)}`).toEqual(first.lines)
      }
      const { answered, silent } = manager.settling()
      expect(answered).toBeGreaterThan(0)
      expect(silent).toBe(0)
      expect(answers.length).toBeGreaterThanOrEqual(answered)
      for (const inFlight of answers) expect(inFlight).toBeTypeOf('object')
    } finally {
      await manager.close()
    }
  }, 60_000)
})

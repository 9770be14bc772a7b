import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LabError } from '../../errors.ts'
import type { OrgSpec, TraceStep } from '../../world/types.ts'
import { createWorld, type World } from '../../world/world.ts'
import { settledOf } from '../settling.ts'
import { type ProtocolManager, startProtocolManager } from './protocol-manager.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const MISBEHAVE = 'python3 src/manager/protocol/testing/misbehave.py'
const ORG: OrgSpec = { teammates: ['ada'], packs: [{ id: 'crm', provider: 'baseline', setup: 'custom' }] }

/** Connect on a world driven by `command`; returns the step's result message. */
async function connectWith(command: string, callTimeoutMs = 2000): Promise<string> {
  const manager = await startProtocolManager({ command, cwd: ROOT, callTimeoutMs })
  try {
    const world = createWorld({ org: ORG, createManager: manager.createManager })
    const step = await world.apply({ type: 'connect', teammate: 'ada', pack: 'crm' })
    await world.close()
    expect(step.result.kind).toBe('manager_error')
    return step.result.kind === 'manager_error' ? step.result.message : ''
  } finally {
    await manager.close()
  }
}

interface SettledRun {
  manager: ProtocolManager
  world: World
  /** The run's step, still in flight when the harness settled. */
  step: Promise<TraceStep>
  /** `settle` questions the harness asked so far. */
  asks(): number
}

/**
 * Starts `command`, begins a run on a world it drives, and has the harness wait for the process to
 * settle (as before a scheduling decision) while the run is in flight; `then` looks at the state
 * right after, and the process and world are closed whatever it finds.
 */
async function whenRunSettles<T>(command: string, then: (run: SettledRun) => Promise<T>): Promise<T> {
  let sent: () => void = () => {}
  const runSent = new Promise<void>((resolve) => {
    sent = resolve
  })
  let asks = 0
  const manager = await startProtocolManager({
    command,
    cwd: ROOT,
    callTimeoutMs: 5000,
    tap: (direction, message) => {
      const method = (message as { method?: unknown }).method
      if (direction === 'to-manager' && method === 'run') sent()
      if (direction === 'to-manager' && method === 'settle') asks++
    },
  })
  try {
    const world = createWorld({ org: ORG, createManager: manager.createManager })
    const step = world.apply({ type: 'run', teammate: 'ada', pack: 'crm' })
    await runSent
    await settledOf(manager.createManager)?.()
    try {
      return await then({ manager, world, step, asks: () => asks })
    } finally {
      await step.catch(() => undefined)
      await world.close()
    }
  } finally {
    await manager.close()
  }
}

/** A run whose process breaks the protocol while the harness settles; returns the run's result message. */
function settleDuringRun(command: string): Promise<string> {
  return whenRunSettles(command, async ({ step }) => {
    const { result } = await step
    expect(result.kind).toBe('manager_error')
    return result.kind === 'manager_error' ? result.message : ''
  })
}

async function loadFails(command: string): Promise<string> {
  try {
    const manager = await startProtocolManager({ command, cwd: ROOT })
    await manager.close()
  } catch (error) {
    expect(error).toBeInstanceOf(LabError)
    return (error as Error).message
  }
  throw new Error(`expected ${command} to fail at the handshake`)
}

describe('a manager process that breaks the protocol gets a clear message and never hangs the harness', () => {
  it('dies during a call: names the command, the call, the exit code and the end of its stderr, redacted', async () => {
    const message = await connectWith(`${MISBEHAVE} dies`)
    expect(message).toContain('--manager-cmd "python3 src/manager/protocol/testing/misbehave.py dies"')
    expect(message).toContain('beginConnect(ada, crm)')
    expect(message).toContain(
      'the manager process exited with code 3 (while the harness waited for beginConnect)',
    )
    expect(message).toContain("KeyError: 'TOKEN_DB_URL'")
    expect(message).not.toContain('s3cr3t-value-123')
  })

  it('writes something that is not JSON-RPC to stdout', async () => {
    const message = await connectWith(`${MISBEHAVE} garbage`)
    expect(message).toContain(
      'the manager process broke the protocol: it wrote a line to stdout that is not JSON: "connecting to token database..."',
    )
    expect(message).toContain('(while the harness waited for create')
  })

  it('hangs in a call: the per-call timeout ends it', async () => {
    const message = await connectWith(`${MISBEHAVE} hangs`, 500)
    expect(message).toContain('beginConnect(ada, crm) did not settle within 500 ms of real time')
  })

  it('answers an id it was never sent', async () => {
    const message = await connectWith(`${MISBEHAVE} unknown-id`)
    expect(message).toContain('broke the protocol: it answered id 999, which the harness never sent')
  })

  it('declares settle, then answers it with something that is not its schema', async () => {
    const message = await settleDuringRun(`${MISBEHAVE} bad-settle`)
    expect(message).toContain('--manager-cmd "python3 src/manager/protocol/testing/misbehave.py bad-settle"')
    expect(message).toContain('run(ada, crm)')
    expect(message).toContain(
      'the manager process broke the protocol: it answered settle with {"inFlight":"none"}, not {"inFlight": {"<instance>": <requests in flight>}}',
    )
    expect(message).toContain('(while the harness waited for run)')
  })

  it('declares settle, then answers it with a JSON-RPC error', async () => {
    const message = await settleDuringRun(`${MISBEHAVE} settle-error`)
    expect(message).toContain('run(ada, crm)')
    expect(message).toContain(
      'broke the protocol: it declared settle in initialize, then answered settle with an error: settle is not ready (while the harness waited for run)',
    )
  })

  it('waits for a request on the wire however many settle answers that takes, then settles on an answer', async () => {
    // The old rule spent one of its 8 asks on each `wire` answer, then fell back to 10 ms of silence
    // long before a slow request arrived, and scheduled as if the call were blocked in the process.
    await whenRunSettles(`${MISBEHAVE} slow-wire`, async ({ manager }) => {
      expect(manager.settling()).toEqual({ answered: 1, silent: 0 })
    })
  })

  it('counts a request as at the gateway only once its body has arrived', async () => {
    // The gateway used to count a request as soon as its headers came in: a settle answer then ended
    // the decision while the body was still on the socket, and the world stamped the request as
    // sent after IO it released meanwhile (parity.test.ts's rare Jira failure under load).
    await whenRunSettles(`${MISBEHAVE} slow-body`, async ({ manager, world, step, asks }) => {
      // The old count took an answer as settled half a second before the body was even sent; now
      // every answer finds the request on the wire until the body has arrived and the world holds it.
      expect(manager.settling()).toEqual({ answered: 0, silent: 0 })
      expect(asks()).toBeGreaterThan(1)
      await step
      expect(
        world
          .pack('crm')
          .mock.requests()
          .filter((r) => r.endpoint === 'token'),
      ).toHaveLength(1)
    })
  })

  it('speaks another protocol version: a load error at the handshake', async () => {
    expect(await loadFails(`${MISBEHAVE} old-version`)).toContain(
      'speaks protocol version 0; this reconnect-lab speaks 1',
    )
  })

  it('a command that does not exist: a load error naming it', async () => {
    expect(await loadFails('./no-such-manager --serve')).toMatch(
      /--manager-cmd "\.\/no-such-manager --serve": the manager process exited with code 127/,
    )
  })
})

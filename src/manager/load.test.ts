import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../clock.ts'
import { LabError } from '../errors.ts'
import { createWorld } from '../world/world.ts'
import type { OrgSpec } from '../world/types.ts'
import { DEFAULT_CALL_TIMEOUT_MS, guardManager, loadManagerModule, outcomeProblem } from './load.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const ADAPTERS = 'src/manager/testing/adapters'
const ORG: OrgSpec = { teammates: ['alice'], packs: [{ id: 'crm', provider: 'baseline', setup: 'custom' }] }

async function loadError(path: string, cwd = ROOT): Promise<string> {
  try {
    await loadManagerModule(path, { cwd })
  } catch (error) {
    expect(error).toBeInstanceOf(LabError)
    expect((error as LabError).code).toBe('MANAGER_LOAD')
    const message = (error as Error).message
    // One clear message: never a harness stack trace.
    expect(message).not.toMatch(
      /\n\s+at .*(src\/(world|suite|cli|oracle|rules)\/|src\/manager\/load|node_modules|node:)/,
    )
    return message
  }
  throw new Error(`expected ${path} to fail to load`)
}

async function tempModule(name: string, text: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rl-load-'))
  await writeFile(join(dir, name), text)
  return { dir, path: name }
}

describe('loading a manager module', () => {
  it('loads the reference manager through its module path', async () => {
    const loaded = await loadManagerModule('src/manager/reference-manager.ts', { cwd: ROOT })
    expect(loaded.label).toBe('src/manager/reference-manager.ts')
    const world = createWorld({ org: ORG, createManager: loaded.createManager })
    await world.apply({ type: 'connect', teammate: 'alice', pack: 'crm' })
    const step = await world.apply({ type: 'run', teammate: 'alice', pack: 'crm' })
    expect(step.result).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
  })

  it('names a missing file', async () => {
    expect(await loadError('adapters/nope.ts')).toMatch(/^--manager adapters\/nope\.ts: no such file/)
  })

  it('refuses a file that is not a module', async () => {
    const { dir, path } = await tempModule('manager.txt', 'hello')
    expect(await loadError(path, dir)).toContain('manager.txt: must be a .ts or .js module')
  })

  it('reports a syntax error with its position, not a stack', async () => {
    const { dir, path } = await tempModule(
      'broken.mjs',
      'export const createManager = (env) => {\n  return {\n',
    )
    const message = await loadError(path, dir)
    expect(message).toMatch(/^broken\.mjs: could not be loaded: /)
  })

  it('reports top-level code that throws, with the module frame', async () => {
    const { dir, path } = await tempModule(
      'boom.mjs',
      "throw new Error('no config')\nexport const createManager = () => ({})\n",
    )
    const message = await loadError(path, dir)
    expect(message).toContain('boom.mjs: could not be loaded: no config')
  })

  it('explains a module without a createManager export', async () => {
    const { dir, path } = await tempModule(
      'named.mjs',
      'export const makeManager = () => ({})\nexport const x = 1\n',
    )
    expect(await loadError(path, dir)).toBe(
      'named.mjs: has no export named createManager (it exports makeManager, x). Add `export const createManager: CreateManager = (env) => ...` (types from reconnect-lab).',
    )
  })

  it('explains a default export', async () => {
    const { dir, path } = await tempModule(
      'default.mjs',
      'export default function createManager() { return {} }\n',
    )
    expect(await loadError(path, dir)).toContain(
      'It has a default export: export the factory by name instead',
    )
  })

  it('explains an export of the wrong shape', async () => {
    expect(await loadError(`${ADAPTERS}/not-a-function.ts`)).toBe(
      `${ADAPTERS}/not-a-function.ts: createManager is an object, not a function (env) => TokenManager`,
    )
  })

  it('reports a constructor that throws, with the adapter frame and no harness frame', async () => {
    const message = await loadError(`${ADAPTERS}/throws-in-constructor.ts`)
    expect(message).toContain(
      `${ADAPTERS}/throws-in-constructor.ts: createManager(env) threw Error: TOKEN_DB_URL is not set`,
    )
    expect(message).toMatch(
      /at readConfig \(src\/manager\/testing\/adapters\/throws-in-constructor\.ts:\d+:\d+\)/,
    )
  })

  it('reports a factory that returns something other than a TokenManager', async () => {
    expect(await loadError(`${ADAPTERS}/missing-methods.ts`)).toContain(
      'the TokenManager it returned has no methods beginConnect, completeConnect, clearCredentials, updateClientSecret',
    )
  })
})

describe('the guard around a loaded manager', () => {
  async function runOnce(adapter: string, callTimeoutMs?: number) {
    const loaded = await loadManagerModule(`${ADAPTERS}/${adapter}`, {
      cwd: ROOT,
      ...(callTimeoutMs !== undefined ? { callTimeoutMs } : {}),
    })
    const world = createWorld({ org: ORG, createManager: loaded.createManager })
    const connect = await world.apply({ type: 'connect', teammate: 'alice', pack: 'crm' })
    expect(connect.result).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
    const run = await world.apply({ type: 'run', teammate: 'alice', pack: 'crm' })
    if (run.result.kind !== 'manager_error')
      throw new Error(`expected a manager error, got ${run.result.kind}`)
    return { message: run.result.message, world }
  }

  it("reports a throwing call as the manager's error, with its own frames and the token redacted", async () => {
    const { message, world } = await runOnce('throws-in-run.ts')
    expect(message).toContain(
      `LabError: ${ADAPTERS}/throws-in-run.ts: run(alice, crm) threw Error: refresh exploded while holding [redacted]`,
    )
    expect(message).toMatch(/at explode \(src\/manager\/testing\/adapters\/throws-in-run\.ts:\d+:\d+\)/)
    expect(message).not.toMatch(/src\/(world|suite|manager\/load)/)
    // The token really was in the error: the guard scrubbed it.
    const stored = world.trace.flatMap((s) => s.ledger).find((e) => e.type === 'code_exchanged')
    expect(stored).toBeDefined()
    expect(message).not.toMatch(/rt_\d+/)
  })

  it('fails a call that never settles after the timeout, then stops calling the manager', async () => {
    const { message, world } = await runOnce('never-settles.ts', 50)
    expect(message).toBe(
      `LabError: ${ADAPTERS}/never-settles.ts: run(alice, crm) did not settle within 50 ms of real time (the per-call timeout; change it with --call-timeout)`,
    )
    const next = await world.apply({ type: 'connect', teammate: 'alice', pack: 'crm' })
    expect(next.result).toMatchObject({ kind: 'manager_error' })
    expect(next.result.kind === 'manager_error' && next.result.message).toContain(
      'was not called: an earlier call, run(alice, crm), never settled',
    )
    expect(DEFAULT_CALL_TIMEOUT_MS).toBe(5000)
  })

  it('rejects a value that is not an Outcome, saying why', async () => {
    const { message } = await runOnce('invalid-outcome.ts')
    expect(message).toBe(
      `LabError: ${ADAPTERS}/invalid-outcome.ts: run(alice, crm) returned {"kind":"success"}: kind must be one of ok, connect_required, blocked, retry_later`,
    )
  })

  it('explains each kind of invalid outcome', () => {
    expect(outcomeProblem({ kind: 'ok' })).toBeUndefined()
    expect(outcomeProblem('ok')).toContain('an Outcome is an object')
    expect(outcomeProblem({ kind: 'connect_required', reason: 'because' })).toContain(
      'connect_required needs a reason, one of',
    )
    expect(outcomeProblem({ kind: 'blocked', reason: 'x', contact: 'ceo' })).toContain(
      "contact 'admin' or 'support'",
    )
    expect(outcomeProblem({ kind: 'retry_later' })).toContain('retry_later needs a reason')
  })

  it('is a LabError with code MANAGER_MISBEHAVED', () => {
    const guarded = guardManager(() => ({}) as never, { label: 'nothing.ts', cwd: tmpdir() })
    expect(() => guarded({ fetch, clock: new ManualClock(0), packs: [] })).toThrow(
      expect.objectContaining({ name: 'LabError', code: 'MANAGER_MISBEHAVED' }),
    )
  })
})

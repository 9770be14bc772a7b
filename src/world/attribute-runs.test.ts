/**
 * A world that follows runs through their async work (`attributeRuns`, how an interleaving replay
 * prints its counterexample) must not leave that cost behind: an entered AsyncLocalStorage keeps
 * Node's promise hooks on for the whole thread until it is disabled, which triples the cost of every
 * later `await` (selfcheck and the bench run many worlds in one process after a replay).
 */
import { executionAsyncId } from 'node:async_hooks'
import { describe, expect, it } from 'vitest'
import { createManager } from '../manager/reference-manager.ts'
import type { OrgSpec } from './types.ts'
import { createWorld } from './world.ts'

/** With promise hooks off, every promise continuation runs under the same execution id. */
async function promiseHooksOn(): Promise<boolean> {
  await null
  const first = executionAsyncId()
  await null
  return executionAsyncId() !== first
}

const org: OrgSpec = { teammates: ['ada'], packs: [{ id: 'p', provider: 'jira', setup: 'central' }] }

describe('a world that attributes runs', () => {
  it('attributes them while open and turns promise hooks off again when it closes', async () => {
    expect(await promiseHooksOn()).toBe(false)
    const world = createWorld({ org, createManager, attributeRuns: true })
    await world.apply({ type: 'connect', teammate: 'ada', pack: 'p' })
    const step = await world.apply({ type: 'run', teammate: 'ada', pack: 'p' })
    expect(step.result).toMatchObject({ kind: 'outcome', outcome: { kind: 'ok' } })
    expect(await promiseHooksOn()).toBe(true)
    await world.close()
    expect(await promiseHooksOn()).toBe(false)
  })
})

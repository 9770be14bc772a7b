/**
 * A Connect whose callback reaches the manager late (`callbackDelayMs`): the world moves time on
 * between the source's redirect and completeConnect, as an `advance` would, and records whether the
 * code had outlived the source's code lifetime by then (TraceStep.codeExpiredAtCallback).
 */
import { describe, expect, it } from 'vitest'
import { MINUTE_MS } from '../clock.ts'
import type { CreateManager } from '../manager/contract.ts'
import { createManager as reference } from '../manager/reference-manager.ts'
import type { OrgSpec } from './types.ts'
import { createWorld } from './world.ts'

const org = (provider: 'jira' | 'salesforce'): OrgSpec => ({
  teammates: ['ada'],
  packs: [{ id: 'p', provider, setup: 'central' }],
})

describe('a connect with a late callback', () => {
  it('moves time on between the redirect and completeConnect (and ticks background hooks on the way)', async () => {
    let seenAt: number | undefined
    let ticks = 0
    const watching: CreateManager = (env) => {
      const inner = reference(env)
      return {
        ...inner,
        completeConnect: (teammate, pack, url) => {
          seenAt = env.clock.now()
          return inner.completeConnect(teammate, pack, url)
        },
        background: { everyMs: MINUTE_MS, tick: async () => void ticks++ },
      }
    }
    const world = createWorld({ org: org('jira'), createManager: watching })
    const start = world.clock.now()
    const step = await world.apply({
      type: 'connect',
      teammate: 'ada',
      pack: 'p',
      callbackDelayMs: 11 * MINUTE_MS,
    })
    expect(seenAt).toBe(start + 11 * MINUTE_MS)
    expect(ticks).toBe(11)
    expect(world.clock.now()).toBe(start + 11 * MINUTE_MS)
    expect(step.codeExpiredAtCallback).toBe(true)
    expect(step.result).toMatchObject({ kind: 'outcome', outcome: { kind: 'connect_required' } })
    const next = await world.apply({ type: 'run', teammate: 'ada', pack: 'p' })
    expect(next.elapsedMs).toBe(11 * MINUTE_MS)
    await world.close()
  })

  it("reads the code lifetime from the source's policy: 11 minutes is late on Jira (10), not on Salesforce (15)", async () => {
    for (const [provider, expired] of [
      ['jira', true],
      ['salesforce', false],
    ] as const) {
      const world = createWorld({ org: org(provider), createManager: reference })
      const step = await world.apply({
        type: 'connect',
        teammate: 'ada',
        pack: 'p',
        callbackDelayMs: 11 * MINUTE_MS,
      })
      expect([provider, step.codeExpiredAtCallback]).toEqual([provider, expired])
      expect([provider, step.result.kind === 'outcome' && step.result.outcome.kind]).toEqual([
        provider,
        expired ? 'connect_required' : 'ok',
      ])
      await world.close()
    }
  })

  it('a connect without a delay records nothing; a negative delay is refused', async () => {
    const world = createWorld({ org: org('jira'), createManager: reference })
    const step = await world.apply({ type: 'connect', teammate: 'ada', pack: 'p' })
    expect(step.codeExpiredAtCallback).toBeUndefined()
    await expect(
      world.apply({ type: 'connect', teammate: 'ada', pack: 'p', callbackDelayMs: -1 }),
    ).rejects.toThrow(/callback delay >= 0/)
    await world.close()
  })
})

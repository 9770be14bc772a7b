import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock.ts'
import type { CreateManager, TokenManager } from '../manager/contract.ts'
import { createManager as reference } from '../manager/reference-manager.ts'
import type { OrgSpec } from './types.ts'
import { parseScenario } from '../scenario/load.ts'
import { replayScenario } from '../scenario/replay.ts'
import { playScripted } from '../suite/scripted.ts'
import { createWorld } from './world.ts'

const ORG: OrgSpec = { teammates: ['ada'], packs: [{ id: 'site', provider: 'jira', setup: 'central' }] }

/**
 * The reference manager plus a daily keep-alive: for every connected teammate, a run with an agent
 * call that needs nothing, which refreshes the expired access token and so resets Jira's idle timer.
 */
const withKeepAlive =
  (everyMs: number, ticks: { count: number }): CreateManager =>
  (env) => {
    const manager = reference(env)
    const connected = new Set<string>()
    return {
      ...manager,
      completeConnect: async (teammate, pack, url) => {
        const outcome = await manager.completeConnect(teammate, pack, url)
        if (outcome.kind === 'ok') connected.add(`${teammate}\u0000${pack}`)
        return outcome
      },
      background: {
        everyMs,
        tick: async () => {
          ticks.count++
          for (const key of connected) {
            const [teammate, pack] = key.split('\u0000') as [string, string]
            await manager.run(teammate, pack, async () => ({ status: 200, headers: {}, body: {} }))
          }
        },
      },
    }
  }

async function idleFor(createManager: CreateManager, days: number) {
  const world = createWorld({ org: ORG, createManager })
  await world.apply({ type: 'connect', teammate: 'ada', pack: 'site' })
  await world.apply({ type: 'run', teammate: 'ada', pack: 'site' })
  await world.apply({ type: 'advance', ms: days * DAY_MS })
  const step = await world.apply({ type: 'run', teammate: 'ada', pack: 'site' })
  await world.close()
  return { step, world }
}

describe('the background hook', () => {
  it("a daily keep-alive never hits Jira's 90-day idle expiry", async () => {
    const ticks = { count: 0 }
    const { step } = await idleFor(withKeepAlive(DAY_MS, ticks), 120)
    expect(step.result).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
    expect(ticks.count).toBe(120)
    expect(step.truthBefore).toMatchObject({ status: 'alive' })
  })

  it('without it, the grant idles out after 90 days and the run asks to reconnect', async () => {
    const { step } = await idleFor(reference, 120)
    expect(step.result).toMatchObject({ kind: 'outcome', outcome: { kind: 'connect_required' } })
    expect(step.truthAfter).toMatchObject({ status: 'ended', cause: 'refresh_idle_expired' })
  })

  it('a 365-day horizon plays at once (ticks are counted, not waited)', async () => {
    const ticks = { count: 0 }
    const { step, world } = await idleFor(withKeepAlive(DAY_MS, ticks), 365)
    expect(ticks.count).toBe(365)
    // Jira's 365-day absolute limit ends the grant whatever the keep-alive does.
    expect(step.result).toMatchObject({ kind: 'outcome', outcome: { kind: 'connect_required' } })
    expect(world.clock.now() - world.trace[0]!.atMs).toBe(365 * DAY_MS)
  })
})

describe('dispose', () => {
  it('is called for every instance the world drops: on restart and when the world closes', async () => {
    let created = 0
    let disposed = 0
    const counting: CreateManager = (env): TokenManager => {
      created++
      return { ...reference(env), dispose: () => void disposed++ }
    }
    const world = createWorld({ org: ORG, createManager: counting, managerInstances: 2 })
    await world.apply({ type: 'restart_manager' })
    expect(disposed).toBe(2)
    await world.close()
    expect(created).toBe(4)
    expect(disposed).toBe(4)
  })

  it('is called when a scripted play or a scenario replay ends', async () => {
    let created = 0
    let disposed = 0
    const counting: CreateManager = (env): TokenManager => {
      created++
      return { ...reference(env), dispose: () => void disposed++ }
    }
    await playScripted({
      org: ORG,
      createManager: counting,
      rules: [],
      script: async (play) => {
        await play({ type: 'connect', teammate: 'ada', pack: 'site' })
      },
    })
    expect([created, disposed]).toEqual([1, 1])
    const scenario = parseScenario(
      [
        'id: closes',
        'org: { teammates: [ada], packs: [{ id: site, provider: jira, setup: central }] }',
        'timeline:',
        '  - run: ada@site', // never connected: silent-refresh has nothing to say, connect-resolves neither
        '  - connect: ada@site',
        '  - restart_manager: true',
        '  - run: ada@site',
      ].join('\n'),
      'closes.yaml',
    )
    await replayScenario(scenario, { createManager: counting })
    // One instance, restarted once: two managers, both dropped.
    expect([created, disposed]).toEqual([3, 3])
  })
})

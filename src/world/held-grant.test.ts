import { describe, expect, it } from 'vitest'
import { GOOGLE_LIVE_TOKEN_LIMIT } from '../../mocks/google/index.ts'
import { HOUR_MS } from '../clock.ts'
import { createManager as reference } from '../manager/reference-manager.ts'
import { RULES, ruleAppliesTo } from '../rules/catalogue/index.ts'
import { createSimulation, playAndJudge } from '../suite/play.ts'
import { consentOnOtherDevice } from './other-device.ts'
import type { OrgSpec } from './types.ts'
import { createWorld } from './world.ts'

const ORG: OrgSpec = { teammates: ['ana'], packs: [{ id: 'g', provider: 'google', setup: 'central' }] }

/** The teammate signs in on `count` other devices (same account, same OAuth client, not the manager). */
async function otherDevices(world: ReturnType<typeof createWorld>, count: number): Promise<void> {
  const pack = world.pack('g')
  for (let i = 0; i < count; i++) {
    const failed = await consentOnOtherDevice(pack.mock, pack.descriptor, 'ana')
    expect(failed).toBeUndefined()
  }
}

describe("the oracle reads the grant the manager holds, not the account's newest", () => {
  it('Google: 100 other devices evict the manager’s token; its grant is ended (evicted), though theirs live', async () => {
    const world = createWorld({ org: ORG, createManager: reference })
    try {
      await world.apply({ type: 'connect', teammate: 'ana', pack: 'g' })
      expect(world.grantTruth('ana', 'g').status).toBe('alive')
      await otherDevices(world, GOOGLE_LIVE_TOKEN_LIMIT - 1)
      // 100 live tokens: nothing evicted yet.
      expect(world.grantTruth('ana', 'g').status).toBe('alive')
      await otherDevices(world, 1)
      expect(world.grantTruth('ana', 'g')).toMatchObject({ status: 'ended', cause: 'evicted' })
    } finally {
      await world.close()
    }
  })

  it('other devices’ grants are not the manager’s: before its own Connect it holds none', async () => {
    const world = createWorld({ org: ORG, createManager: reference })
    try {
      await otherDevices(world, 1)
      expect(world.grantTruth('ana', 'g').status).toBe('none')
    } finally {
      await world.close()
    }
  })

  it('the judged timeline: the run after the eviction prompts, and no rule calls that prompt wrong', async () => {
    const sim = createSimulation({
      org: ORG,
      createManager: reference,
      rules: RULES.filter(
        (r) => ruleAppliesTo(r, 'google') && (r.judge !== undefined || r.judgeTrace !== undefined),
      ),
    })
    try {
      await playAndJudge(sim, { type: 'connect', teammate: 'ana', pack: 'g' })
      await otherDevices(sim.world, GOOGLE_LIVE_TOKEN_LIMIT)
      await playAndJudge(sim, { type: 'advance', ms: 2 * HOUR_MS })
      const step = await playAndJudge(sim, { type: 'run', teammate: 'ana', pack: 'g' })
      expect(step.result).toMatchObject({ kind: 'outcome', outcome: { kind: 'connect_required' } })
    } finally {
      await sim.world.close()
    }
  })
})

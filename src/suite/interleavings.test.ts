import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS } from '../clock.ts'
import { createManager as referenceManager } from '../manager/reference-manager.ts'
import { ruleById } from '../rules/catalogue/index.ts'
import { createFaultyStore } from '../world/faulty-store.ts'
import { createMemoryCredentialStore } from '../manager/memory-store.ts'
import type { OrgSpec } from '../world/types.ts'
import { formatIoEvent } from './interleavings-render.ts'
import {
  interleavingStandalone,
  type InterleavingScenario,
  replayInterleaving,
  scenarioArbitrary,
} from './interleavings.ts'
import { profileFor } from './profiles.ts'

const org: OrgSpec = {
  teammates: ['alice'],
  packs: [
    {
      id: 'baseline',
      provider: 'baseline',
      setup: 'custom',
      policy: {
        accessTokenTtlMs: HOUR_MS,
        rotation: true,
        reuseLeewayMs: 0,
        reuseAfterLeeway: 'revoke_family',
      },
    },
  ],
}
const burst: InterleavingScenario = {
  org,
  instances: 2,
  events: [
    { type: 'advance', ms: HOUR_MS + MINUTE_MS },
    {
      type: 'concurrent_runs',
      runs: [
        { teammate: 'alice', pack: 'baseline', instance: 0 },
        { teammate: 'alice', pack: 'baseline', instance: 1 },
      ],
    },
  ],
}
const rules = [ruleById('rotation-is-durable'), ruleById('transient-never-prompts')]

async function io(choices: number[]): Promise<string[]> {
  const played = await replayInterleaving({
    scenario: burst,
    choices,
    createManager: referenceManager,
    rules,
  })
  expect(played.violations).toEqual([])
  return played.trace.flatMap((s) => s.io ?? []).map(formatIoEvent)
}

describe('scheduled interleavings', () => {
  it('replay the same scenario under the same choices identically', async () => {
    const choices = [3, 1, 4, 1, 5, 9, 2, 6]
    expect(await io(choices)).toEqual(await io(choices))
  })

  it('explore different orders under different choices, and only one process presents the token', async () => {
    const orders = new Set<string>()
    for (const choices of [[], [1], [1, 1, 1], [0, 1, 0, 1, 0, 1], [2, 2, 2, 2, 2, 2, 2]]) {
      const lines = await io(choices)
      orders.add(lines.join('\n'))
      expect(lines.filter((l) => l.includes('-> token: refresh'))).toHaveLength(1)
    }
    expect(orders.size).toBeGreaterThan(2)
  })

  it('generate scenarios that fit their org', () => {
    const samples = fc.sample(scenarioArbitrary(profileFor('baseline')!, 'rotating'), {
      seed: 3,
      numRuns: 50,
    })
    for (const s of samples) {
      expect(s.events.some((e) => e.type === 'concurrent_runs')).toBe(true)
      for (const e of s.events) {
        if (e.type === 'concurrent_runs') {
          for (const r of e.runs) expect(s.org.teammates).toContain(r.teammate)
          for (const r of e.runs) expect(r.instance).toBeLessThan(s.instances)
        }
      }
    }
  })

  it('skip rotation-is-durable where a provider has no rotating setup, and run the rest', async () => {
    const google = profileFor('google')
    if (!google) return
    const context = {
      provider: 'google' as const,
      profile: google,
      createManager: referenceManager,
      seed: 1,
      runs: 5,
    }
    const rotation = await interleavingStandalone('rotation-is-durable', context, rules, 5)
    expect(rotation.status).toBe('skip')
    const transient = await interleavingStandalone('transient-never-prompts', context, rules, 5)
    expect(transient.status).toBe('pass')
    expect(transient.runs).toBe(5)
  })
})

describe('the faulty store', () => {
  it('fails the writes it was told to, after letting some through', async () => {
    const store = createFaultyStore(createMemoryCredentialStore())
    const credential = { accessToken: 'x', obtainedAt: 0 }
    store.failWrites(2, 1)
    expect(await store.compareAndSet('k', 0, credential)).toBe(true)
    await expect(store.compareAndSet('k', 1, credential)).rejects.toMatchObject({
      name: 'LabError',
      code: 'STORE_UNAVAILABLE',
    })
    await expect(store.compareAndSet('k', 1, credential)).rejects.toMatchObject({
      name: 'LabError',
      code: 'STORE_UNAVAILABLE',
    })
    expect(store.pendingWriteFailures()).toBe(0)
    expect(await store.compareAndSet('k', 1, credential)).toBe(true)
    expect((await store.get('k'))?.version).toBe(2)
  })
})

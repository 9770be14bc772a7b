import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createReferenceManager } from '../manager/reference-manager.ts'
import { fitEventToOrg, replayTimeline, setupEvents } from '../suite/play.ts'
import { profiledProviders, profileFor } from '../suite/profiles.ts'
import { eventArbitrary } from '../suite/timeline-arbitrary.ts'
import { createMockPool } from './mock-pool.ts'
import type { OrgSpec, TimelineEvent } from './types.ts'
import { createWorld } from './world.ts'

/**
 * Generated orgs, each with two timelines (fitted to the org as the suite fits them): the second
 * plays on the mocks the first left dirty.
 */
function samples(provider: (typeof PROVIDERS)[number], count: number, seed: number) {
  const profile = profileFor(provider)!
  const timeline = fc.array(eventArbitrary(profile), { minLength: 5, maxLength: 25 })
  const fitted = (org: OrgSpec, events: readonly TimelineEvent[]): TimelineEvent[] => [
    ...setupEvents(org),
    ...events.map((e) => fitEventToOrg(org, e)).filter((e): e is TimelineEvent => e !== undefined),
  ]
  return fc
    .sample(fc.tuple(profile.org, timeline, timeline), { numRuns: count, seed })
    .map(([org, first, second]) => ({ org, timelines: [fitted(org, first), fitted(org, second)] }))
}

const PROVIDERS = profiledProviders()

async function traceOf(
  org: OrgSpec,
  events: readonly TimelineEvent[],
  mocks?: ReturnType<typeof createMockPool>,
) {
  const { trace } = await replayTimeline({
    org,
    events,
    createManager: createReferenceManager,
    rules: [],
    ...(mocks ? { mocks } : {}),
  })
  // The manager draws each authorize `state` at random: the one part of a trace no seed fixes.
  const text = JSON.stringify(trace, (key, value: unknown) => (key === 'state' ? '[random]' : value))
  return text
}

/** The first difference and a little around it (two whole traces would bury it). */
function firstDifference(a: string, b: string): string {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return i === a.length && i === b.length
    ? 'none'
    : `at ${i}: ${a.slice(i - 200, i + 120)}  VS  ${b.slice(i - 200, i + 120)}`
}

describe('mock pool: a reset mock plays exactly as a new one', () => {
  it.each(
    PROVIDERS,
  )('%s: the same timelines give the same traces on pooled and on new mocks', async (provider) => {
    const pool = createMockPool()
    for (const { org, timelines } of samples(provider, 8, 7))
      for (const events of timelines)
        expect(firstDifference(await traceOf(org, events, pool), await traceOf(org, events))).toBe('none')
    expect(pool.stats().reused).toBeGreaterThan(0)
  })

  it('a closed world answers no more requests: a late one cannot reach a mock another world leased', async () => {
    const pool = createMockPool()
    const org: OrgSpec = { teammates: ['ada'], packs: [{ id: 'crm', provider: 'baseline', setup: 'custom' }] }
    const world = createWorld({ org, createManager: createReferenceManager, mocks: pool })
    const metadata = `${world.pack('crm').mock.issuer}/.well-known/oauth-authorization-server`
    expect((await world.fetch(metadata)).status).toBe(200)
    await world.close()
    await expect(world.fetch(metadata)).rejects.toThrow('belongs to a world that has closed')
    const next = createWorld({ org, createManager: createReferenceManager, mocks: pool })
    expect(pool.stats()).toEqual({ built: 1, reused: 1 })
    await next.close()
  })

  it('shares a mock only between packs with the same factory input', async () => {
    const pool = createMockPool()
    const org = (site: string): OrgSpec => ({
      teammates: ['ada'],
      packs: [{ id: 'jira', provider: 'jira', setup: 'custom', instance: site }],
    })
    for (const site of ['acme', 'globex', 'acme']) {
      const world = createWorld({ org: org(site), createManager: createReferenceManager, mocks: pool })
      await world.close()
    }
    expect(pool.stats()).toEqual({ built: 2, reused: 1 })
  })
})

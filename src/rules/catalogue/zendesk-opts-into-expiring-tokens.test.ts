import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../../manager/reference-manager.ts'
import { mutantById } from '../../../scenarios/mutants/index.ts'
import { replayTimeline } from '../../suite/play.ts'
import type { OrgSpec, TimelineEvent } from '../../world/types.ts'
import { zendeskOptsIntoExpiringTokens } from './zendesk-opts-into-expiring-tokens.ts'

const org = (tokens: 'legacy' | 'expiring'): OrgSpec => ({
  teammates: ['alice'],
  packs: [{ id: 'zendesk', provider: 'zendesk', setup: 'central', instance: 'acme', options: { tokens } }],
})
const events: TimelineEvent[] = [
  { type: 'connect', teammate: 'alice', pack: 'zendesk' },
  { type: 'run', teammate: 'alice', pack: 'zendesk' },
]
const play = (o: OrgSpec, createManager = referenceManager) =>
  replayTimeline({ org: o, createManager, rules: [zendeskOptsIntoExpiringTokens], events })
const neverOptsIn = mutantById('zendesk-never-opts-in').createManager

describe('zendesk-opts-into-expiring-tokens', () => {
  it('passes the reference manager, which sends expires_in on every Connect', async () => {
    expect((await play(org('legacy'))).violations).toEqual([])
  })

  it('blames the Connect that left a legacy client on a non-expiring grant, at that step', async () => {
    const r = await play(org('legacy'), neverOptsIn)
    expect(r.violations.map((v) => [v.rule, v.stepIndex])).toEqual([['zendesk-opts-into-expiring-tokens', 0]])
    expect(r.violations[0]?.because).toMatch(/did not send expires_in/)
    // Nothing else shows it: the legacy token works.
    expect(r.trace[0]?.result).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
  })

  it('says nothing on an enforced client, where opting in changes nothing', async () => {
    expect((await play(org('expiring'), neverOptsIn)).violations).toEqual([])
  })
})

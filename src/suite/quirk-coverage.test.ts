import { describe, expect, it } from 'vitest'
import { allQuirks } from '../../mocks/quirk-registry.ts'
import type { OrgSpec, TraceStep } from '../world/types.ts'
import { QuirkCoverageCollector } from './quirk-coverage.ts'

const ORG: OrgSpec = {
  teammates: ['alice'],
  packs: [{ id: 'jira', provider: 'jira', setup: 'central', approvalRequired: true }],
}

function step(patch: Partial<TraceStep>): TraceStep {
  return {
    index: 0,
    atMs: 0,
    elapsedMs: 0,
    event: { type: 'run', teammate: 'alice', pack: 'jira' },
    result: { kind: 'none' },
    requests: [],
    ledger: [],
    ...patch,
  }
}

describe('quirk coverage', () => {
  it('counts a quirk once per step it is seen in, from the source records only', () => {
    const c = new QuirkCoverageCollector()
    const reuse = step({
      ledger: [
        {
          type: 'refresh',
          atMs: 0,
          login: 'alice',
          clientId: 'c',
          familyId: 'f',
          presented: 'retired_within_leeway',
          result: 'issued',
          pack: 'jira',
        },
        {
          type: 'family_ended',
          atMs: 0,
          login: 'alice',
          clientId: 'c',
          familyId: 'f',
          cause: 'refresh_absolute_expired',
          pack: 'jira',
        },
      ],
    })
    c.observe([reuse, { ...reuse, index: 1 }], ORG)
    const q = c.report(['jira'])
    expect(q.fired['jira.reuse-leeway-10-minutes']).toBe(2)
    expect(q.fired['jira.absolute-expiry-365-days']).toBe(2)
    expect(q.fired['jira.idle-expiry-90-days']).toBe(0)
  })

  it('an approval gate fires only on a pack that needs approval, when someone reaches consent', () => {
    const c = new QuirkCoverageCollector()
    const consent = step({
      requests: [
        {
          atMs: 0,
          method: 'GET',
          path: '/authorize',
          endpoint: 'authorize',
          status: 403,
          params: {},
          pack: 'jira',
        },
      ],
    })
    c.observe([consent], ORG)
    c.observe([consent], { ...ORG, packs: [{ ...ORG.packs[0]!, approvalRequired: false }] })
    expect(c.report(['jira']).fired['jira.site-admin-approval-gate']).toBe(1)
  })

  it('every quirk of a run provider is fired (a count), unreachable (a reason) or undetected, and nothing else', () => {
    const q = new QuirkCoverageCollector().report([
      'jira',
      'slack',
      'salesforce',
      'google',
      'zendesk',
      'databricks',
    ])
    const listed = [...Object.keys(q.fired), ...Object.keys(q.unreachable), ...q.undetected].sort()
    expect(listed).toEqual(
      allQuirks()
        .map((x) => x.id)
        .sort(),
    )
    for (const why of Object.values(q.unreachable)) expect(why.length).toBeGreaterThan(20)
    // Every quirk has a way to be seen or a reason it cannot be.
    expect(q.undetected).toEqual([])
  })
})

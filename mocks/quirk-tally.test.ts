import { describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.ts'
import { createSequentialIds } from '../src/ids.ts'
import { createGoogleMock } from './google/index.ts'
import {
  addQuirkCounts,
  createQuirkTally,
  policyLedgerQuirks,
  quirkCountsSince,
  quirkTotals,
} from './quirk-tally.ts'
import { allQuirks } from './quirk-registry.ts'

describe('quirk tally', () => {
  it('counts per mock and in the process totals, and diffs snapshots', () => {
    const before = quirkTotals()
    const a = createQuirkTally()
    const b = createQuirkTally()
    a.fire('x.one')
    a.fire('x.one')
    b.fire('x.two')
    expect(a.counts()).toEqual({ 'x.one': 2 })
    expect(b.counts()).toEqual({ 'x.two': 1 })
    expect(quirkCountsSince(before)).toEqual({ 'x.one': 2, 'x.two': 1 })
  })

  it('adds count maps (chunks of one run)', () => {
    expect(addQuirkCounts({ a: 1, b: 2 }, { b: 3, c: 1 })).toEqual({ a: 1, b: 5, c: 1 })
  })

  it('maps ledger events to the policy quirks they show', () => {
    const map = policyLedgerQuirks({ rotation: 'p.rot', noRotation: 'p.keep', reuseRevokesFamily: 'p.reuse' })
    const refresh = {
      type: 'refresh' as const,
      atMs: 0,
      login: 'ana',
      clientId: 'c',
      familyId: 'f',
      presented: 'current' as const,
      result: 'issued' as const,
    }
    const rotating = { rotation: true } as never
    expect(map(refresh, () => rotating)).toEqual(['p.rot'])
    expect(map(refresh, () => ({ rotation: false }) as never)).toEqual(['p.keep'])
    expect(
      map(
        {
          type: 'family_ended',
          atMs: 0,
          login: 'ana',
          clientId: 'c',
          familyId: 'f',
          cause: 'reuse_detected',
        },
        () => rotating,
      ),
    ).toEqual(['p.reuse'])
  })

  it('a mock records the quirk that decided its answer (Google deleted client)', async () => {
    const mock = createGoogleMock({ clock: new ManualClock(), ids: createSequentialIds() })
    const client = mock.control.createClient({ redirectUris: ['https://app.test/cb'] })
    mock.google.deleteClient(client.clientId)
    const answer = await mock.fetch(`${mock.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'whatever',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }).toString(),
    })
    expect(answer.status).toBe(401)
    expect(mock.quirks.counts()['google.deleted-client']).toBe(1)
    // Only real quirk ids are ever counted.
    const ids = new Set(allQuirks().map((q) => q.id))
    for (const id of Object.keys(mock.quirks.counts())) expect(ids.has(id)).toBe(true)
  })
})

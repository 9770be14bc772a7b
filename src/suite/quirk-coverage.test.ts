import { describe, expect, it } from 'vitest'
import { createGoogleMock } from '../../mocks/google/index.ts'
import { allQuirks, quirksOf } from '../../mocks/quirk-registry.ts'
import { ManualClock } from '../clock.ts'
import { createSequentialIds } from '../ids.ts'
import { buildQuirkCoverage, collectQuirkTally } from './quirk-coverage.ts'
import { UNREACHABLE_QUIRKS } from './quirk-reachability.ts'

const jira = quirksOf('jira').map((q) => q.id)

/** A refresh at a Google client that was deleted: the mock answers deleted_client, its quirk. */
async function refreshAtDeletedClient(): Promise<void> {
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
  await answer.body?.cancel()
}

describe('quirk coverage (counted by the mocks)', () => {
  it('lists every quirk of the run’s providers with its count, and sorts the zeros into unreachable and gaps', () => {
    const [first, second, third] = jira as [string, string, string]
    const coverage = buildQuirkCoverage({ [first]: 3 }, ['jira'], {
      [second]: 'an option no profile selects',
    })
    expect(Object.keys(coverage.fired).sort()).toEqual([...jira].sort())
    expect(coverage.fired[first]).toBe(3)
    expect(coverage.fired[second]).toBe(0)
    expect(coverage.unreachable).toEqual({ [second]: 'an option no profile selects' })
    expect(coverage.neverFired).toContain(third)
    expect(coverage.neverFired).not.toContain(first)
    expect(Object.keys(coverage.fired).some((id) => id.startsWith('slack.'))).toBe(false)
  })

  it('a reason never hides a quirk that fired', () => {
    const [first] = jira as [string]
    const coverage = buildQuirkCoverage({ [first]: 1 }, ['jira'], { [first]: 'unreachable?' })
    expect(coverage.unreachable).toEqual({})
    expect(coverage.neverFired).not.toContain(first)
  })

  it('the run’s hook counts what the mocks fired after it started, not before', async () => {
    await refreshAtDeletedClient()
    const tally = collectQuirkTally()
    expect(tally.counts()['google.deleted-client'] ?? 0).toBe(0)
    await refreshAtDeletedClient()
    await refreshAtDeletedClient()
    expect(tally.counts()['google.deleted-client']).toBe(2)
    expect(tally.coverage(['google']).fired['google.deleted-client']).toBe(2)
    expect(tally.coverage(['google']).unreachable['google.deleted-client']).toBeUndefined()
  })

  it('every reason names a real quirk and says why', () => {
    const ids = new Set(allQuirks().map((q) => q.id))
    for (const [id, why] of Object.entries(UNREACHABLE_QUIRKS)) {
      expect(ids.has(id), id).toBe(true)
      expect(why.length, id).toBeGreaterThan(20)
    }
  })
})

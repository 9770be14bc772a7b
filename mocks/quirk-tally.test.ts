import { describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.ts'
import { createSequentialIds } from '../src/ids.ts'
import { createDatabricksMock, DATABRICKS_PATHS } from './databricks/index.ts'
import { createGoogleMock } from './google/index.ts'
import { createJiraMock, JIRA_PATHS } from './jira/index.ts'
import { createSalesforceMock, SALESFORCE_PATHS } from './salesforce/index.ts'
import { createSlackMock, SLACK_PATHS } from './slack/index.ts'
import type { MockProvider } from './types.ts'
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

  describe('each quirk counts where it decides the answer, not on every request', () => {
    const base = () => ({ clock: new ManualClock(), ids: createSequentialIds() })
    const REDIRECT = 'https://app.test/cb'
    const authorize = async (mock: MockProvider, path: string, clientId: string, pkce: boolean) => {
      const url = new URL(`${mock.issuer}${path}`)
      url.searchParams.set('client_id', clientId)
      url.searchParams.set('redirect_uri', REDIRECT)
      url.searchParams.set('response_type', 'code')
      url.searchParams.set('scope', 'openid offline_access')
      url.searchParams.set('login_hint', 'ana')
      if (pkce) {
        url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
        url.searchParams.set('code_challenge_method', 'S256')
      }
      const answer = await mock.fetch(url.toString(), { redirect: 'manual' })
      await answer.body?.cancel()
    }

    it('PKCE settings (Databricks required, Salesforce optional): only an /authorize without a challenge', async () => {
      for (const [mock, path, id] of [
        [createDatabricksMock(base()), DATABRICKS_PATHS.authorize, 'databricks.pkce-required'],
        [createSalesforceMock(base()), SALESFORCE_PATHS.authorize, 'salesforce.pkce-per-app'],
      ] as const) {
        const client = mock.control.createClient({ redirectUris: [REDIRECT] })
        await authorize(mock, path, client.clientId, true)
        expect(mock.quirks.counts()[id] ?? 0, id).toBe(0)
        await authorize(mock, path, client.clientId, false)
        expect(mock.quirks.counts()[id], id).toBe(1)
      }
    })

    it('Slack: a code exchange without grant_type; Jira: a JSON token body', async () => {
      const slack = createSlackMock(base())
      const client = slack.control.createClient({ redirectUris: [REDIRECT] })
      const form = (extra: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: client.clientId,
          client_secret: client.clientSecret,
          ...extra,
        }).toString(),
      })
      await (
        await slack.fetch(
          `${slack.issuer}${SLACK_PATHS.token}`,
          form({ grant_type: 'authorization_code', code: 'x' }),
        )
      ).body?.cancel()
      expect(slack.quirks.counts()['slack.grant-type-optional'] ?? 0).toBe(0)
      await (await slack.fetch(`${slack.issuer}${SLACK_PATHS.token}`, form({ code: 'x' }))).body?.cancel()
      expect(slack.quirks.counts()['slack.grant-type-optional']).toBe(1)

      const jira = createJiraMock(base())
      const body = { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'c', client_secret: 's' }
      await (
        await jira.fetch(`${jira.issuer}${JIRA_PATHS.token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body).toString(),
        })
      ).body?.cancel()
      expect(jira.quirks.counts()['jira.json-token-body'] ?? 0).toBe(0)
      await (
        await jira.fetch(`${jira.issuer}${JIRA_PATHS.token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).body?.cancel()
      expect(jira.quirks.counts()['jira.json-token-body']).toBe(1)
    })
  })
})

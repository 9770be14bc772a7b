import { describe, expect, it } from 'vitest'
import { createManager as promptsEveryRun } from '../scenarios/mutants/prompts-every-run.ts'
import { createManager as refreshNotImplemented } from '../scenarios/mutants/refresh-not-implemented.ts'
import type { CreateManager } from './manager/contract.ts'
import { createManager } from './manager/reference-manager.ts'
import { playScripted } from './suite/scripted.ts'
import { triageTrace } from './triage.ts'
import type { OrgSpec, TimelineEvent } from './world/types.ts'

const DAY = 24 * 60 * 60 * 1000
const baselineOrg: OrgSpec = {
  teammates: ['alice', 'bob'],
  packs: [{ id: 'p', provider: 'baseline', setup: 'custom' }],
}

async function triageOf(events: TimelineEvent[], manager: CreateManager = createManager, org = baselineOrg) {
  const run = await playScripted({
    org,
    createManager: manager,
    rules: [],
    async script(play) {
      for (const e of events) await play(e)
    },
  })
  return triageTrace(run.trace, org)
}

const connect = (teammate: string, pack = 'p'): TimelineEvent => ({ type: 'connect', teammate, pack })
const run = (teammate: string, pack = 'p'): TimelineEvent => ({ type: 'run', teammate, pack })
const advance = (ms: number): TimelineEvent => ({ type: 'advance', ms })

describe('triage follows the troubleshooting table', () => {
  it('nobody prompted: quiet, no action', async () => {
    const t = await triageOf([connect('alice'), run('alice'), advance(DAY), run('alice')])
    expect(t).toMatchObject({ verdict: 'no_action', row: 'quiet' })
  })

  it('a prompt fixed by one Connect needs no action', async () => {
    const t = await triageOf([
      connect('alice'),
      { type: 'revoke', teammate: 'alice', pack: 'p', by: 'admin' },
      run('alice'),
      connect('alice'),
      run('alice'),
    ])
    expect(t).toMatchObject({ verdict: 'no_action', row: 'connect-resolves' })
    expect(t.cause).toContain('No action needed')
  })

  it('the first prompt of a teammate who never connected needs no action', async () => {
    const t = await triageOf([run('alice'), connect('alice'), run('alice')])
    expect(t).toMatchObject({ verdict: 'no_action', row: 'connect-resolves' })
  })

  it('a prompt right after a successful Connect is for the admin', async () => {
    const t = await triageOf(
      [connect('alice'), run('alice'), connect('alice'), run('alice')],
      promptsEveryRun,
    )
    expect(t).toMatchObject({ verdict: 'admin', row: 'prompted-every-time' })
    expect(t.findings[0]?.why).toContain('right after a successful Connect')
  })

  it('a daily prompt loop (a manager that never refreshes; Connect fixes it each time) is for the admin', async () => {
    const events: TimelineEvent[] = [connect('alice')]
    for (let day = 0; day < 3; day++) events.push(advance(DAY), run('alice'), connect('alice'), run('alice'))
    const t = await triageOf(events, refreshNotImplemented)
    expect(t).toMatchObject({ verdict: 'admin', row: 'prompted-every-time' })
    expect(t.findings.find((f) => f.teammate === 'alice')?.why).toMatch(/prompted to reconnect \d times/)
    // The source still honoured the grant: the cause says so, in words support can paste.
    expect(t.cause).toContain('still honoured')
  })

  it('repeated revokes by the user are not a loop: each prompt was caused on purpose', async () => {
    const events: TimelineEvent[] = [connect('alice')]
    for (let i = 0; i < 3; i++)
      events.push(
        { type: 'revoke', teammate: 'alice', pack: 'p', by: 'user' },
        run('alice'),
        connect('alice'),
      )
    const t = await triageOf(events)
    expect(t).toMatchObject({ verdict: 'no_action', row: 'connect-resolves' })
  })

  it('a token policy that ends grants every week is for the admin, with the Databricks advice', async () => {
    const org: OrgSpec = {
      teammates: ['alice'],
      packs: [{ id: 'dbx', provider: 'databricks', setup: 'custom' }],
    }
    const events: TimelineEvent[] = [connect('alice', 'dbx')]
    for (let week = 0; week < 3; week++)
      events.push(advance(8 * DAY), run('alice', 'dbx'), connect('alice', 'dbx'))
    const t = await triageOf(events, createManager, org)
    expect(t).toMatchObject({ verdict: 'admin', row: 'prompted-every-time' })
    expect(t.cause).toContain('Databricks recommends about 90 days')
  })

  it('Connect failing after a secret rotation is for the admin: update the secret', async () => {
    const t = await triageOf([{ type: 'rotate_secret', pack: 'p' }, connect('alice')])
    expect(t).toMatchObject({ verdict: 'admin', row: 'connect-fails' })
    expect(t.cause).toContain('client secret was rotated')
  })

  it('Connect stuck at a Jira site not yet approved is for the admin: the site admin must authorize the app', async () => {
    const org: OrgSpec = {
      teammates: ['alice'],
      packs: [{ id: 'acme', provider: 'jira', setup: 'custom', approvalRequired: true }],
    }
    const t = await triageOf([connect('alice', 'acme')], createManager, org)
    expect(t).toMatchObject({ verdict: 'admin', row: 'connect-fails' })
    expect(t.cause).toContain('A Jira site admin must authorize the OAuth app')
  })

  it('several teammates in trouble at the same time is for support', async () => {
    const t = await triageOf([
      connect('alice'),
      connect('bob'),
      { type: 'fault', pack: 'p', endpoint: 'api', fault: { kind: 'http_error', status: 502 }, times: 2 },
      run('alice'),
      run('bob'),
    ])
    expect(t).toMatchObject({ verdict: 'support', row: 'many-teammates' })
    expect(t.cause).toContain('platform-level issue')
  })

  it('one teammate in trouble is not a platform issue', async () => {
    const t = await triageOf([
      connect('alice'),
      { type: 'fault', pack: 'p', endpoint: 'api', fault: { kind: 'http_error', status: 502 }, times: 1 },
      run('alice'),
    ])
    expect(t.verdict).toBe('no_action')
  })

  it('the window and the head count are parameters', async () => {
    const events: TimelineEvent[] = [
      connect('alice'),
      connect('bob'),
      { type: 'fault', pack: 'p', endpoint: 'api', fault: { kind: 'http_error', status: 502 }, times: 2 },
      run('alice'),
      run('bob'),
    ]
    const played = await playScripted({
      org: baselineOrg,
      createManager,
      rules: [],
      async script(play) {
        for (const e of events) await play(e)
      },
    })
    expect(triageTrace(played.trace, baselineOrg, { manyTeammates: 3 }).verdict).toBe('no_action')
  })
})

import { describe, expect, it } from 'vitest'
import { createManager } from './manager/reference-manager.ts'
import { playScripted } from './suite/scripted.ts'
import { triageTrace } from './triage.ts'
import type { OrgSpec, TimelineEvent } from './world/types.ts'
import { createManager as promptsEveryRun } from '../scenarios/mutants/prompts-every-run.ts'

const org: OrgSpec = {
  teammates: ['alice', 'bob'],
  packs: [{ id: 'p', provider: 'baseline', setup: 'custom' }],
}

async function triageOf(events: TimelineEvent[], manager = createManager) {
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

describe('triage follows the troubleshooting table', () => {
  it('a prompt fixed by one Connect needs no action', async () => {
    const t = await triageOf([
      { type: 'connect', teammate: 'alice', pack: 'p' },
      { type: 'revoke', teammate: 'alice', pack: 'p', by: 'admin' },
      { type: 'run', teammate: 'alice', pack: 'p' },
      { type: 'connect', teammate: 'alice', pack: 'p' },
      { type: 'run', teammate: 'alice', pack: 'p' },
    ])
    expect(t.verdict).toBe('no_action')
  })

  it('a prompt on every run, even after Connect, is for the admin', async () => {
    const t = await triageOf(
      [
        { type: 'connect', teammate: 'alice', pack: 'p' },
        { type: 'run', teammate: 'alice', pack: 'p' },
        { type: 'connect', teammate: 'alice', pack: 'p' },
        { type: 'run', teammate: 'alice', pack: 'p' },
      ],
      promptsEveryRun,
    )
    expect(t.verdict).toBe('admin')
    expect(t.findings[0]?.why).toContain('every run')
  })

  it('Connect failing is for the admin', async () => {
    const t = await triageOf([
      { type: 'rotate_secret', pack: 'p' },
      { type: 'connect', teammate: 'alice', pack: 'p' },
    ])
    expect(t.verdict).toBe('admin')
  })

  it('several teammates in trouble at the same time is for support', async () => {
    const t = await triageOf([
      { type: 'connect', teammate: 'alice', pack: 'p' },
      { type: 'connect', teammate: 'bob', pack: 'p' },
      { type: 'fault', pack: 'p', endpoint: 'api', fault: { kind: 'http_error', status: 502 }, times: 2 },
      { type: 'run', teammate: 'alice', pack: 'p' },
      { type: 'run', teammate: 'bob', pack: 'p' },
    ])
    expect(t.verdict).toBe('support')
  })

  it('one teammate in trouble is not a platform issue', async () => {
    const t = await triageOf([
      { type: 'connect', teammate: 'alice', pack: 'p' },
      { type: 'fault', pack: 'p', endpoint: 'api', fault: { kind: 'http_error', status: 502 }, times: 1 },
      { type: 'run', teammate: 'alice', pack: 'p' },
    ])
    expect(t.verdict).toBe('no_action')
  })
})

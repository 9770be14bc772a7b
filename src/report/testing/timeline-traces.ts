/**
 * Real traces for the timeline tests: played on the reference manager and on a shipped mutant, so
 * the pictures are drawn from what the world actually records, not from hand-made steps.
 */
import { mutant as rotatedNotPersisted } from '../../../scenarios/mutants/rotated-refresh-token-not-persisted.ts'
import { DAY_MS, HOUR_MS } from '../../clock.ts'
import type { CreateManager } from '../../manager/contract.ts'
import { createManager as createReferenceManager } from '../../manager/reference-manager.ts'
import { ruleById } from '../../rules/catalogue/index.ts'
import type { Violation } from '../../rules/types.ts'
import { playScripted } from '../../suite/scripted.ts'
import type { OrgSpec, TimelineEvent, TraceStep } from '../../world/types.ts'

export interface PlayedTimeline {
  org: OrgSpec
  trace: TraceStep[]
  violations: Violation[]
}

async function play(
  org: OrgSpec,
  events: TimelineEvent[],
  createManager: CreateManager,
  rules: Parameters<typeof ruleById>[0][] = [],
): Promise<PlayedTimeline> {
  const run = await playScripted({
    org,
    createManager,
    rules: rules.map(ruleById),
    async script(step) {
      for (const e of events) await step(e)
    },
  })
  return { org, trace: run.trace, violations: run.violations }
}

const rotating: OrgSpec = {
  teammates: ['alice', 'bob'],
  packs: [
    {
      id: 'crm',
      provider: 'baseline',
      setup: 'custom',
      policy: {
        accessTokenTtlMs: HOUR_MS,
        rotation: true,
        refreshIdleTtlMs: null,
        refreshAbsoluteTtlMs: null,
      },
    },
  ],
}

/** Two teammates, refreshes every morning, a secret rotation and its fix, a revoke, a fault, a restart. */
export function busyDay(): Promise<PlayedTimeline> {
  return play(
    rotating,
    [
      { type: 'connect', teammate: 'alice', pack: 'crm' },
      { type: 'connect', teammate: 'bob', pack: 'crm' },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'advance', ms: 2 * HOUR_MS },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'run', teammate: 'bob', pack: 'crm' },
      { type: 'fault', pack: 'crm', endpoint: 'token', fault: { kind: 'http_error', status: 503 }, times: 1 },
      { type: 'advance', ms: 3 * DAY_MS },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'rotate_secret', pack: 'crm' },
      { type: 'advance', ms: 2 * HOUR_MS },
      { type: 'run', teammate: 'bob', pack: 'crm' },
      { type: 'update_secret', pack: 'crm' },
      { type: 'run', teammate: 'bob', pack: 'crm' },
      { type: 'revoke', teammate: 'alice', pack: 'crm', by: 'user' },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'connect', teammate: 'alice', pack: 'crm' },
      { type: 'restart_manager' },
      {
        type: 'concurrent_runs',
        runs: [
          { teammate: 'alice', pack: 'crm' },
          { teammate: 'bob', pack: 'crm' },
        ],
      },
    ],
    createReferenceManager,
  )
}

/** A manager that drops the rotated refresh token: prompted every morning, Connect fixes it for a day. */
export function morningLoop(): Promise<PlayedTimeline> {
  const events: TimelineEvent[] = [{ type: 'connect', teammate: 'alice', pack: 'crm' }]
  for (let day = 0; day < 3; day++) {
    events.push(
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'advance', ms: 2 * HOUR_MS },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'advance', ms: 2 * HOUR_MS },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'connect', teammate: 'alice', pack: 'crm' },
      { type: 'advance', ms: 20 * HOUR_MS },
    )
  }
  return play({ ...rotating, teammates: ['alice'] }, events, rotatedNotPersisted.createManager)
}

/** The same manager judged by silent-refresh: the trace stops at the broken step. */
export function brokenRule(): Promise<PlayedTimeline> {
  return play(
    { ...rotating, teammates: ['alice'] },
    [
      { type: 'connect', teammate: 'alice', pack: 'crm' },
      { type: 'advance', ms: 2 * HOUR_MS },
      { type: 'run', teammate: 'alice', pack: 'crm' },
      { type: 'advance', ms: 2 * HOUR_MS },
      { type: 'run', teammate: 'alice', pack: 'crm' },
    ],
    rotatedNotPersisted.createManager,
    ['silent-refresh'],
  )
}

/**
 * The oracle as a model of its own: hand-written trace steps in (what the world did and what the
 * source believes), the situations it builds out. No manager, no mock.
 */
import { describe, expect, it } from 'vitest'
import type { GrantTruth } from '../../mocks/types.ts'
import type { RunSituation, Situation } from '../rules/types.ts'
import type { OrgSpec, StepResult, TimelineEvent, TraceStep } from '../world/types.ts'
import { LINGERING_TROUBLE_MS, Oracle, resultIsAllowed } from './oracle.ts'

const ORG: OrgSpec = {
  teammates: ['alice', 'bob'],
  packs: [
    { id: 'a', provider: 'baseline', setup: 'custom' },
    { id: 'b', provider: 'baseline', setup: 'custom', approvalRequired: true },
  ],
}
const OK: StepResult = { kind: 'outcome', outcome: { kind: 'ok' } }
const PROMPT: StepResult = { kind: 'outcome', outcome: { kind: 'connect_required', reason: 'grant_invalid' } }
const ALIVE: GrantTruth = { status: 'alive', familyId: 'f1', grantedAtMs: 0, lastRefreshAtMs: 0 }
const ended = (cause: 'revoked_by_user' | 'refresh_idle_expired' | 'reuse_detected'): GrantTruth => ({
  status: 'ended',
  familyId: 'f1',
  cause,
  atMs: 0,
})

/** Feeds steps to an oracle and returns the situations of the last one. */
function situationsAfter(
  steps: Array<{
    event: TimelineEvent
    result?: StepResult
    before?: GrantTruth
    after?: GrantTruth
    atMs?: number
    fault?: boolean
    io?: TraceStep['io']
  }>,
): Situation[] {
  const oracle = new Oracle(ORG)
  let last: Situation[] = []
  steps.forEach((s, index) => {
    const pack = 'pack' in s.event ? s.event.pack : 'a'
    const step: TraceStep = {
      index,
      atMs: s.atMs ?? index,
      elapsedMs: s.atMs ?? index,
      event: s.event,
      result: s.result ?? OK,
      ...(s.before ? { truthBefore: s.before } : {}),
      ...((s.after ?? s.before) ? { truthAfter: s.after ?? s.before } : {}),
      requests: s.fault
        ? [
            {
              atMs: 0,
              method: 'POST',
              path: '/token',
              endpoint: 'token',
              status: 503,
              params: {},
              fault: 'http_error',
              pack,
            },
          ]
        : [],
      ledger: [],
      ...(s.io ? { io: s.io } : {}),
    }
    last = oracle.situations(step).map((j) => j.situation)
    oracle.judge(step, [])
  })
  return last
}

const connectA = { event: { type: 'connect', teammate: 'alice', pack: 'a' } as TimelineEvent, after: ALIVE }
const runA = (patch: Partial<Parameters<typeof situationsAfter>[0][number]> = {}) => ({
  event: { type: 'run', teammate: 'alice', pack: 'a' } as TimelineEvent,
  before: ALIVE,
  ...patch,
})
/** A run whose process crashed mid-way: it may leave a lease behind. */
const crashedRun = runA({
  io: [
    {
      kind: 'crash',
      seq: 1,
      atMs: 1,
      proc: { instance: 0, generation: 0 },
      runs: [{ id: 1, teammate: 'alice', pack: 'a' }],
    },
  ],
})
const runOf = (situations: Situation[]): RunSituation => {
  const s = situations[0]
  if (s?.kind !== 'run') throw new Error('expected a run situation')
  return s
}

describe('the oracle builds situations from the timeline and the source truth', () => {
  const rows: Array<[string, Parameters<typeof situationsAfter>[0], Partial<RunSituation>]> = [
    [
      'a run before any Connect: nothing held',
      [runA({ before: { status: 'none' } })],
      { holds: false, grant: { kind: 'none' } },
    ],
    ['after Connect: held and alive', [connectA, runA()], { holds: true, grant: { kind: 'alive' } }],
    ['a failed Connect holds nothing', [{ ...connectA, result: PROMPT }, runA()], { holds: false }],
    [
      'revoked by the user: ended by revocation',
      [connectA, runA({ before: ended('revoked_by_user') })],
      { grant: { kind: 'ended', cause: 'revoked_by_user', origin: 'revocation' } },
    ],
    [
      'idle expiry: ended by policy',
      [connectA, runA({ before: ended('refresh_idle_expired') })],
      { grant: { kind: 'ended', cause: 'refresh_idle_expired', origin: 'policy' } },
    ],
    [
      'reuse detected with nothing lost: the manager ended it',
      [connectA, runA({ before: ended('reuse_detected') })],
      { grant: { kind: 'ended', cause: 'reuse_detected', origin: 'manager' } },
    ],
    [
      'cleared by the admin: not held, cleared',
      [connectA, { event: { type: 'clear_credentials', teammate: 'alice', pack: 'a' } }, runA()],
      { holds: false, clearedSelf: true },
    ],
    [
      "another teammate's reset is noted once",
      [connectA, { event: { type: 'clear_credentials', teammate: 'bob', pack: 'a' } }, runA()],
      { othersClearedSinceLastRun: true, holds: true },
    ],
    [
      'a rotated secret is a mismatch until updated',
      [connectA, { event: { type: 'rotate_secret', pack: 'a' } }, runA()],
      { secretMismatch: true },
    ],
    [
      'an updated secret is a repair, noted on the next run',
      [
        connectA,
        { event: { type: 'rotate_secret', pack: 'a' } },
        { event: { type: 'update_secret', pack: 'a' } },
        runA(),
      ],
      { secretMismatch: false, secretRepairedSinceLastRun: true },
    ],
    [
      'a fault during the run is transient trouble',
      [connectA, runA({ fault: true })],
      { transientTrouble: true },
    ],
    [
      'the run after trouble knows it',
      [connectA, runA({ fault: true }), runA()],
      { transientTrouble: false, afterTransientTrouble: true },
    ],
    [
      'touching another pack is noted for pack isolation',
      [connectA, { event: { type: 'revoke', teammate: 'alice', pack: 'b', by: 'user' } }, runA()],
      { otherPackTouchedSinceLastRun: true },
    ],
    [
      'an indexing change on the pack is noted',
      [connectA, { event: { type: 'indexing', pack: 'a', action: 'connect' } as TimelineEvent }, runA()],
      { indexingChangedSinceLastRun: true },
    ],
    [
      'the first run after a prompt and a Connect names the prompt cause',
      [connectA, runA({ before: ended('revoked_by_user'), result: PROMPT }), connectA, runA()],
      { firstRunAfterConnect: { promptCause: 'revocation' } },
    ],
    [
      'a crash leaves trouble lingering for a while, and only a while',
      [connectA, crashedRun, runA({ atMs: LINGERING_TROUBLE_MS - 1 })],
      { transientTrouble: true },
    ],
    [
      '... and after it has passed, none',
      [connectA, crashedRun, runA({ atMs: LINGERING_TROUBLE_MS + 2 })],
      { transientTrouble: false },
    ],
  ]
  for (const [what, steps, expected] of rows) {
    it(what, () => {
      expect(runOf(situationsAfter(steps))).toMatchObject(expected)
    })
  }

  it('Connect on a gated pack: approval missing until approved', () => {
    const gate = { event: { type: 'connect', teammate: 'alice', pack: 'b' } as TimelineEvent }
    expect(situationsAfter([gate])[0]).toMatchObject({
      kind: 'connect',
      approvalMissing: true,
      approvedAfterGate: false,
    })
    expect(situationsAfter([{ event: { type: 'approve_app', pack: 'b' } }, gate])[0]).toMatchObject({
      approvalMissing: false,
      approvedAfterGate: true,
    })
  })
})

describe('resultIsAllowed', () => {
  const rows: Array<[StepResult, Parameters<typeof resultIsAllowed>[1], boolean]> = [
    [OK, [{ kind: 'ok' }], true],
    [OK, [{ kind: 'retry_later' }], false],
    [PROMPT, [{ kind: 'connect_required', reasons: ['grant_invalid'] }], true],
    [PROMPT, [{ kind: 'connect_required', reasons: ['grant_expired'] }], false],
    [
      { kind: 'outcome', outcome: { kind: 'blocked', reason: 'x', contact: 'support' } },
      [{ kind: 'blocked', contact: 'admin' }],
      false,
    ],
    [{ kind: 'stuck_at_source', status: 403 }, [{ kind: 'stuck_at_source' }], true],
    [{ kind: 'manager_error', message: 'boom' }, [{ kind: 'ok' }, { kind: 'retry_later' }], false],
    [{ kind: 'none' }, [{ kind: 'ok' }], false],
  ]
  for (const [result, allowed, expected] of rows) {
    it(`${JSON.stringify(result)} in ${JSON.stringify(allowed)}: ${expected}`, () => {
      expect(resultIsAllowed(result, allowed)).toBe(expected)
    })
  }
})

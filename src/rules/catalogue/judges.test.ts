/**
 * The judges on their own: a situation in, the allowed results out, no manager and no world. Each row
 * names a rule, the situation (a healthy run of a connected teammate, changed by `with`), and what
 * the rule must allow there (`silent`: the rule has nothing to say).
 */
import { describe, expect, it } from 'vitest'
import type { ConnectReason, ProviderId } from '../../manager/contract.ts'
import { formatAllowed } from '../../oracle/oracle.ts'
import { DEAD_GRANT_ANSWER, deadGrantReasons } from '../allowed.ts'
import type { ConnectSituation, GrantState, RuleId, RunSituation, Situation } from '../types.ts'
import { ruleById } from './index.ts'

const ALIVE: GrantState = { kind: 'alive' }
const REVOKED: GrantState = { kind: 'ended', cause: 'revoked_by_user', origin: 'revocation' }
const EXPIRED: GrantState = { kind: 'ended', cause: 'refresh_idle_expired', origin: 'policy' }
const REUSED: GrantState = { kind: 'ended', cause: 'reuse_detected', origin: 'manager' }
const LOST: GrantState = { kind: 'ended', cause: 'reuse_detected', origin: 'lost_response' }

function run(provider: ProviderId, patch: Partial<RunSituation> = {}): RunSituation {
  return {
    kind: 'run',
    teammate: 'alice',
    pack: provider,
    provider,
    holds: true,
    clearedSelf: false,
    othersClearedSinceLastRun: false,
    grant: ALIVE,
    grantAfter: ALIVE,
    secretMismatch: false,
    secretRepairedSinceLastRun: false,
    transientTrouble: false,
    otherPackTouchedSinceLastRun: false,
    indexingChangedSinceLastRun: false,
    ...patch,
  }
}

function connect(provider: ProviderId, patch: Partial<ConnectSituation> = {}): ConnectSituation {
  return {
    kind: 'connect',
    teammate: 'alice',
    pack: provider,
    provider,
    secretMismatch: false,
    transientTrouble: false,
    approvalMissing: false,
    approvedAfterGate: false,
    codeExpired: false,
    ...patch,
  }
}

const ANY_DEAD = 'connect_required(grant_expired|grant_revoked|grant_invalid|not_connected)'

/** [rule, situation, allowed (formatAllowed) or 'silent'] */
const TABLE: ReadonlyArray<[RuleId, Situation, string]> = [
  // silent-refresh: a healthy run must be silent; a fault adds retry_later; nothing else is its business.
  ['silent-refresh', run('baseline'), 'ok'],
  ['silent-refresh', run('baseline', { transientTrouble: true }), 'ok or retry_later'],
  ['silent-refresh', run('salesforce', { indexingChangedSinceLastRun: true }), 'ok'],
  ['silent-refresh', run('baseline', { grant: REVOKED }), 'silent'],
  ['silent-refresh', run('baseline', { secretMismatch: true }), 'silent'],
  ['silent-refresh', run('baseline', { holds: false }), 'silent'],
  ['silent-refresh', run('baseline', { grantAfter: EXPIRED }), 'silent'],
  ['silent-refresh', connect('baseline'), 'silent'],
  // expiry-prompts-once
  ['expiry-prompts-once', run('jira', { grant: EXPIRED }), ANY_DEAD],
  [
    'expiry-prompts-once',
    run('slack', { grant: EXPIRED }),
    'connect_required(grant_invalid|not_connected|grant_expired)',
  ],
  [
    'expiry-prompts-once',
    run('baseline', { grant: EXPIRED, secretMismatch: true }),
    `${ANY_DEAD} or blocked(admin)`,
  ],
  [
    'expiry-prompts-once',
    run('baseline', { grant: EXPIRED, transientTrouble: true }),
    `${ANY_DEAD} or retry_later`,
  ],
  ['expiry-prompts-once', run('baseline', { firstRunAfterConnect: { promptCause: 'policy' } }), 'ok'],
  ['expiry-prompts-once', run('baseline', { grant: REVOKED }), 'silent'],
  ['expiry-prompts-once', run('baseline', { grant: EXPIRED, holds: false }), 'silent'],
  // revocation-prompts: on Slack (answers that tell the causes apart) "expired" is the wrong reason.
  ['revocation-prompts', run('google', { grant: REVOKED }), ANY_DEAD],
  [
    'revocation-prompts',
    run('slack', { grant: REVOKED }),
    'connect_required(grant_invalid|not_connected|grant_revoked)',
  ],
  ['revocation-prompts', run('baseline', { firstRunAfterConnect: { promptCause: 'revocation' } }), 'ok'],
  ['revocation-prompts', run('baseline', { grant: EXPIRED }), 'silent'],
  ['revocation-prompts', run('baseline', { grant: REUSED }), 'silent'],
  // secret-mismatch-is-admin
  ['secret-mismatch-is-admin', connect('baseline', { secretMismatch: true }), 'blocked(admin)'],
  ['secret-mismatch-is-admin', connect('jira', { secretMismatch: true, approvalMissing: true }), 'silent'],
  ['secret-mismatch-is-admin', run('baseline', { secretMismatch: true }), 'ok or blocked(admin)'],
  ['secret-mismatch-is-admin', run('baseline', { secretRepairedSinceLastRun: true }), 'ok'],
  ['secret-mismatch-is-admin', run('baseline', { secretMismatch: true, grant: REVOKED }), 'silent'],
  // site-approval-gate
  ['site-approval-gate', connect('jira', { approvalMissing: true }), 'stuck_at_source or blocked(admin)'],
  ['site-approval-gate', connect('slack', { approvedAfterGate: true }), 'ok'],
  ['site-approval-gate', connect('slack', { approvedAfterGate: true, secretMismatch: true }), 'silent'],
  ['site-approval-gate', run('jira'), 'silent'],
  // pack-isolation (per run; its IO-log power is tested in pack-isolation.test.ts)
  ['pack-isolation', run('jira', { otherPackTouchedSinceLastRun: true }), 'ok'],
  ['pack-isolation', run('jira', { otherPackTouchedSinceLastRun: true, grant: REVOKED }), 'silent'],
  ['pack-isolation', run('jira'), 'silent'],
  // admin-reset
  ['admin-reset', run('baseline', { clearedSelf: true, holds: false }), ANY_DEAD],
  ['admin-reset', run('baseline', { othersClearedSinceLastRun: true }), 'ok'],
  ['admin-reset', run('baseline', { othersClearedSinceLastRun: true, grant: REVOKED }), 'silent'],
  ['admin-reset', run('baseline'), 'silent'],
  // rotation-is-durable (per run): a grant lost to the world may prompt, or come back ok; never loop.
  ['rotation-is-durable', run('jira', { grant: LOST }), `${ANY_DEAD} or ok`],
  [
    'rotation-is-durable',
    run('jira', { grant: LOST, secretMismatch: true }),
    `${ANY_DEAD} or ok or blocked(admin)`,
  ],
  ['rotation-is-durable', run('jira', { firstRunAfterConnect: { promptCause: 'lost_response' } }), 'ok'],
  ['rotation-is-durable', run('jira', { grant: REUSED }), 'silent'],
  // transient-never-prompts
  ['transient-never-prompts', run('baseline', { transientTrouble: true }), 'ok or retry_later'],
  [
    'transient-never-prompts',
    run('baseline', { transientTrouble: true, secretMismatch: true }),
    'ok or retry_later or blocked(admin)',
  ],
  ['transient-never-prompts', run('baseline', { afterTransientTrouble: true }), 'ok'],
  ['transient-never-prompts', run('baseline', { transientTrouble: true, grantAfter: EXPIRED }), 'silent'],
  ['transient-never-prompts', run('baseline', { transientTrouble: true, grant: REVOKED }), 'silent'],
  ['transient-never-prompts', run('baseline'), 'silent'],
  // connect-resolves
  ['connect-resolves', connect('baseline'), 'ok'],
  ['connect-resolves', connect('baseline', { transientTrouble: true }), 'ok or retry_later'],
  ['connect-resolves', connect('baseline', { secretMismatch: true }), 'silent'],
  ['connect-resolves', connect('jira', { approvalMissing: true }), 'silent'],
  // A callback after the code expired: Connect cannot succeed; prompt again (or retry), never ok or blocked.
  [
    'connect-resolves',
    connect('slack', { codeExpired: true }),
    'connect_required(grant_expired|grant_invalid|not_connected) or retry_later',
  ],
  ['connect-resolves', connect('jira', { codeExpired: true, secretMismatch: true }), 'silent'],
  [
    'secret-mismatch-is-admin',
    connect('jira', { codeExpired: true, secretMismatch: true }),
    'blocked(admin)',
  ],
  ['site-approval-gate', connect('slack', { approvedAfterGate: true, codeExpired: true }), 'silent'],
  ['connect-resolves', run('baseline', { firstRunAfterConnect: { promptCause: 'reset' } }), 'ok'],
  ['connect-resolves', run('baseline', { firstRunAfterConnect: { promptCause: 'manager' } }), 'silent'],
]

describe('every judge, situation by situation', () => {
  for (const [ruleId, situation, expected] of TABLE) {
    const { kind, provider, ...rest } = situation
    const shown = Object.entries(rest)
      .filter(([k, v]) => v !== false && k !== 'teammate' && k !== 'pack' && !(k === 'holds' && v === true))
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ')
    it(`${ruleId}: ${kind} on ${provider} ${shown} -> ${expected}`, () => {
      const expectation = ruleById(ruleId).judge?.(situation)
      expect(expectation === undefined ? 'silent' : formatAllowed(expectation.allowed)).toBe(expected)
      if (expectation) expect(expectation.because.length).toBeGreaterThan(10)
    })
  }

  it('covers every rule that has a per-step judge', () => {
    const judged = new Set(TABLE.map(([id]) => id))
    const withJudge = [
      'silent-refresh',
      'expiry-prompts-once',
      'revocation-prompts',
      'secret-mismatch-is-admin',
      'site-approval-gate',
      'pack-isolation',
      'admin-reset',
      'rotation-is-durable',
      'transient-never-prompts',
      'connect-resolves',
    ] as const
    for (const id of withJudge) expect(judged.has(id), id).toBe(true)
  })
})

describe('dead-grant reasons follow what the source can tell apart (connectors.md)', () => {
  const rows: ReadonlyArray<[ProviderId, 'revocation' | 'policy', ConnectReason, boolean]> = [
    ['jira', 'policy', 'grant_revoked', true], // "refresh_token is invalid" for both
    ['google', 'revocation', 'grant_expired', true], // "Token has been expired or revoked."
    ['salesforce', 'revocation', 'grant_expired', true], // "expired access/refresh token"
    ['databricks', 'policy', 'grant_revoked', true], // "Refresh token is invalid"
    ['slack', 'revocation', 'grant_expired', false], // no lifetime: only revocation ends a Slack grant
    ['slack', 'revocation', 'grant_revoked', true],
    ['slack', 'revocation', 'grant_invalid', true],
  ]
  for (const [provider, origin, reason, allowed] of rows) {
    it(`${provider}: a grant ended by ${origin} may${allowed ? '' : ' not'} be reported as ${reason}`, () => {
      expect(deadGrantReasons(provider, origin).includes(reason)).toBe(allowed)
    })
  }
  it('every provider has a recorded answer with its source', () => {
    for (const [provider, answer] of Object.entries(DEAD_GRANT_ANSWER))
      expect(answer.source, provider).toMatch(/connectors\.md|mocks\/spec/)
  })
})

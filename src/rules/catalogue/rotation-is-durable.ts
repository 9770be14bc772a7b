import { ASK_ADMIN, healthy, OK, PROMPT_DEAD, withTransient } from '../allowed.ts'
import { rotationLedgerOf } from '../ledger-invariants.ts'
import type { RuleDefinition, Violation } from '../types.ts'

/**
 * Checked three ways:
 * - on every trace (judgeTrace), from the sources' ledgers joined with the processes' IO: every
 *   presentation of a refresh token the source had already replaced (outside its leeway) is
 *   attributed, and it is a violation unless the replacement never durably reached the manager
 *   (src/rules/ledger-invariants.ts). A source that honours such a token anyway makes it a double
 *   redemption: the invariant "no refresh token is redeemed twice outside the leeway because of the
 *   manager" is this check's special case;
 * - per run (judge): once the source destroyed a grant after a lost answer, the manager asks to
 *   reconnect rather than looping on "retry later", and one Connect restores silent runs;
 * - standalone: at least DEFAULT_INTERLEAVINGS scheduled interleavings per rotating provider
 *   (src/suite/interleavings.ts), shared with transient-never-prompts.
 */
export const rotationIsDurable: RuleDefinition = {
  id: 'rotation-is-durable',
  statement:
    'With rotating refresh tokens, concurrent runs, restarts and lost responses never make the manager present a refresh token the source already replaced, except where the source itself destroyed the grant.',
  source:
    'connectors.md, root causes 1, 2 and 6 (rotated refresh token not persisted, concurrent refresh of single-use tokens, write failing after the source rotated); DESIGN.md section 4.',
  providers: ['baseline', 'jira', 'slack', 'salesforce', 'zendesk', 'databricks'],
  judge(s) {
    if (s.kind !== 'run') return undefined
    if (s.holds && s.grant.kind === 'ended' && s.grant.origin === 'lost_response') {
      const allowed = s.secretMismatch ? [PROMPT_DEAD, OK, ASK_ADMIN] : [PROMPT_DEAD, OK]
      return withTransient(s, {
        allowed,
        because:
          'the source ended (or will refuse) a grant whose newest refresh token never durably reached the manager: asking to reconnect is right, looping is not',
      })
    }
    if (s.firstRunAfterConnect?.promptCause === 'lost_response' && healthy(s)) {
      return withTransient(s, {
        allowed: [OK],
        because: 'one Connect after a prompt caused by a lost answer must restore silent runs',
      })
    }
    return undefined
  },
  judgeTrace(trace, _org, indexes): Violation[] {
    return rotationLedgerOf(trace, indexes)
      .reuses.filter((r) => !r.excused)
      .map((r) => ({
        rule: 'rotation-is-durable',
        stepIndex: r.stepIndex,
        because: r.redeemed
          ? `the source redeemed a refresh token twice outside its leeway because of the manager: ${r.because}`
          : `the manager presented a refresh token the source had already replaced: ${r.because}`,
        allowed: [],
        actual: trace[r.stepIndex]?.result ?? { kind: 'none' },
      }))
  },
  standalone: (context) => context.harness.exploreInterleavings('rotation-is-durable'),
}

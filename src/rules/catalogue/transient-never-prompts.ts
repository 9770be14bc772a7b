import { formatDuration } from '../../clock.ts'
import { formatProc } from '../../world/process-io.ts'
import { ASK_ADMIN, healthy, OK, RETRY } from '../allowed.ts'
import { rotationLedgerOf } from '../ledger-invariants.ts'
import type { RuleDefinition, Violation } from '../types.ts'

export const transientNeverPrompts: RuleDefinition = {
  id: 'transient-never-prompts',
  statement:
    '5xx, 429, timeouts and resets never ask a teammate to reconnect and never discard a stored refresh token.',
  source:
    'connectors.md, root causes 6 and 7 ("a 502 read as revoked"); DESIGN.md section 4: transient failures retry with bounded backoff, never a prompt.',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run' || !s.holds || s.grant.kind !== 'alive') return undefined
    if (!s.transientTrouble) {
      // The run after one that met trouble: the refresh token it held must still be there.
      if (s.afterTransientTrouble && healthy(s)) {
        return {
          allowed: [OK],
          because:
            'the trouble has passed and the grant is alive: the stored refresh token must have survived it',
        }
      }
      return undefined
    }
    if (s.grantAfter.kind === 'ended' && s.grantAfter.origin !== 'manager') return undefined
    return {
      allowed: s.secretMismatch ? [OK, RETRY, ASK_ADMIN] : [OK, RETRY],
      because: 'the source only had transient trouble; the grant is alive',
    }
  },
  /** Bounded retries honour the source's Retry-After: no process asks a token endpoint again before it allows. */
  judgeTrace(trace, _org, indexes): Violation[] {
    return rotationLedgerOf(trace, indexes).retryAfterBreaches.map((b) => ({
      rule: 'transient-never-prompts',
      stepIndex: b.stepIndex,
      because: `${formatProc(b.proc)} asked ${b.pack}'s token endpoint again ${formatDuration(b.afterMs)} after it answered Retry-After ${formatDuration(b.retryAfterMs)} (retrying a 429 without waiting)`,
      allowed: [],
      actual: trace[b.stepIndex]?.result ?? { kind: 'none' },
    }))
  },
  standalone: (context) => context.harness.exploreInterleavings('transient-never-prompts'),
}

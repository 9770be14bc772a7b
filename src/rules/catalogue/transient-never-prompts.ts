import { ASK_ADMIN, OK, RETRY } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const transientNeverPrompts: RuleDefinition = {
  id: 'transient-never-prompts',
  statement:
    '5xx, 429, timeouts and resets never ask a teammate to reconnect and never discard a stored refresh token.',
  source:
    'connectors.md, root causes 6 and 7 ("a 502 read as revoked"); DESIGN.md section 4: transient failures retry with bounded backoff, never a prompt.',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run' || !s.transientTrouble || !s.holds || s.grant.kind !== 'alive') return undefined
    if (s.grantAfter.kind === 'ended' && s.grantAfter.origin !== 'manager') return undefined
    return {
      allowed: s.secretMismatch ? [OK, RETRY, ASK_ADMIN] : [OK, RETRY],
      because: 'the source only had transient trouble; the grant is alive',
    }
  },
}

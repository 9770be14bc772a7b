import type { ConnectReason } from '../../manager/contract.ts'
import { healthy, OK, RETRY, withTransient } from '../allowed.ts'
import type { AllowedResult, RuleDefinition } from '../types.ts'

/**
 * A Connect whose callback came after the code expired: the source refused the exchange in its own
 * dialect, so Connect did not succeed and another Connect is the cure. Honest reasons: the (code)
 * grant expired, the source refused it, nothing is connected. Not a denied consent (the teammate
 * consented), not a revocation, not a missing scope.
 */
export const LATE_CALLBACK_PROMPT: AllowedResult = {
  kind: 'connect_required',
  reasons: ['grant_expired', 'grant_invalid', 'not_connected'] satisfies ConnectReason[],
}

export const connectResolves: RuleDefinition = {
  id: 'connect-resolves',
  statement:
    'After any prompt whose cause a teammate can fix, one successful Connect makes the next run succeed: no loop.',
  source:
    'Troubleshooting page triage table: "You\'re prompted to reconnect and clicking Connect resolves it: no action needed"; "prompted to reconnect every time: your admin".',
  providers: 'all',
  judge(s) {
    if (s.kind === 'connect') {
      if (s.secretMismatch || s.approvalMissing) return undefined
      if (s.codeExpired)
        return {
          allowed: [LATE_CALLBACK_PROMPT, RETRY],
          because:
            "the callback reached the manager after the source's authorization code expired: this Connect cannot succeed, and the teammate's cure is to try Connect again (not an admin's or support's matter)",
        }
      return withTransient(s, {
        allowed: [OK],
        because: 'the source lets this teammate consent and the client secret matches',
      })
    }
    if (s.firstRunAfterConnect && s.firstRunAfterConnect.promptCause !== 'manager' && healthy(s)) {
      return withTransient(s, { allowed: [OK], because: 'the teammate just connected successfully' })
    }
    return undefined
  },
}

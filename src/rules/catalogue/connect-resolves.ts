import { healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

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

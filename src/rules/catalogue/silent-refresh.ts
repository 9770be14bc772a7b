import { healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const silentRefresh: RuleDefinition = {
  id: 'silent-refresh',
  statement: "While the source still honours a teammate's grant, no run asks to reconnect.",
  source:
    'Troubleshooting page, "Why an action keeps asking you to reconnect": Glean uses the refresh token to get new access tokens without prompting you again.',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run' || !healthy(s)) return undefined
    return withTransient(s, {
      allowed: [OK],
      because: 'the source still honours the grant and the client secret matches',
    })
  },
}

import { healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const packIsolation: RuleDefinition = {
  id: 'pack-isolation',
  statement:
    "Each pack (one per Jira site) keeps its own credentials; nothing done to one pack changes another's outcomes.",
  source:
    'Troubleshooting page, Jira: "If you manage multiple Jira sites, create a separate action pack per site so each can be bound to its own datasource instance."',
  providers: ['jira'],
  judge(s) {
    if (s.kind !== 'run' || !s.otherPackTouchedSinceLastRun || !healthy(s)) return undefined
    return withTransient(s, {
      allowed: [OK],
      because: 'only another pack was revoked, reset, re-keyed or faulted; this pack is healthy',
    })
  },
}

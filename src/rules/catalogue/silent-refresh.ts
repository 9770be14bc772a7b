import { healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

/**
 * Also the home of what was `indexing-independence` (Salesforce: "Connecting or disconnecting one
 * doesn't affect the other"). That rule judged exactly this situation narrowed to "the indexing
 * connector changed since the last run", so it could fail only where this rule fails: it was merged
 * here, and the counterexample names the indexing change when there was one (docs/RULES.md).
 */
export const silentRefresh: RuleDefinition = {
  id: 'silent-refresh',
  statement: "While the source still honours a teammate's grant, no run asks to reconnect.",
  source:
    'Troubleshooting page, "Why an action keeps asking you to reconnect": Glean uses the refresh token to get new access tokens without prompting you again; Salesforce: "[action OAuth and the indexing connector] Connecting or disconnecting one doesn\'t affect the other."',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run' || !healthy(s)) return undefined
    return withTransient(s, {
      allowed: [OK],
      because: s.indexingChangedSinceLastRun
        ? "the source still honours the grant; only the search-indexing connector's own app changed"
        : 'the source still honours the grant and the client secret matches',
    })
  },
}

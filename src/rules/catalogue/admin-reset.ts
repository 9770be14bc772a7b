import { DEAD_GRANT_REASONS, healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const adminReset: RuleDefinition = {
  id: 'admin-reset',
  statement:
    "Clearing a teammate's stored credentials makes that teammate's next run ask to Connect, and nobody else's.",
  source:
    'Troubleshooting page, "Re-authenticate an action / As an admin": find the teammate ... clear their stored credentials; ask the teammate to re-run the agent and click Connect.',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run') return undefined
    if (s.clearedSelf) {
      return {
        allowed: [{ kind: 'connect_required', reasons: DEAD_GRANT_REASONS }],
        because: "the admin cleared this teammate's stored credentials",
      }
    }
    if (s.othersClearedSinceLastRun && healthy(s)) {
      return withTransient(s, {
        allowed: [OK],
        because: "another teammate's reset must not touch this teammate",
      })
    }
    return undefined
  },
}

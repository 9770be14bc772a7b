import { ASK_ADMIN, healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const secretMismatchIsAdmin: RuleDefinition = {
  id: 'secret-mismatch-is-admin',
  statement:
    'A custom app whose secret was rotated but not updated fails every teammate of that pack with contact `admin`, destroys no stored grant, and recovers without reconnecting once the admin updates the secret (where the source keeps grants across secret rotation).',
  source:
    'Troubleshooting page: "The custom OAuth app\'s client secret was rotated but not updated in the Glean Admin Console"; triage: "Clicking Connect fails ...: your admin — the OAuth app may be misconfigured".',
  providers: 'all',
  judge(s) {
    if (s.kind === 'connect') {
      // An unapproved app stops Connect at the source before the secret is used: site-approval-gate judges it.
      if (!s.secretMismatch || s.approvalMissing) return undefined
      return withTransient(s, {
        allowed: [ASK_ADMIN],
        because: 'the console holds a client secret the source no longer accepts',
      })
    }
    if (s.holds && s.secretMismatch && s.grant.kind === 'alive') {
      // A still-valid access token needs no client secret, so a silent run is fine; a prompt never is.
      return withTransient(s, {
        allowed: [OK, ASK_ADMIN],
        because: 'the client secret is wrong, which only an admin can fix; the grant itself is alive',
      })
    }
    if (s.secretRepairedSinceLastRun && healthy(s)) {
      return withTransient(s, {
        allowed: [OK],
        because: 'the admin updated the secret and the grant survived the rotation',
      })
    }
    return undefined
  },
}

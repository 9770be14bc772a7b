import { ASK_ADMIN, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const siteApprovalGate: RuleDefinition = {
  id: 'site-approval-gate',
  statement:
    "Before a Jira site admin authorizes the app for the site, other teammates' Connect fails with contact `admin`; afterwards they connect normally. Same shape for Salesforce app install and Slack app approval.",
  source:
    'Troubleshooting page, Jira: "a Jira site admin must authorize the OAuth app for your Atlassian site. Until this is done, other teammates will see authorization errors"; triage: "Clicking Connect fails or doesn\'t show an authorization screen: your admin".',
  providers: ['jira', 'salesforce', 'slack'],
  judge(s) {
    if (s.kind !== 'connect') return undefined
    if (s.approvalMissing) {
      // Jira keeps the browser on its own error page (the product shows "ask your admin");
      // Salesforce and Slack redirect back with an error the manager must read as an admin matter.
      return withTransient(s, {
        allowed: [{ kind: 'stuck_at_source' }, ASK_ADMIN],
        because: 'the source still needs an admin to approve the app',
      })
    }
    // A callback that came after the code expired cannot connect: connect-resolves judges it.
    if (s.approvedAfterGate && !s.secretMismatch && !s.codeExpired) {
      return withTransient(s, {
        allowed: [OK],
        because: 'an admin approved the app, so Connect works normally',
      })
    }
    return undefined
  },
}

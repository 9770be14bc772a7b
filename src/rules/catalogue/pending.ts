import type { RuleDefinition } from '../types.ts'

/**
 * Rules from DESIGN.md section 5 whose checks live with the connector, concurrency and CI work.
 * They are listed so `reconnect-lab list` and the report show the whole catalogue; a rule without a
 * judge is reported as `skip`, never as a pass.
 */
export const pendingRules: RuleDefinition[] = [
  {
    id: 'site-approval-gate',
    statement:
      "Before a Jira site admin authorizes the app for the site, other teammates' Connect fails with contact `admin`; afterwards they connect normally. Same shape for Salesforce app install and Slack app approval.",
    source:
      'Troubleshooting page, Jira: "a Jira site admin must authorize the OAuth app for your Atlassian site".',
    providers: ['jira', 'salesforce', 'slack'],
  },
  {
    id: 'pack-isolation',
    statement:
      "Each pack (one per Jira site) keeps its own credentials; nothing done to one pack changes another's outcomes.",
    source: 'Troubleshooting page, Jira: "create a separate action pack per site".',
    providers: ['jira'],
  },
  {
    id: 'indexing-independence',
    statement:
      "Salesforce action OAuth and the search-indexing connector's OAuth are separate: connecting, disconnecting or revoking one leaves the other alone.",
    source: 'Troubleshooting page, Salesforce: "Connecting or disconnecting one doesn\'t affect the other."',
    providers: ['salesforce'],
  },
  {
    id: 'long-lived-stays-quiet',
    statement:
      'Zendesk teammates who use it daily are not asked to reconnect, on legacy non-expiring and on new expiring tokens alike.',
    source:
      'Troubleshooting page, Zendesk: "teammates should not need to reconnect Zendesk actions on a daily basis".',
    providers: ['zendesk'],
  },
  {
    id: 'rotation-is-durable',
    statement:
      'With rotating refresh tokens, concurrent runs, restarts and lost responses never make the manager present a refresh token the source already replaced, except where the source itself destroyed the grant.',
    source: 'connectors.md, root causes 1, 2 and 6.',
    providers: ['baseline', 'jira', 'slack', 'salesforce', 'zendesk', 'databricks'],
  },
  {
    id: 'policy-sets-the-pace',
    statement:
      "Over a horizon, the number of reconnect prompts equals what the source's refresh policy implies: no more, no fewer.",
    source: 'Troubleshooting page tip: "check the refresh token lifetime policy in the source system".',
    providers: ['databricks', 'google', 'jira', 'salesforce'],
  },
  {
    id: 'unsupported-setup-rejected',
    statement:
      'Jira Data Center, Slack with a central app, and Google domain-wide delegation are refused when the pack is defined, with a message saying why.',
    source:
      'Troubleshooting page: Jira Data Center "isn\'t supported"; Slack "custom OAuth only"; Google "don\'t support Domain-wide Delegation".',
    providers: ['jira', 'slack', 'google'],
  },
  {
    id: 'triage-matches-table',
    statement:
      "Triage over a trace matches the source's table: one prompt fixed by Connect is no action; a prompt on every run, or Connect failing, is admin; many teammates at once is support.",
    source: 'Troubleshooting page, "When to contact your admin vs. Glean Support".',
    providers: 'all',
  },
  {
    id: 'no-secret-leaks',
    statement: 'No token, code or client secret appears in any report, log line or error message.',
    source: 'DEVELOPERS.md, Standards: Secrets.',
    providers: 'all',
  },
]

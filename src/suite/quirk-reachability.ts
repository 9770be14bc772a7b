/**
 * Why a quirk cannot fire in the default `run` (reference manager, default profiles): an option the
 * default run does not select, a path the reference manager never takes, or a setup the harness
 * refuses before any mock exists. Used only for quirks that in fact did not fire (src/report/quirk-coverage.ts):
 * a quirk listed here that does fire is simply counted.
 */
export const UNREACHABLE_QUIRKS: Readonly<Record<string, string>> = {
  'google.reconsent-revokes-previous':
    'UNCONFIRMED option reconsentRevokesPrevious, off by default; no profile selects it',
  'google.time-based-access': 'UNCONFIRMED option timeBasedAccessDays, off by default; no profile selects it',
  'google.invalid-rapt':
    'option reauthPolicyHours (a Workspace admin setting), off by default; no profile selects it',
  'google.granular-consent': 'option uncheckedScopes: no profile unticks scopes',
  'google.offline-access-required': 'the reference manager always sends access_type=offline',
  'google.no-domain-wide-delegation':
    'a refused setup: counted when unsupported-setup-rejected builds the pack, not a manager path',
  'google.testing-mode-spares-sign-in-scopes':
    'no profile selects publishingStatus testing with sign-in scopes only',
  'google.unknown-client-not-found': 'the world only sends registered client ids',
  'jira.cloud-only': 'a refused setup (deployment data_center), rejected before a mock exists',
  'jira.early-rollout-refresh-lifetime':
    'historic option refreshTokenEra early-rollout; no profile selects it',
  'jira.access-type': 'option accessType account-level; no profile selects it',
  'jira.authorize-audience': 'the reference manager always sends audience=api.atlassian.com',
  'jira.offline-access-for-refresh-token': 'the reference manager always asks for offline_access',
  'jira.api-via-cloud-id':
    'the agent calls accessible-resources, not a cloud-id API route (the mock serves /ex/jira/{cloudId}/…/myself for tests)',
  'jira.scope-mismatch-401':
    'only the /ex/jira/{cloudId}/…/myself route checks scopes; the agent does not call it',
  'jira.one-grant-reaches-all-sites': 'only the cloud-id route shows it; the agent does not call it',
  'jira.json-token-body': 'no firing hook: the body format is decided by the spec kit, not by the Jira mock',
  'jira.no-revocation-endpoint':
    'no firing hook: a 404 for a route that does not exist; the reference manager never calls it',
  'salesforce.refresh-token-needs-scope': 'the reference manager always asks for refresh_token',
  'salesforce.unknown-client-invalid-client-id': 'the world only sends registered client ids',
  'salesforce.app-install-gate': 'option appInstalled false; no profile selects it',
  'salesforce.admin-approved-users-gate': 'option permittedUsers admin_approved; no profile selects it',
  'salesforce.idle-ttl-cap-30-days':
    'no firing hook of its own: an idle expiry counts as salesforce.refresh-token-policy',
  'salesforce.connected-apps-are-independent': 'no firing hook: independence is the absence of an effect',
  'slack.refresh-token-never-expires': 'no firing hook: the absence of an expiry',
  'slack.form-only-token-body': 'the reference manager always sends a form body',
  'slack.bad-redirect-uri': 'the reference manager sends the registered redirect_uri',
  'slack.invalid-grant-type': 'the reference manager sends only standard grant types',
  'slack.user-scope-only-install': 'the Slack profile installs with bot and user scopes',
  'zendesk.revoke-current-no-op':
    'the world revokes through the control surface; the reference manager never revokes',
  'zendesk.revoke-by-token-id':
    'the world revokes through the control surface; the reference manager never revokes',
  'zendesk.subdomain-endpoints': 'counted with every Zendesk token answer',
  'zendesk.new-authorization-keeps-old-tokens':
    'no firing hook: the baseline agrees (listed for clients that assume otherwise)',
  'databricks.ttl-policy-ranges': 'no firing hook: a policy check at pack creation, not an answer',
  'databricks.default-lifetimes': 'no firing hook: the defaults are the policy every central pack runs on',
  'databricks.no-revocation-endpoint':
    'no firing hook: the route does not exist; the reference manager never calls it',
  'databricks.rotated-refresh-token-reuse':
    'only a manager that presents a rotated refresh token reaches it; the reference one does not',
  'jira.reuse-after-leeway-revokes-family':
    'only a manager that presents a retired refresh token after the 10-minute leeway reaches it; the reference one does not',
  'slack.old-refresh-token-reuse':
    'only a manager that presents a rotated-out refresh token reaches it; the reference one does not',
  'zendesk.old-refresh-token-reuse':
    'only a manager that presents a replaced refresh token reaches it; the reference one does not',
  'databricks.oidc-discovery':
    'the reference manager reads endpoints from the pack descriptor, not from discovery',
}

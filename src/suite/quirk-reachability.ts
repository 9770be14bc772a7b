/**
 * Why a quirk does not fire in the default `run` (reference manager, default profiles, the scripted
 * quirk checks): a path the reference manager never takes (it sends what the provider requires), a
 * request the world never makes, a setup the harness refuses before any mock exists, or a quirk that
 * is an absence (a route that does not exist). Used only for quirks that in fact did not fire
 * (src/suite/quirk-coverage.ts): a user's manager that takes such a path makes the quirk fire, and
 * then it is simply counted.
 *
 * Keep this list to what the default run really misses (check `quirkCoverage.unreachable` in a
 * report); a reason for a quirk that fires is never shown and only goes stale.
 */
export const UNREACHABLE_QUIRKS: Readonly<Record<string, string>> = {
  // The reference manager sends what each provider requires, so the mock never refuses it for that.
  'jira.authorize-audience': 'the reference manager always sends audience=api.atlassian.com',
  'jira.offline-access-for-refresh-token': 'the reference manager always asks for offline_access',
  'slack.form-only-token-body': 'the reference manager always sends a form body to Slack',
  'slack.grant-type-optional':
    'the reference manager always sends grant_type; a request without it (what Slack SDK installers send) is in the mock tests',
  'slack.bad-redirect-uri': 'the reference manager sends the registered redirect_uri',
  'slack.invalid-grant-type': 'the reference manager sends only standard grant types',
  'slack.install-nests-user-token':
    'the Slack packs install with user scopes only (the agent acts as the teammate), so no answer nests a user token under a bot install',
  'salesforce.refresh-token-needs-scope': 'the reference manager always asks for the refresh_token scope',
  'salesforce.pkce-per-app': 'the reference manager always sends an S256 code_challenge',
  'google.offline-access-required': 'the reference manager always sends access_type=offline',
  'google.refresh-token-on-first-consent-only':
    'the reference manager always sends prompt=consent (mutant google-reconsent-without-prompt-consent takes this path)',
  'zendesk.legacy-tokens':
    'the reference manager opts into expiring tokens (mutant zendesk-legacy-era-client takes this path)',
  'zendesk.expires-in-only-when-requested':
    'the reference manager always asks for expires_in, so every answer echoes it',
  'databricks.pkce-required': 'the reference manager always sends an S256 code_challenge',
  'databricks.offline-access-for-refresh-token': 'the reference manager always asks for offline_access',
  'databricks.oidc-discovery':
    'the reference manager reads endpoints from the pack descriptor, not from discovery',
  // Requests the world never makes.
  'salesforce.unknown-client-invalid-client-id':
    'the world only sends registered client ids; an unknown one needs a misconfigured pack, refused earlier',
  'google.unknown-client-not-found':
    'the world only sends registered client ids; an unknown one needs a misconfigured pack, refused earlier',
  'slack.invalid-client-id':
    'the world only sends registered client ids; an unknown one needs a misconfigured pack, refused earlier',
  'slack.auth-revoke':
    'the world revokes through the control surface (revoke events) and the reference manager never revokes',
  'zendesk.revoke-by-token-id':
    'the world revokes through the control surface (revoke events) and the reference manager never revokes',
  'zendesk.revoke-current-no-op':
    'the world revokes through the control surface (revoke events) and the reference manager never revokes',
  // Jira's cloud-id API: the agent calls accessible-resources only.
  'jira.api-via-cloud-id':
    'the agent calls accessible-resources, not a cloud-id API route (the mock serves /ex/jira/{cloudId}/…/myself for tests)',
  'jira.scope-mismatch-401':
    'only the /ex/jira/{cloudId}/…/myself route checks scopes, and the agent does not call it',
  'jira.one-grant-reaches-all-sites': 'only the cloud-id route shows it, and the agent does not call it',
  // Refused setups: the pack never gets a mock that could answer.
  'jira.cloud-only':
    'a refused setup (deployment data_center): the harness refuses the pack before its mock is built; unsupported-setup-rejected and the mock tests cover it',
  'google.no-domain-wide-delegation':
    'a refused setup (domainWideDelegation): the harness refuses the pack before its mock is built; unsupported-setup-rejected and the mock tests cover it',
  // Absences: nothing answers, so nothing can record an answer.
  'jira.no-revocation-endpoint':
    'an absence (no revocation route, a 404), and the reference manager never calls one',
  'databricks.no-revocation-endpoint':
    'an absence (no revocation route unless revocation: rfc7009), and the reference manager never calls one',
}

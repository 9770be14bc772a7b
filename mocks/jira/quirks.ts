/**
 * Atlassian / Jira Cloud OAuth 2.0 (3LO): where the source departs from the RFC baseline, as data.
 * Each record cites its connectors.md row (§1 unless said otherwise); an UNCONFIRMED or contested
 * behaviour is an option with a named default and the reason for it.
 */
import { defineQuirks } from '../quirk.ts'

export const jiraQuirks = defineQuirks([
  {
    id: 'jira.json-token-body',
    provider: 'jira',
    summary:
      'POST /oauth/token takes a JSON body (grant_type, client_id, client_secret, code/refresh_token, redirect_uri) and, by default, a form-encoded one too; `tokenBody: json` refuses forms with 400 invalid_request.',
    departsFrom: 'RFC 6749 §3.2 / §4.1.3 (application/x-www-form-urlencoded token requests)',
    source: 'connectors.md §1, "Token | POST https://auth.atlassian.com/oauth/token, JSON body"',
    kind: 'option',
    option: {
      name: 'tokenBody',
      values: ['json', 'json-or-form'],
      default: 'json-or-form',
      why: 'JSON is the documented body, but arctic, next-auth (openid-client) and python-social-auth post forms to the real endpoint and work (connectors.md addendum "what each provider requires of a client": accept both)',
    },
  },
  {
    id: 'jira.authorize-audience',
    provider: 'jira',
    summary:
      "/authorize requires audience=api.atlassian.com; without it the browser stays on an error page at the source (no redirect; the page wording is the mock's own).",
    departsFrom: 'RFC 6749 §4.1.1 (no audience parameter)',
    source:
      'connectors.md §1, "Authorize | GET https://auth.atlassian.com/authorize?audience=api.atlassian.com&client_id=…&prompt=consent"',
    kind: 'default',
  },
  {
    id: 'jira.offline-access-for-refresh-token',
    provider: 'jira',
    summary:
      'A refresh token is issued only when the authorize scope contains offline_access; it is not a console setting.',
    departsFrom: 'RFC 6749 §4.1.4 (the server decides whether to issue a refresh token)',
    source: 'connectors.md §1, "RT issued only if | offline_access is in the authorize scope"',
    kind: 'default',
  },
  {
    id: 'jira.rotating-refresh-tokens',
    provider: 'jira',
    summary:
      'Every refresh returns a new refresh token and retires the one sent (persistent refresh tokens are gone); a custom app cannot change the lifetimes.',
    departsFrom: 'RFC 6749 §6 (rotation is optional)',
    source:
      'connectors.md §1, "RT rotation | Always rotating (persistent RTs removed; migration deadline 31 Jan 2022)"',
    kind: 'default',
  },
  {
    id: 'jira.reuse-leeway-10-minutes',
    provider: 'jira',
    summary:
      'A retired refresh token presented within 10 minutes of its rotation still works and returns a new pair (which retires the current one).',
    departsFrom: 'RFC 6819 §5.2.2.3 / OAuth 2.1 §4.3.1 (a rotated refresh token is invalid at once)',
    source: 'connectors.md §1, "Reuse leeway | 10 minutes (raised from 3 s in late 2021)"',
    kind: 'default',
  },
  {
    id: 'jira.reuse-after-leeway-revokes-family',
    provider: 'jira',
    summary:
      'A retired refresh token presented after the 10-minute leeway is refused and every token of its family dies (Auth0 breach detection): the teammate must consent again.',
    departsFrom: 'RFC 6749 §10.4 (reuse detection is a recommendation, its scope unspecified)',
    source:
      'connectors.md §1, "Reuse leeway | … outside it, all RTs of the family are invalidated and the user must re-consent"; "Implementation | Built on Auth0 rotating refresh tokens"',
    kind: 'default',
  },
  {
    id: 'jira.idle-expiry-90-days',
    provider: 'jira',
    summary:
      'A refresh token family dies after 90 days without a successful refresh; each refresh resets the timer.',
    departsFrom: 'RFC 6749 §1.5 (refresh token lifetime unspecified)',
    source: 'connectors.md §1, "RT inactivity expiry | 90 days; reset on every successful refresh"',
    kind: 'default',
  },
  {
    id: 'jira.absolute-expiry-365-days',
    provider: 'jira',
    summary:
      'A refresh token family dies 365 days after its first grant whatever the refreshing; access tokens never outlive it.',
    departsFrom: 'RFC 6749 §1.5 (refresh token lifetime unspecified)',
    source:
      'connectors.md §1, "RT absolute expiry | 365 days from the first grant for the token family; not reset by refreshing"',
    kind: 'default',
  },
  {
    id: 'jira.early-rollout-refresh-lifetime',
    provider: 'jira',
    summary:
      'Historic mode: the 2021 rollout of rotating tokens, where a family died 30 days after the grant even with daily refresh and the reuse leeway was 3 s.',
    departsFrom: 'RFC 6749 §1.5',
    source:
      'connectors.md §1, "History quirk | Early rollout issued RTs with a 30-day life … later corrected"; "Reuse leeway | 10 minutes (raised from 3 s in late 2021)"',
    kind: 'option',
    option: {
      name: 'refreshTokenEra',
      values: ['current', 'early-rollout'],
      default: 'current',
      why: 'Atlassian corrected the 30-day bug and raised the leeway; the early behaviour only replays old reports (t/50348)',
    },
  },
  {
    id: 'jira.refresh-failure-unauthorized-client',
    provider: 'jira',
    summary:
      'A dead refresh token (unknown, rotated out, expired, revoked) answers 403 {"error":"unauthorized_client","error_description":"refresh_token is invalid"}; `documented` answers 403 {"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}.',
    departsFrom: 'RFC 6749 §5.2 (400 invalid_grant)',
    source:
      'connectors.md §1 Error responses, "Observed: RT unknown or already rotated (most common live shape) | 403 | unauthorized_client" and "Documented: … | 403 | invalid_grant"',
    kind: 'option',
    option: {
      name: 'refreshFailureShape',
      values: ['observed', 'documented'],
      default: 'observed',
      why: 'first-hand captures (raycast #11836, confluence.js "measured, not read") show unauthorized_client; connectors.md: default to the observed shape, documented selectable',
    },
  },
  {
    id: 'jira.wrong-secret-access-denied',
    provider: 'jira',
    summary:
      'A wrong client secret (or unknown client, or none) answers 401 {"error":"access_denied","error_description":"Unauthorized"}: the same error code as a teammate clicking Deny.',
    departsFrom: 'RFC 6749 §5.2 (401 invalid_client)',
    source:
      'connectors.md §1 Error responses, "Wrong client secret | 401 | access_denied"; Addendum: "rests on older evidence only: treat as the default, selectable"',
    kind: 'option',
    option: {
      name: 'clientAuthFailureShape',
      values: ['access_denied', 'invalid_client'],
      default: 'access_denied',
      why: 'the only evidence (jira.js isReauthorizationRequired docs, confluence.js guide) shows access_denied; the Addendum keeps it as default and the RFC shape selectable',
    },
  },
  {
    id: 'jira.bad-code-invalid-request',
    provider: 'jira',
    summary:
      'A bad, used or expired authorization code answers 400 {"error":"invalid_request","error_description":"authorization_code is invalid"} (`legacy`: 403 invalid_grant "Invalid authorization code"). The mock answers the same for a code sent with another redirect_uri or a wrong PKCE verifier (its own choice: UNCONFIRMED).',
    departsFrom: 'RFC 6749 §5.2 (400 invalid_grant)',
    source:
      'connectors.md Addendum, Atlassian: "Bad or used code: 400 invalid_request \\"authorization_code is invalid\\" (2023 on; 403 invalid_grant \\"Invalid authorization code\\" before)"',
    kind: 'option',
    option: {
      name: 'codeFailureShape',
      values: ['current', 'legacy'],
      default: 'current',
      why: 'the 2023-on shape is what a client meets today; the older shape replays old reports',
    },
  },
  {
    id: 'jira.token-type-observed',
    provider: 'jira',
    summary:
      'Token responses carry token_type "Bearer" as observed; `omitted` reproduces the documented example, which has no token_type (casing UNCONFIRMED).',
    departsFrom: 'RFC 6749 §5.1 (token_type REQUIRED)',
    source:
      'connectors.md §1, "Token response fields | Doc example: access_token, refresh_token, expires_in, scope. Obs: also token_type (\\"Bearer\\")"',
    kind: 'option',
    option: {
      name: 'tokenType',
      values: ['bearer', 'omitted'],
      default: 'bearer',
      why: 'connectors.md: default to the observed behaviour (token_type present) and make the documented example selectable',
    },
  },
  {
    id: 'jira.jwt-access-token',
    provider: 'jira',
    summary:
      'Access tokens are JWT-shaped (three base64url segments starting with eyJ); expires_in 3600 and space-separated scopes.',
    departsFrom: 'RFC 6749 §1.4 (access tokens are opaque strings)',
    source: 'connectors.md Addendum, Atlassian: "expires_in 3600, space-separated scopes, JWT access token"',
    kind: 'default',
  },
  {
    id: 'jira.omitted-refresh-token',
    provider: 'jira',
    summary:
      'A refresh response occasionally lacks refresh_token while the source still rotated: reachable through the `omit_refresh_token` fault (control.injectFault on the token endpoint), never on its own.',
    departsFrom: 'RFC 6749 §6 (a rotating server returns the new refresh token)',
    source:
      'connectors.md §1, "Token response fields | … refresh_token occasionally missing from a refresh response" (community.developer.atlassian.com/t/54555)',
    kind: 'option',
    option: {
      name: 'omit_refresh_token (a scheduled Fault, not a constructor option)',
      values: ['not scheduled', 'scheduled'],
      default: 'not scheduled',
      why: 'observed only "occasionally" with no known trigger, so the mock drops it only where a test or timeline schedules it',
    },
  },
  {
    id: 'jira.site-admin-approval-gate',
    provider: 'jira',
    summary:
      'With approvalRequired, consent stays on an error page at the source (HTTP 403, no redirect back) saying "Your site admin must authorize this app for the site <site>.atlassian.net before the app can access your account." until control.approve(APP_APPROVAL_KEY).',
    departsFrom: 'RFC 6749 §4.1.2.1 (errors after a valid client/redirect_uri are redirected back)',
    source:
      'connectors.md §1 Errors on the consent side, "Non-admin user, app not approved for the site | Consent screen blocks … No redirect back is described"',
    kind: 'default',
  },
  {
    id: 'jira.accessible-resources-lists-all-sites',
    provider: 'jira',
    summary:
      'GET /oauth/token/accessible-resources (Bearer) answers an array of {id (cloudId), name, url, scopes, avatarUrl}, one per site the teammate consented to, in consent order (no ordering is promised).',
    departsFrom: 'RFC 6750 (a token is not bound to a list of resources the client must discover)',
    source:
      'connectors.md §1, "Site discovery | GET https://api.atlassian.com/oauth/token/accessible-resources … no ordering guarantee"; "Cloud id from AT | Not possible; must call accessible-resources"',
    kind: 'default',
  },
  {
    id: 'jira.one-grant-reaches-all-sites',
    provider: 'jira',
    summary:
      'One grant per app per account: consenting to another site adds it to the same grant, so tokens minted before reach the new site too (per-site scopes are the granted scopes: the 2024 fix of the scope union).',
    departsFrom: 'RFC 6749 §3.3 (a token carries the scope it was issued with)',
    source:
      'connectors.md §1, "Grants per account | … consenting to another site adds it to the same grant, so existing tokens reach all consented sites/scopes"; "Multi-site quirk | … until late 2024 scopes were unioned across sites (fixed)"',
    kind: 'default',
  },
  {
    id: 'jira.access-type',
    provider: 'jira',
    summary:
      "Which sites a Connect consents to: `resource-level` the pack's site only (the user picks one site), `account-level` every site the mock knows.",
    departsFrom: 'RFC 6749 §3.3',
    source:
      'connectors.md §1, "Access type (newer console) | \\"Resource-level\\" … vs \\"Account-level\\" … UNCONFIRMED in Atlassian docs"',
    kind: 'option',
    option: {
      name: 'accessType',
      values: ['resource-level', 'account-level'],
      default: 'resource-level',
      why: 'the documented 3LO consent screen has the user pick one site; account-level comes from a third-party guide only (UNCONFIRMED)',
    },
  },
  {
    id: 'jira.api-via-cloud-id',
    provider: 'jira',
    summary:
      "The Jira REST API lives at /ex/jira/{cloudId}/rest/api/3/...: an unknown cloudId answers 404, a site the grant does not cover 401 (both the mock's choice of body), an invalid or expired token 401.",
    departsFrom: 'RFC 6750 §3 (one protected resource per token)',
    source:
      'connectors.md §1, "API base | https://api.atlassian.com/ex/jira/{cloudId}/rest/... (3LO ATs are rejected at {site}.atlassian.net)"; "Expired/invalid AT | 401 from api.atlassian.com"',
    kind: 'default',
  },
  {
    id: 'jira.scope-mismatch-401',
    provider: 'jira',
    summary:
      'A valid token without the scope an endpoint needs (read:jira-user for /myself) answers 401 "Unauthorized; scope does not match", not 403 insufficient_scope.',
    departsFrom: 'RFC 6750 §3.1 (403 insufficient_scope)',
    source:
      'connectors.md §1 Errors on the API side, "Token lacks scope for endpoint | 401 Unauthorized; scope does not match (note: 401, not 403)"',
    kind: 'default',
  },
  {
    id: 'jira.no-revocation-endpoint',
    provider: 'jira',
    summary:
      'There is no token revocation endpoint: teammates revoke in their Connected apps page, admins per user or by uninstalling (control.revokeGrant); POST /oauth/revoke and /revoke answer 404.',
    departsFrom: 'RFC 7009 (token revocation endpoint)',
    source: 'connectors.md §1, "Revoke endpoint | None documented for 3LO"',
    kind: 'default',
  },
  {
    id: 'jira.cloud-only',
    provider: 'jira',
    summary:
      'The mock is Jira Cloud 3LO only: a pack with options.deployment "data_center" is refused when the mock is created, as src/world/org.ts refuses it when the pack is defined.',
    departsFrom: 'baseline (any deployment)',
    source:
      'connectors.md §1 (Cloud 3LO only); troubleshooting page, Jira: "Jira Data Center (on-premises) isn\'t supported for actions"',
    kind: 'default',
  },
])

export type JiraQuirkId = (typeof jiraQuirks)[number]['id']

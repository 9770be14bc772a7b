/**
 * Salesforce's named deviations from the RFC baseline (connectors.md §3 and its Addendum row). Each
 * record has a test named after its id in salesforce.test.ts.
 */
import { defineQuirks } from '../quirk.ts'

export const salesforceQuirks = defineQuirks([
  {
    id: 'salesforce.pkce-per-app',
    provider: 'salesforce',
    summary:
      'PKCE is optional (verified when sent) unless the connected app sets "Require Proof Key for Code Exchange": pack option `pkce: required`, or per client through the control surface.',
    departsFrom: 'RFC 7636 §4.4.1 (PKCE optional for confidential clients in RFC 6749 + 7636)',
    source:
      'connectors.md addendum "what each provider requires of a client", Salesforce: "Optional, unless the connected app sets Require Proof Key for Code Exchange … Make it a per-app option"',
    kind: 'option',
    option: {
      name: 'pkce',
      values: ['optional', 'required'],
      default: 'optional',
      why: 'connectors.md: optional by default, a per-app setting',
    },
  },
  {
    id: 'salesforce.no-expires-in',
    provider: 'salesforce',
    summary: 'Token responses never carry expires_in; the access token still dies with the session.',
    departsFrom: 'RFC 6749 §5.1 (expires_in RECOMMENDED)',
    source: 'connectors.md §3, "Code-exchange response": "no `expires_in`"; Addendum: "Never `expires_in`."',
    kind: 'default',
  },
  {
    id: 'salesforce.issued-at-ms-string',
    provider: 'salesforce',
    summary: 'issued_at is a string of 13-digit epoch milliseconds.',
    departsFrom: 'RFC 6749 §5.1 (no issued_at member)',
    source:
      'connectors.md §3, "Code-exchange response": "`issued_at` (ms epoch **string**)"; Addendum: "a string of 13-digit epoch milliseconds (docs say seconds; captures say ms)".',
    kind: 'default',
  },
  {
    id: 'salesforce.signature',
    provider: 'salesforce',
    summary: 'Every token response carries signature = base64(HMAC-SHA256(client_secret, id + issued_at)).',
    departsFrom: 'RFC 6749 §5.1 (no signature member)',
    source:
      'connectors.md Addendum, Salesforce: "`signature` = base64(HMAC-SHA256(key = client_secret, data = id + issued_at))".',
    kind: 'default',
  },
  {
    id: 'salesforce.instance-url-and-id',
    provider: 'salesforce',
    summary:
      'Token responses name the org API host (instance_url) and the identity URL (id = …/id/<orgId>/<userId>); the API is served at instance_url.',
    departsFrom: 'RFC 6749 §5.1 (no instance discovery)',
    source:
      'connectors.md §3, "Instance discovery": "Token response `instance_url` (API host for this org) and `id`"; Mock checklist: "`instance_url` must be honoured by API calls".',
    kind: 'default',
  },
  {
    id: 'salesforce.refresh-token-needs-scope',
    provider: 'salesforce',
    summary:
      'A code exchange returns a refresh token only when the refresh_token (or offline_access) scope was granted.',
    departsFrom: 'RFC 6749 §4.1.4 (refresh token at the server’s discretion, not tied to a scope)',
    source:
      'connectors.md §3, "Code-exchange response": "`refresh_token` (only if `refresh_token`/`offline_access` scope granted)".',
    kind: 'default',
  },
  {
    id: 'salesforce.refresh-omits-refresh-token',
    provider: 'salesforce',
    summary:
      'A refresh answers the same shape minus refresh_token: the refresh token is reused, never rotated (RTR off).',
    departsFrom: 'Baseline mock default (rotating refresh tokens)',
    source:
      'connectors.md §3, "Refresh response": "Same shape minus `refresh_token` — unless Refresh Token Rotation is enabled".',
    kind: 'default',
  },
  {
    id: 'salesforce.refresh-token-rotation',
    provider: 'salesforce',
    summary:
      'With Refresh Token Rotation each refresh returns a new refresh token and invalidates the old one at once (no grace).',
    departsFrom: 'RFC 6749 §6 (rotation optional; RFC 9700 §4.14.2 allows a grace period)',
    source:
      'connectors.md §3, "Refresh Token Rotation (RTR)": "each refresh returns a new RT and immediately invalidates the old one … No grace period documented".',
    kind: 'option',
    option: {
      name: 'rtr',
      values: ['false', 'true'],
      default: 'false',
      why: 'RTR is an optional setting on connected apps and external client apps; it is off unless the app developer turns it on (mandatory only for partner apps from 2026).',
    },
  },
  {
    id: 'salesforce.rtr-reuse-revokes-family',
    provider: 'salesforce',
    summary:
      'Under RTR, presenting an invalidated refresh token revokes the current refresh token and all its access tokens and answers 400 invalid_grant "expired access/refresh token".',
    departsFrom: 'RFC 6749 §10.4 (reuse detection is a SHOULD with no prescribed answer)',
    source:
      'connectors.md §3, "Refresh Token Rotation (RTR)": "Reuse of an invalidated RT immediately revokes the current RT and all associated ATs (family revocation)"; Mock checklist: "RTR reuse → revoke the family and answer `400 invalid_grant \\"expired access/refresh token\\"`".',
    kind: 'default',
  },
  {
    id: 'salesforce.refresh-token-policy',
    provider: 'salesforce',
    summary:
      'The connected app’s refresh-token policy: valid until revoked, immediately expire, expire if not used for N, or expire after N (metadata form `specific_inactivity:30:DAYS`).',
    departsFrom: 'Baseline mock default (30-day idle TTL for every client)',
    source:
      'connectors.md §3, "RT policy options": "\\"Refresh token is valid until revoked\\" (default); \\"Immediately expire refresh token\\"; \\"Expire refresh token if not used for N units\\"; \\"Expire refresh token after N units\\"".',
    kind: 'option',
    option: {
      name: 'refreshPolicy',
      values: ['infinite', 'immediately', 'specific_inactivity:<N>:<UNIT>', 'specific_lifetime:<N>:<UNIT>'],
      default: 'infinite',
      why: 'Salesforce documents "Refresh token is valid until revoked" as the default policy. Under "immediately" the grant lives exactly one session (session timeout from the consent; the mock does not extend that session by use).',
      type: {
        kind: 'template',
        // N from 1 to 9999 (leading zeros allowed, N = 0 not): the metadata form.
        pattern:
          /^(infinite|immediately|(specific_inactivity|specific_lifetime):(?!0+:)\d{1,4}:(HOURS|DAYS|MONTHS))$/,
        expected:
          'infinite, immediately, specific_inactivity:<N>:<HOURS|DAYS|MONTHS> or specific_lifetime:<N>:<HOURS|DAYS|MONTHS> with N >= 1',
      },
    },
  },
  {
    id: 'salesforce.idle-ttl-cap-30-days',
    provider: 'salesforce',
    summary:
      'The developer’s 30-day idle cap turns "valid until revoked" into "expire if not used for 30 days" and caps every longer policy with a 30-day sliding idle TTL.',
    departsFrom: 'Baseline mock default (policy applies as set)',
    source:
      'connectors.md §3, "Idle-TTL cap": "it converts \\"valid until revoked\\" into \\"expire if not used for 30 days\\" and caps longer policies".',
    kind: 'option',
    option: {
      name: 'idleTtlCap',
      values: ['false', 'true'],
      default: 'false',
      why: 'The cap is something the app developer opts into (mandatory only for partner apps under the 2026 mandate); a plain connected app has none.',
    },
  },
  {
    id: 'salesforce.five-approvals-per-user',
    provider: 'salesforce',
    summary:
      'At most 5 approvals (refresh tokens) per user per app: the 6th silently revokes the oldest, which then answers invalid_grant.',
    departsFrom: 'RFC 6749 (no limit on concurrent grants)',
    source:
      'connectors.md §3, "Approvals cap": "Each connected app allows 5 approvals (RTs) per user; the 6th silently revokes the oldest → `invalid_grant` on the oldest token".',
    kind: 'default',
  },
  {
    id: 'salesforce.invalid-session-id',
    provider: 'salesforce',
    summary:
      'The API answers an expired, revoked or unknown access token with 401 [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}] and no Bearer challenge.',
    departsFrom: 'RFC 6750 §3 (WWW-Authenticate: Bearer error="invalid_token")',
    source:
      'connectors.md §3, "Expired AT on API": "401 `[{\\"message\\":\\"Session expired or invalid\\",\\"errorCode\\":\\"INVALID_SESSION_ID\\"}]`".',
    kind: 'default',
  },
  {
    id: 'salesforce.access-token-lifetime-is-session-timeout',
    provider: 'salesforce',
    summary:
      'An access token lives for the session timeout of inactivity (each accepted API call restarts it), never longer than its grant; the lifetime is not announced.',
    departsFrom: 'RFC 6749 §5.1 (a fixed, announced lifetime)',
    source:
      'connectors.md §3, "AT lifetime": "= session timeout (org Session Settings, default 2 h of inactivity …). Not returned to the client".',
    kind: 'option',
    option: {
      name: 'sessionTimeoutMinutes',
      values: ['15', '30', '60', '120', '240', '480', '720', '1440'],
      default: '120',
      why: 'The org Session Settings default is 2 hours; the values are the timeouts Salesforce offers.',
      type: { kind: 'number' },
    },
  },
  {
    id: 'salesforce.token-errors-are-400',
    provider: 'salesforce',
    summary:
      'Every token-endpoint error is HTTP 400, client-authentication failures included, without WWW-Authenticate; a bad grant_type says "grant type not supported".',
    departsFrom: 'RFC 6749 §5.2 (401 for invalid_client with HTTP Basic)',
    source:
      'connectors.md Addendum, Salesforce: "Every token-endpoint error seen is HTTP 400"; §3 Error responses: "Bad grant_type | 400 | unsupported_grant_type … grant type not supported".',
    kind: 'default',
  },
  {
    id: 'salesforce.wrong-secret-invalid-client-credentials',
    provider: 'salesforce',
    summary: 'A wrong client secret answers 400 invalid_client "invalid client credentials".',
    departsFrom: 'RFC 6749 §5.2 (401 invalid_client)',
    source:
      'connectors.md §3 Error responses: "Wrong client secret | 400 | invalid_client … invalid client credentials".',
    kind: 'default',
  },
  {
    id: 'salesforce.unknown-client-invalid-client-id',
    provider: 'salesforce',
    summary:
      'An unknown consumer key answers 400 invalid_client_id "client identifier invalid" (a non-RFC code).',
    departsFrom: 'RFC 6749 §5.2 (invalid_client)',
    source:
      'connectors.md §3 Error responses: "Unknown consumer key | 400 | invalid_client_id … client identifier invalid".',
    kind: 'default',
  },
  {
    id: 'salesforce.dead-refresh-token-message',
    provider: 'salesforce',
    summary:
      'A revoked, policy-expired, evicted or unknown refresh token answers 400 invalid_grant "expired access/refresh token".',
    departsFrom: 'RFC 6749 §5.2 (description free-form)',
    source:
      'connectors.md §3 Error responses: "RT revoked, expired by policy, over the 5-approval cap, \\"Immediately expire\\" policy | 400 | invalid_grant … expired access/refresh token".',
    kind: 'default',
  },
  {
    id: 'salesforce.code-errors',
    provider: 'salesforce',
    summary:
      'A reused authorization code answers invalid_grant "expired authorization code"; an unknown or expired one "authorization code expired".',
    departsFrom: 'RFC 6749 §5.2 (description free-form)',
    source:
      'connectors.md Addendum: "a reused code gives `invalid_grant` \\"expired authorization code\\""; §3 Error responses: "Bad / expired code | 400 | invalid_grant … authorization code expired (wording varies)".',
    kind: 'default',
  },
  {
    id: 'salesforce.app-install-gate',
    provider: 'salesforce',
    summary:
      'An app the org has not installed cannot be authorised by ordinary users: /authorize redirects back with error=invalid_client&error_description=app must be installed into org until an admin installs it.',
    departsFrom: 'RFC 6749 §4.1.2.1 (invalid_client is not an authorization-endpoint error)',
    source:
      'connectors.md §3 Error responses: "Uninstalled app after Sept 2025 restriction | … callback URL carries `error=invalid_client&error_description=app must be installed into org`".',
    kind: 'option',
    option: {
      name: 'appInstalled',
      values: ['true', 'false'],
      default: 'true',
      why: 'The troubleshooting page describes an installed connected app; the pack option `approvalRequired` (with approvalGate=install) starts it uninstalled. Users with "Approve Uninstalled Connected Apps" (admins, the indexing service user) pass the gate.',
      chosenBy: "the pack's approvalRequired (approvalGate: install) and the admin's approve event",
    },
  },
  {
    id: 'salesforce.admin-approved-users-gate',
    provider: 'salesforce',
    summary:
      'With "Admin approved users are pre-authorized", an unassigned user is redirected back with error=OAUTH_APP_ACCESS_DENIED until an admin pre-authorises them.',
    departsFrom: 'RFC 6749 §4.1.2.1 (error codes)',
    source:
      'connectors.md §3 Error responses: "Same, at authorize (web server flow) | redirect | `error=OAUTH_APP_ACCESS_DENIED&error_description=user is not admin approved to access this app`".',
    kind: 'option',
    option: {
      name: 'permittedUsers',
      values: ['all', 'admin_approved'],
      default: 'all',
      why: '"All users may self-authorize" is the documented default for Permitted Users.',
    },
  },
  {
    id: 'salesforce.revoke-endpoint',
    provider: 'salesforce',
    summary:
      'POST (or GET) /services/oauth2/revoke with token=… and no client authentication: an access token revokes only itself, a refresh token its whole grant; 200 on success, 400 invalid_token otherwise.',
    departsFrom: 'RFC 7009 §2 (client authentication; unknown tokens answered 200)',
    source:
      'connectors.md §3, "Revoke (programmatic)": "`POST /services/oauth2/revoke` form `token=…` (AT revokes that AT; RT revokes RT + its ATs). 200 on success; 400 with `unsupported_token_type` or `invalid_token`".',
    kind: 'default',
  },
  {
    id: 'salesforce.user-and-admin-revocation',
    provider: 'salesforce',
    summary:
      'The user (OAuth Connected Apps → Revoke) or an admin (Connected Apps OAuth Usage → Revoke) ends every approval of that user for that app, and nothing else.',
    departsFrom: 'RFC 7009 (revocation only through the endpoint)',
    source:
      'connectors.md §3, "Revoke (user)" and "Revoke (admin)"; "Per-user vs org": "Tokens are per user per org".',
    kind: 'default',
  },
  {
    id: 'salesforce.connected-apps-are-independent',
    provider: 'salesforce',
    summary:
      'Two connected apps in one org (actions and the search-indexing connector) hold separate approvals, caps and policies: revoking or evicting one never touches the other.',
    departsFrom: 'Baseline mock (one client per test)',
    source:
      'connectors.md §3, "Per-user vs org" ("Tokens are per user per org") and "Approvals cap" ("per user" per connected app); troubleshooting page, Salesforce: "Connecting or disconnecting one doesn\'t affect the other."',
    kind: 'default',
  },
])

export type SalesforceQuirkId = (typeof salesforceQuirks)[number]['id']

/**
 * Google OAuth 2.0's named deviations from the RFC baseline (connectors.md §4 and its Addendum row).
 * Each record has a test named after its id in google.test.ts.
 */
import { defineQuirks } from '../quirk.ts'

/** The sign-in scopes: granular consent cannot untick them, and they alone spare Testing mode's 7 days. */
export const GOOGLE_SIGN_IN_SCOPES: readonly string[] = [
  'openid',
  'email',
  'profile',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
]

export const googleQuirks = defineQuirks([
  {
    id: 'google.refresh-token-never-rotates',
    provider: 'google',
    summary: 'A refresh never returns a refresh token; the same refresh token keeps working.',
    departsFrom: 'Baseline mock default (rotating refresh tokens)',
    source:
      'connectors.md §4, "Refresh response": "RT is **not** rotated (same RT keeps working)"; Addendum: "a refresh never returns one".',
    kind: 'default',
  },
  {
    id: 'google.refresh-token-on-first-consent-only',
    provider: 'google',
    summary:
      'A code exchange returns a refresh token only when the user has no live one for this client, or when the authorization request said prompt=consent.',
    departsFrom: 'RFC 6749 §4.1.4 (refresh token at the server’s discretion)',
    source:
      'connectors.md §4, "Code-exchange response": "`refresh_token` (only on first consent for user+client, or with `prompt=consent`)".',
    kind: 'default',
  },
  {
    id: 'google.offline-access-required',
    provider: 'google',
    summary: 'Without access_type=offline in the authorization request no refresh token is ever issued.',
    departsFrom: 'RFC 6749 §4.1.1 (no such parameter)',
    source:
      'connectors.md §4, "Authorize": "with `access_type=offline` (needed for RT), `prompt=consent` (forces RT on re-consent)".',
    kind: 'default',
  },
  {
    id: 'google.access-token-shape',
    provider: 'google',
    summary: 'Access tokens look like `ya29.…`, refresh tokens `1//0…`; expires_in is the number 3599.',
    departsFrom: 'RFC 6749 §5.1 (opaque values)',
    source:
      'connectors.md Addendum, Google: "Access tokens `ya29.…`; `expires_in` 3599 as a number … `refresh_token` (`1//0…`)"; §4 "AT lifetime": "1 hour".',
    kind: 'default',
  },
  {
    id: 'google.unused-six-months',
    provider: 'google',
    summary: 'A refresh token unused for 6 months (taken as 183 days) stops working.',
    departsFrom: 'Baseline mock default (30-day idle TTL)',
    source: 'connectors.md §4, "RT stops working when": "unused for 6 months".',
    kind: 'option',
    option: {
      name: 'unusedExpiry',
      values: ['true', 'false'],
      default: 'true',
      why: 'Documented Google behaviour; the switch exists so a test can isolate another expiry.',
    },
  },
  {
    id: 'google.testing-mode-7-days',
    provider: 'google',
    summary:
      'An External app in publishing status Testing gets refresh tokens that expire 7 days after consent.',
    departsFrom: 'Baseline mock default (no absolute lifetime)',
    source:
      'connectors.md §4, "Testing-mode expiry": "External user type + publishing status \\"Testing\\" → RT expires after 7 days".',
    kind: 'option',
    option: {
      name: 'publishingStatus',
      values: ['production', 'testing'],
      default: 'production',
      why: 'A central app is a published, verified app; Testing is a state of a custom app an org has not published yet. `userType` (external | internal, default external) decides whether Testing applies at all.',
    },
  },
  {
    id: 'google.testing-mode-spares-sign-in-scopes',
    provider: 'google',
    summary:
      'The Testing-mode 7-day expiry does not apply when the granted scopes are within openid, email, profile.',
    departsFrom: 'Baseline mock (lifetimes do not depend on scope)',
    source: 'connectors.md §4, "Testing-mode expiry": "unless scopes ⊆ {openid, email, profile}".',
    kind: 'default',
  },
  {
    id: 'google.live-token-limit-100',
    provider: 'google',
    summary:
      'At most 100 live refresh tokens per Google Account per OAuth client: the 101st silently invalidates the oldest.',
    departsFrom: 'RFC 6749 (no limit on concurrent grants)',
    source:
      'connectors.md §4, "Live-RT limit": "100 RTs per Google Account per OAuth client ID; the 101st silently invalidates the oldest".',
    kind: 'option',
    option: {
      name: 'liveTokenLimit',
      values: ['true', 'false'],
      default: 'true',
      why: 'Documented Google behaviour; the switch exists so a test can isolate another behaviour.',
    },
  },
  {
    id: 'google.password-change-revokes-gmail',
    provider: 'google',
    summary:
      'A password change (control `google.changePassword`) ends every refresh token of that user whose scopes include Gmail; others survive.',
    departsFrom: 'RFC 6749 (grants independent of the user’s password)',
    source: 'connectors.md §4, "RT stops working when": "password change **and** RT contains Gmail scopes".',
    kind: 'default',
  },
  {
    id: 'google.invalid-rapt',
    provider: 'google',
    summary:
      'Under a Workspace reauthentication policy of N hours a grant older than N hours fails to refresh with invalid_grant and error_subtype invalid_rapt.',
    departsFrom: 'RFC 6749 §5.2 (no error_subtype member)',
    source:
      'connectors.md §4, "Workspace session control": "Admin reauth policy (1–24 h …) → refresh fails `invalid_grant` with `error_subtype` `invalid_rapt`"; Error responses: "reauth related error (invalid_rapt)".',
    kind: 'option',
    option: {
      name: 'reauthPolicyHours',
      values: ['0', '1..24'],
      default: '0',
      why: 'A Workspace admin setting that is off unless the org configures it (0 = no reauth policy). The mock counts the period from the consent that minted the grant and applies it to every grant of the client.',
      type: { kind: 'integer', min: 0, max: 24, note: '0: no reauth policy' },
    },
  },
  {
    id: 'google.granular-consent',
    provider: 'google',
    summary:
      'Users may untick individual non-sign-in scopes; `scope` in the token response is what was actually granted.',
    departsFrom: 'RFC 6749 §3.3 (the server may narrow scope, but a client is rarely prepared for it)',
    source:
      'connectors.md §4, "Granular consent": "Users may untick individual non-sign-in scopes; `scope` in the response is what was actually granted".',
    kind: 'option',
    option: {
      name: 'uncheckedScopes',
      values: ['', '<space-separated scopes>'],
      default: '',
      why: 'Users grant everything unless they untick something; `google.setUncheckedScopes(login, …)` scripts one user.',
      type: {
        kind: 'list',
        of: 'scopes',
        refused: { items: GOOGLE_SIGN_IN_SCOPES, why: 'sign-in scopes cannot be unticked' },
      },
    },
  },
  {
    id: 'google.wrong-secret-401-unauthorized',
    provider: 'google',
    summary: 'A wrong (or rotated) client secret answers 401 invalid_client "Unauthorized".',
    departsFrom: 'RFC 6749 §5.2 (description free-form)',
    source:
      'connectors.md §4 Error responses: "Wrong/rotated client secret | 401 | invalid_client … Unauthorized".',
    kind: 'default',
  },
  {
    id: 'google.unknown-client-not-found',
    provider: 'google',
    summary: 'An unknown client answers 401 invalid_client "The OAuth client was not found."',
    departsFrom: 'RFC 6749 §5.2 (description free-form)',
    source:
      'connectors.md Addendum, Google: "Unknown client: `invalid_client` \\"The OAuth client was not found.\\"".',
    kind: 'default',
  },
  {
    id: 'google.deleted-client',
    provider: 'google',
    summary:
      'A deleted OAuth client (control `google.deleteClient`) answers 401 deleted_client at the token endpoint and shows an error page at /authorize.',
    departsFrom: 'RFC 6749 §5.2 (invalid_client)',
    source:
      'connectors.md §4 Error responses: "Deleted client | 401 | deleted_client … The OAuth client was deleted.".',
    kind: 'default',
  },
  {
    id: 'google.dead-refresh-token-message',
    provider: 'google',
    summary:
      'A revoked, expired, unused, Testing-expired or evicted refresh token answers 400 invalid_grant "Token has been expired or revoked."',
    departsFrom: 'RFC 6749 §5.2 (description free-form)',
    source:
      'connectors.md §4 Error responses: "RT revoked / expired / unused 6 mo / Testing 7 d / evicted by 100 limit | 400 | invalid_grant … Token has been expired or revoked.".',
    kind: 'default',
  },
  {
    id: 'google.code-errors',
    provider: 'google',
    summary:
      'An unknown code answers invalid_grant "Malformed auth code."; a used or expired code invalid_grant "Bad Request".',
    departsFrom: 'RFC 6749 §5.2 (description free-form)',
    source:
      'connectors.md Addendum, Google: "Bad code: `invalid_grant` \\"Malformed auth code.\\"; a reused code answered \\"Code was already redeemed.\\" (older) and \\"Bad Request\\" (recent)".',
    kind: 'default',
  },
  {
    id: 'google.revoke-endpoint',
    provider: 'google',
    summary:
      'POST /revoke?token=… (or token in the form body) needs no client authentication; revoking an access token with a paired refresh token revokes the refresh token too; an unknown or dead token answers 400 invalid_token.',
    departsFrom:
      'RFC 7009 §2 (client authentication; unknown tokens answered 200; an AT revokes only itself)',
    source:
      'connectors.md §4, "Revoke": "(AT or RT; revoking an AT with a paired RT revokes the RT too); 200 on success, 400 + error code otherwise (`invalid_token` observed for already-revoked)".',
    kind: 'default',
  },
  {
    id: 'google.api-error-shapes',
    provider: 'google',
    summary:
      'The API answers an invalid token with 401 {"error":{"code":401,"message":"Request had invalid authentication credentials…","status":…}} and a missing scope with 403 PERMISSION_DENIED "Request had insufficient authentication scopes." plus a Bearer insufficient_scope challenge.',
    departsFrom: 'RFC 6750 §3 (error in the challenge, flat JSON body)',
    source:
      'connectors.md §4 Error responses: "API call, insufficient scope | 403 | {\\"error\\":{\\"code\\":403,…\\"status\\":\\"PERMISSION_DENIED\\"}}"; "API call, expired/invalid AT | 401 | \\"Request had invalid authentication credentials…\\" (JSON `status` value UNCONFIRMED)".',
    kind: 'option',
    option: {
      name: 'invalidTokenStatus',
      values: ['UNAUTHENTICATED', 'omit'],
      default: 'UNAUTHENTICATED',
      why: 'The 401 body’s `status` is UNCONFIRMED in the sources; UNAUTHENTICATED is the google.rpc code Google’s JSON error format pairs with HTTP 401. `omit` drops the member.',
    },
  },
  {
    id: 'google.admin-policy-enforced',
    provider: 'google',
    summary:
      'When a Workspace admin restricts the app, consent stops on Google’s "Error 400: admin_policy_enforced" page (no redirect) until the admin trusts it; restricting also ends existing grants.',
    departsFrom: 'RFC 6749 §4.1.2.1 (errors redirect back to the client)',
    source:
      'connectors.md §4 Error responses: "Admin blocked app (consent) | error page | `Error 400: admin_policy_enforced`"; "RT stops working when": "admin sets a requested service to Restricted".',
    kind: 'option',
    option: {
      name: 'adminPolicyEnforced',
      values: ['false', 'true'],
      default: 'false',
      why: 'Apps are unrestricted unless a Workspace admin restricts them; the pack option `approvalRequired` also closes this gate until `approve_app`.',
    },
  },
  {
    id: 'google.reconsent-revokes-previous',
    provider: 'google',
    summary:
      'When on, a consent that mints a new refresh token (prompt=consent) ends the user’s earlier refresh tokens for the same client.',
    departsFrom: 'Google’s documentation (earlier refresh tokens survive until the 100 limit)',
    source:
      'connectors.md §4, "Observed but contested: re-consenting with `prompt=consent` is reported to revoke the previous RT for consumer Gmail accounts (taylorwilsdon/google_workspace_mcp #584). Google\'s doc says older RTs survive until the 100 limit — treat as UNCONFIRMED."',
    kind: 'option',
    option: {
      name: 'reconsentRevokesPrevious',
      values: ['false', 'true'],
      default: 'false',
      why: 'UNCONFIRMED: one issue thread on consumer Gmail accounts against Google’s own documentation, which says earlier tokens live until the 100-token limit; the documented behaviour is the default.',
    },
  },
  {
    id: 'google.time-based-access',
    provider: 'google',
    summary:
      'When on, the user grants access for N days: the refresh token dies N days after consent and responses carry refresh_token_expires_in.',
    departsFrom: 'RFC 6749 §5.1 (no refresh-token lifetime member)',
    source:
      'connectors.md §4, "Time-based access (user grants for 30/180 days)": "Reported; `refresh_token_expires_in` in response — **UNCONFIRMED**".',
    kind: 'option',
    option: {
      name: 'timeBasedAccessDays',
      values: ['0', '30', '180'],
      default: '0',
      why: 'UNCONFIRMED (third-party notes only): off unless a scenario asks for it.',
      type: { kind: 'number' },
    },
  },
  {
    id: 'google.no-domain-wide-delegation',
    provider: 'google',
    summary:
      'A pack asking for domain-wide delegation is refused when the mock is created (actions use per-user OAuth).',
    departsFrom: 'Baseline mock (accepts any setup)',
    source:
      'Troubleshooting page, Google: "use OAuth user authentication and don\'t support Domain-wide Delegation"; connectors.md §4, "Org install vs per user": "Per-user consent".',
    kind: 'default',
  },
])

export type GoogleQuirkId = (typeof googleQuirks)[number]['id']

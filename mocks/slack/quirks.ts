/**
 * Slack OAuth v2 (with and without token rotation): where the source departs from the RFC baseline,
 * as data. Each record cites its connectors.md row (§2 unless said otherwise); an UNCONFIRMED
 * behaviour is an option with a named default and the reason for it.
 */
import { defineQuirks } from '../quirk.ts'

export const slackQuirks = defineQuirks([
  {
    id: 'slack.grant-type-optional',
    provider: 'slack',
    summary:
      'oauth.v2.access without grant_type but with a code is a code exchange (what Slack SDK installers send); `grantType: required` refuses it with invalid_grant_type.',
    departsFrom: 'RFC 6749 §4.1.3 (grant_type REQUIRED)',
    source:
      'connectors.md §2, "Token | POST https://slack.com/api/oauth.v2.access … grant_type=authorization_code or refresh_token"',
    kind: 'option',
    option: {
      name: 'grantType',
      values: ['optional', 'required'],
      default: 'optional',
      why: 'connectors.md does not say whether grant_type may be omitted; Slack documents it as an optional argument and its SDKs omit it on install, so a mock that demands it breaks working clients',
    },
  },
  {
    id: 'slack.http-200-errors',
    provider: 'slack',
    summary:
      'Every OAuth and Web API failure is HTTP 200 {"ok":false,"error":"<code>"} with no error_description; only rate limiting (429 + Retry-After, error "ratelimited") and real 5xx use the HTTP status.',
    departsFrom: 'RFC 6749 §5.2 (400/401 with error and error_description); RFC 6750 §3.1 (401/403)',
    source:
      'connectors.md §2 "Error behaviour (the key Slack quirk)"; Addendum, Slack: "failures are {\\"ok\\":false,\\"error\\":\\"<code>\\"} with no error_description"',
    kind: 'default',
  },
  {
    id: 'slack.form-only-token-body',
    provider: 'slack',
    summary:
      'oauth.v2.access takes a form-encoded body only; a JSON body answers 200 ok:false "invalid_form_data" (one of Slack\'s generic errors: the exact code for this case is the mock\'s choice). Client credentials by HTTP Basic or in the body.',
    departsFrom: 'none in the format (RFC 6749 §3.2 is form-encoded too): the departure is the error shape',
    source:
      'connectors.md §2, "Token | POST https://slack.com/api/oauth.v2.access, form-encoded only (no JSON); client creds preferably via HTTP Basic"',
    kind: 'default',
  },
  {
    id: 'slack.token-rotation',
    provider: 'slack',
    summary:
      'With token rotation on, every token carries refresh_token and expires_in 43200 (12-hour access tokens); refresh tokens rotate (the used one is revoked) and never expire.',
    departsFrom: 'RFC 6749 §5.1 (lifetimes unspecified)',
    source:
      'connectors.md §2, "With rotation on | … refresh_token and expires_in: 43200 appear next to each token"; "AT lifetime | … With rotation: 12 h"; "Rotation | Each refresh returns a new RT and the used RT is revoked"',
    kind: 'option',
    option: {
      name: 'tokenRotation',
      values: ['false', 'true'],
      default: 'false',
      why: 'rotation is an opt-in app setting (manifest token_rotation_enabled); a new Slack app has it off',
    },
  },
  {
    id: 'slack.non-expiring-without-rotation',
    provider: 'slack',
    summary:
      'Without token rotation, access tokens never expire: no expires_in and no refresh_token; a refresh request answers ok:false invalid_refresh_token.',
    departsFrom: 'RFC 6749 §5.1 (expires_in RECOMMENDED)',
    source: 'connectors.md §2, "AT lifetime | Without rotation: never expires"',
    kind: 'option',
    option: {
      name: 'tokenRotation',
      values: ['false', 'true'],
      default: 'false',
      why: 'rotation is an opt-in app setting; a new Slack app has it off',
    },
  },
  {
    id: 'slack.token-formats',
    provider: 'slack',
    summary:
      'Tokens look like Slack\'s: with rotation user xoxe.xoxp-1-…, bot xoxe.xoxb-1-…, refresh xoxe-1-…; without rotation xoxp-… / xoxb-…. token_type is "bot" or "user", never "Bearer".',
    departsFrom: 'RFC 6749 §7.1 (token_type names an access token type such as Bearer)',
    source:
      'connectors.md §2, "With rotation on | Bot AT xoxe.xoxb-1-…, user AT xoxe.xoxp-1-…, RT xoxe-1-…"; Addendum, Slack: "token_type is bot or user, never Bearer"',
    kind: 'default',
  },
  {
    id: 'slack.install-nests-user-token',
    provider: 'slack',
    summary:
      'At install (code exchange) the bot token is at the top level and the user token is nested in authed_user {id, scope, access_token, token_type:"user", refresh_token?, expires_in?}.',
    departsFrom: 'RFC 6749 §5.1 (one token at the top level)',
    source:
      'connectors.md §2, "Code-exchange response (bot + user) | {\\"ok\\":true,\\"access_token\\":\\"xoxb-…\\",\\"token_type\\":\\"bot\\",… \\"authed_user\\":{…\\"access_token\\":\\"xoxp-…\\",\\"token_type\\":\\"user\\"}}"',
    kind: 'default',
  },
  {
    id: 'slack.user-scope-only-install',
    provider: 'slack',
    summary:
      'An install that asks only user_scope has no top-level access_token (nor token_type, scope): the credential lives only in authed_user.',
    departsFrom: 'RFC 6749 §5.1 (access_token REQUIRED)',
    source:
      'connectors.md §2, "User-scope-only install | Code-exchange response has no top-level access_token; the credential lives only in authed_user"',
    kind: 'default',
  },
  {
    id: 'slack.refresh-flat-with-token-type',
    provider: 'slack',
    summary:
      'A refresh answers the credential flat at the top level (access_token, refresh_token, expires_in, token_type "user" or "bot"), even for a user token; there is no authed_user.',
    departsFrom: 'the install response shape (a client must branch on token_type)',
    source:
      'connectors.md §2, "Refresh response | Credential at the top level … even for user tokens; clients must branch on token_type"',
    kind: 'default',
  },
  {
    id: 'slack.comma-separated-scopes',
    provider: 'slack',
    summary:
      'Scopes are comma-separated, in the authorize URL (scope = bot scopes, user_scope = user scopes) and in every response.',
    departsFrom: 'RFC 6749 §3.3 (space-delimited scope)',
    source:
      'connectors.md §2, "Authorize | …?client_id&scope=<bot scopes>&user_scope=<user scopes>…"; "… scopes comma-separated"',
    kind: 'default',
  },
  {
    id: 'slack.team-in-install-response',
    provider: 'slack',
    summary:
      'Install and refresh responses name the workspace: app_id, team {id, name}, enterprise null, is_enterprise_install false (and bot_user_id with a bot token).',
    departsFrom: 'RFC 6749 §5.1',
    source:
      'connectors.md §2, "Workspace discovery | In the code-exchange response: team.id/team.name, enterprise (… or null), is_enterprise_install, app_id, bot_user_id, authed_user.id"',
    kind: 'default',
  },
  {
    id: 'slack.invalid-refresh-token',
    provider: 'slack',
    summary:
      'A bad, rotated-out or revoked refresh token answers 200 {"ok":false,"error":"invalid_refresh_token"}.',
    departsFrom: 'RFC 6749 §5.2 (400 invalid_grant)',
    source:
      'connectors.md §2 Error behaviour, "Bad / rotated / revoked RT | {\\"ok\\":false,\\"error\\":\\"invalid_refresh_token\\"}"',
    kind: 'default',
  },
  {
    id: 'slack.bad-client-secret',
    provider: 'slack',
    summary: 'A wrong (or rotated) client secret answers 200 ok:false "bad_client_secret".',
    departsFrom: 'RFC 6749 §5.2 (401 invalid_client)',
    source: 'connectors.md §2 Error behaviour, "Wrong / rotated client secret | bad_client_secret"',
    kind: 'default',
  },
  {
    id: 'slack.invalid-client-id',
    provider: 'slack',
    summary:
      'An unknown client id (or no client authentication at all) answers 200 ok:false "invalid_client_id".',
    departsFrom: 'RFC 6749 §5.2 (401 invalid_client)',
    source: 'connectors.md §2 Error behaviour, "Wrong client id | invalid_client_id"',
    kind: 'default',
  },
  {
    id: 'slack.invalid-code',
    provider: 'slack',
    summary:
      'A bad, used or expired code (or a wrong PKCE verifier: the mock\'s choice) answers 200 ok:false "invalid_code".',
    departsFrom: 'RFC 6749 §5.2 (400 invalid_grant)',
    source: 'connectors.md §2 Error behaviour, "Bad/used code | invalid_code"',
    kind: 'default',
  },
  {
    id: 'slack.bad-redirect-uri',
    provider: 'slack',
    summary:
      'A redirect_uri at oauth.v2.access that differs from the authorize request answers 200 ok:false "bad_redirect_uri".',
    departsFrom: 'RFC 6749 §5.2 (400 invalid_grant)',
    source: 'connectors.md §2 Error behaviour, "redirect_uri mismatch | bad_redirect_uri"',
    kind: 'default',
  },
  {
    id: 'slack.invalid-grant-type',
    provider: 'slack',
    summary:
      'An unknown grant_type answers 200 ok:false "invalid_grant_type". The mock also requires grant_type, which Slack treats as optional for a code exchange (a mock limitation, not Slack behaviour).',
    departsFrom: 'RFC 6749 §5.2 (400 unsupported_grant_type)',
    source: 'connectors.md §2 Error behaviour, "Bad grant_type | invalid_grant_type"',
    kind: 'default',
  },
  {
    id: 'slack.api-ok-false',
    provider: 'slack',
    summary:
      'auth.test (GET or POST, token by Bearer header or token parameter) answers 200 {"ok":true,url,team,user,team_id,user_id}, or 200 ok:false "token_expired" (rotating token past 12 h), "token_revoked" (revoked or uninstalled), "invalid_auth" (unknown), "not_authed" (no token).',
    departsFrom: 'RFC 6750 §3.1 (401 invalid_token with WWW-Authenticate)',
    source:
      'connectors.md §2 Error behaviour, "API call with expired rotating AT | {\\"ok\\":false,\\"error\\":\\"token_expired\\"}"; "API call after revoke/uninstall | token_revoked, invalid_auth, account_inactive"',
    kind: 'default',
  },
  {
    id: 'slack.auth-revoke',
    provider: 'slack',
    summary:
      'POST /api/auth.revoke revokes the authorization of the token it is called with (token parameter or Bearer) and answers {"ok":true,"revoked":true}; test=1 is a dry run answering revoked:false. No client authentication, unlike RFC 7009.',
    departsFrom: 'RFC 7009 §2 (client-authenticated revocation endpoint answering 200 with no body)',
    source:
      'connectors.md §2, "Revoke | auth.revoke (one token; {\\"ok\\":true,\\"revoked\\":true}, test=1 dry-run)"',
    kind: 'default',
  },
  {
    id: 'slack.refresh-token-never-expires',
    provider: 'slack',
    summary: 'A rotating refresh token has no idle or absolute lifetime: one unused for a year still works.',
    departsFrom: 'baseline policy (30-day idle refresh tokens)',
    source:
      'connectors.md §2, "RT lifetime | No expiry documented; … an unused RT is not consumed by sitting idle"',
    kind: 'default',
  },
  {
    id: 'slack.old-refresh-token-reuse',
    provider: 'slack',
    summary:
      'Presenting a refresh token that rotation already replaced: `rejected` answers invalid_refresh_token and leaves the installation alive (the current refresh token keeps working); `revokes-family` also ends the family (breach-detection style).',
    departsFrom: 'RFC 6749 §10.4 (reuse detection unspecified)',
    source:
      'connectors.md §2, "Reuse of old RT | Not documented (grace period / family revocation UNCONFIRMED)"',
    kind: 'option',
    option: {
      name: 'oldRefreshToken',
      values: ['rejected', 'revokes-family'],
      default: 'rejected',
      why: 'Slack documents only that the used refresh token is revoked, no breach detection; the one live report of a reuse (node-slack-sdk #2504) ended with one invalid refresh token, not a dead installation',
    },
  },
  {
    id: 'slack.concurrent-refresh-divergent',
    provider: 'slack',
    summary:
      '`divergent`: two refreshes with the same refresh token within 1 s both succeed, with two different refresh tokens and the same expiry; the first one handed out is retired by the second and later answers invalid_refresh_token.',
    departsFrom: 'RFC 6749 §6 (a rotated refresh token is replaced once)',
    source:
      'connectors.md §2, "Reuse of old RT | … Obs: two concurrent refreshes with the same RT can both succeed, returning two different RTs with the same expiry, one of which later proves invalid" (slackapi/node-slack-sdk #2504); root cause 2',
    kind: 'option',
    option: {
      name: 'concurrentRefresh',
      values: ['serial', 'divergent'],
      default: 'serial',
      why: 'UNCONFIRMED in Slack docs and seen in one issue only; serial is what the docs describe (each refresh revokes the used token)',
    },
  },
  {
    id: 'slack.app-approval-gate',
    provider: 'slack',
    summary:
      'With approvalRequired ("Require App Approval"), consent redirects back with error=access_denied and state but no error_description until control.approve(APP_APPROVAL_KEY); a teammate\'s own Deny carries a description.',
    departsFrom: 'RFC 6749 §4.1.2.1 (access_denied means the resource owner denied the request)',
    source:
      'connectors.md §2 Error behaviour, "Install blocked (likely permission/approval) | Redirect ?error=access_denied&state=… without description"; "Admin approval | If \\"Require App Approval\\" is on, members submit a \\"Request to install\\""',
    kind: 'default',
  },
])

export type SlackQuirkId = (typeof slackQuirks)[number]['id']

/**
 * Databricks custom OAuth app integrations (U2M): where the source departs from the RFC baseline, as
 * data. Each record cites its connectors.md row (§6 unless said otherwise); an UNCONFIRMED behaviour is
 * an option with a named default and the reason for it.
 */
import { defineQuirks } from '../quirk.ts'

export const databricksQuirks = defineQuirks([
  {
    id: 'databricks.pkce-required',
    provider: 'databricks',
    summary:
      '/authorize without code_challenge is refused (redirect invalid_request "code_challenge is required (PKCE)") unless `pkce: optional`; a verifier is always checked when a challenge was sent.',
    departsFrom: 'RFC 7636 §4.4.1 (PKCE optional for confidential clients in RFC 6749 + 7636)',
    source:
      'connectors.md addendum "what each provider requires of a client", Databricks: "Every official client (CLI, SDKs) sends S256; whether the server requires it is UNCONFIRMED: default required, selectable"',
    kind: 'option',
    option: {
      name: 'pkce',
      values: ['required', 'optional'],
      default: 'required',
      why: 'connectors.md: default required, selectable (UNCONFIRMED)',
    },
  },
  {
    id: 'databricks.workspace-oidc-endpoints',
    provider: 'databricks',
    summary:
      'The workspace host serves GET /oidc/v1/authorize and POST /oidc/v1/token; the agent calls the workspace REST API (GET /api/2.0/preview/scim/v2/Me).',
    departsFrom: 'the baseline paths (/authorize, /token, /api/me)',
    source:
      'connectors.md §6, "Workspace endpoints | https://{workspace-host}/oidc/v1/authorize, /oidc/v1/token"',
    kind: 'default',
  },
  {
    id: 'databricks.oidc-discovery',
    provider: 'databricks',
    summary:
      'Discovery documents at /oidc/.well-known/oauth-authorization-server (what the CLI reads) and /oidc/.well-known/openid-configuration, with issuer {host}/oidc, scopes_supported all-apis/sql/offline_access/openid/email/profile, and no revocation_endpoint.',
    departsFrom:
      'RFC 8414 §3 (for an issuer with a path the well-known suffix goes before the path: /.well-known/oauth-authorization-server/oidc)',
    source:
      'connectors.md §6, "Workspace endpoints | … discovery /oidc/.well-known/openid-configuration (CLI reads /oidc/.well-known/oauth-authorization-server)"',
    kind: 'default',
  },
  {
    id: 'databricks.ttl-policy-ranges',
    provider: 'databricks',
    summary:
      'A token access policy is checked when the app integration is created: access_token_ttl_in_minutes 5–1440, refresh_token_ttl_in_minutes 5–129600 (90 days) and not below the access TTL, absolute_session_lifetime_in_minutes only with single-use refresh tokens; anything else is refused, naming the field.',
    departsFrom: 'the baseline (any lifetime, no constraint between them)',
    source:
      'connectors.md §6, "access_token_ttl_in_minutes | API range 5–1440", "refresh_token_ttl_in_minutes | API range 5–129600 (90 d); must be ≥ AT TTL"',
    kind: 'default',
  },
  {
    id: 'databricks.default-lifetimes',
    provider: 'databricks',
    summary:
      'Without a custom policy (and always for a central app) access tokens live 60 minutes and refresh tokens 7 days, the UI defaults.',
    departsFrom: 'the baseline (30-day idle refresh tokens)',
    source:
      'connectors.md §6, "access_token_ttl_in_minutes | … UI default 60", "refresh_token_ttl_in_minutes | … UI default 10080 (7 d)"; "CLI/SDK default | Each U2M AT valid 1 hour"',
    kind: 'default',
  },
  {
    id: 'databricks.refresh-ttl-from-issuance',
    provider: 'databricks',
    summary:
      'Without single-use refresh tokens a refresh does not rotate: the one refresh token lives refresh_token_ttl_in_minutes from its issuance however often it is used, then the teammate must reconnect.',
    departsFrom: 'the baseline (rotating refresh tokens with an idle lifetime)',
    source:
      'connectors.md §6, "enable_single_use_refresh_tokens (Beta) | Rotation … off by default for custom apps"; "refresh_token_ttl_in_minutes | … With single-use RTs it is the TTL of each individual RT" (so without them, of the one token); troubleshooting page tip on refresh-token lifetimes',
    kind: 'default',
  },
  {
    id: 'databricks.single-use-refresh-tokens',
    provider: 'databricks',
    summary:
      'With single-use refresh tokens each refresh returns a new refresh token and invalidates the one sent; refresh_token_ttl_in_minutes is then the lifetime of each token, renewed on rotation.',
    departsFrom: 'nothing beyond RFC 6749 §6 (rotation is allowed); an opt-in mode',
    source:
      'connectors.md §6, "enable_single_use_refresh_tokens (Beta) | Rotation: refresh returns a new RT and invalidates the old. On by default for some published apps; off by default for custom apps"',
    kind: 'option',
    option: {
      name: 'singleUseRefreshTokens',
      values: ['false', 'true'],
      default: 'false',
      why: 'off by default for custom app integrations (documented); a published (central) app that has it on is selectable',
    },
  },
  {
    id: 'databricks.absolute-session-lifetime',
    provider: 'databricks',
    summary:
      'With single-use refresh tokens, absolute_session_lifetime_in_minutes caps the whole refresh-token family from its first grant; rotation does not extend it.',
    departsFrom: 'the baseline (no absolute lifetime)',
    source:
      'connectors.md §6, "absolute_session_lifetime_in_minutes | Only with single-use RTs: absolute cap for the whole RT family (inherited by each rotated RT)"',
    kind: 'default',
  },
  {
    id: 'databricks.rotated-refresh-token-reuse',
    provider: 'databricks',
    summary:
      'With single-use refresh tokens, presenting an already rotated refresh token fails like any invalid one; by default the family lives on, with `revoke_family` the reuse also ends it.',
    departsFrom: 'OAuth 2.1 §4.3.1 / RFC 9700 §4.14.2 (reuse detection may revoke the whole grant)',
    source:
      'connectors.md §6, "Reuse of rotated RT | Not documented (grace / family revocation UNCONFIRMED)"',
    kind: 'option',
    option: {
      name: 'rotatedRefreshTokenReuse',
      values: ['reject', 'revoke_family'],
      default: 'reject',
      why: 'Databricks documents only that the old token is invalidated; nothing documents reuse detection or a grace period, and the least surprising reading of "invalidates the old" is that only the old one fails',
    },
  },
  {
    id: 'databricks.offline-access-for-refresh-token',
    provider: 'databricks',
    summary:
      'A refresh token is issued only when the authorize scope contains offline_access; without it the code exchange still answers 200, with no refresh_token.',
    departsFrom: 'RFC 6749 §4.1.4 (the server decides whether to issue a refresh token)',
    source:
      'connectors.md §6, "Missing offline_access | 200 | No RT in response (refresh impossible)"; "Scopes | … offline_access (required for an RT)"',
    kind: 'default',
  },
  {
    id: 'databricks.token-response-shape',
    provider: 'databricks',
    summary:
      'Token responses carry access_token, token_type "Bearer", expires_in (3600 by default), refresh_token (with offline_access, and on a refresh only when it rotates), scope as granted ("all-apis offline_access"), and an id_token when openid was asked for.',
    departsFrom: 'RFC 6749 §5.1 (no id_token; OpenID Connect Core §3.1.3.3 adds it)',
    source:
      'connectors.md §6, "Token response | access_token (JWT), token_type:"Bearer", expires_in, refresh_token (only with offline_access), scope, id_token"; Addendum: "Code exchange: JWT access token, scope all-apis offline_access, token_type Bearer, expires_in 3600"',
    kind: 'default',
  },
  {
    id: 'databricks.refresh-failure-invalid-request',
    provider: 'databricks',
    summary:
      'An expired, rotated or unknown refresh token answers 400 {"error":"invalid_request","error_description":"Refresh token is invalid"}: invalid_request, not invalid_grant (the SDK-mock shape invalid_grant is selectable).',
    departsFrom: 'RFC 6749 §5.2 (invalid_grant for an invalid, expired or revoked refresh token)',
    source:
      'connectors.md §6 Error responses, "Expired / rotated / unknown RT | 400 | {"error":"invalid_request","error_description":"Refresh token is invalid"}" (databricks/cli PR #1434; issues #667, #709); Addendum: "invalid_request (live reports, CLI fixtures) or invalid_grant (SDK unit mocks): default invalid_request, selectable"',
    kind: 'option',
    option: {
      name: 'refreshFailureShape',
      values: ['invalid_request', 'invalid_grant'],
      default: 'invalid_request',
      why: 'live reports and the CLI fixtures show invalid_request; invalid_grant appears only in SDK unit mocks',
    },
  },
  {
    id: 'databricks.client-auth-failure-error-id',
    provider: 'databricks',
    summary:
      'A wrong client id or secret answers 401 {"error":"invalid_client","error_description":"Client authentication failed","error_id":"<uuid>"}.',
    departsFrom: 'RFC 6749 §5.2 (no error_id member)',
    source:
      'connectors.md Addendum, Databricks: "Client-auth failure: 401 invalid_client "Client authentication failed" with an extra error_id UUID key" (the §6 table still lists the case as UNCONFIRMED)',
    kind: 'default',
  },
  {
    id: 'databricks.code-failure-shape',
    provider: 'databricks',
    summary:
      'A bad, expired or reused authorization code answers 400 invalid_grant (RFC); `invalid_request` is selectable.',
    departsFrom: 'nothing at the default',
    source: 'connectors.md Addendum, Databricks: "Bad or used code: UNCONFIRMED"',
    kind: 'option',
    option: {
      name: 'codeFailureShape',
      values: ['invalid_grant', 'invalid_request'],
      default: 'invalid_grant',
      why: 'no capture exists; RFC 6749 §5.2 is the only reference, and invalid_request is selectable because the refresh path shows Databricks prefers it',
    },
  },
  {
    id: 'databricks.api-invalid-token-403',
    provider: 'databricks',
    summary:
      'The REST API answers an invalid or expired access token with 403 {"error_code":403,"message":"Invalid access token. [ReqId: <uuid>]"}, not 401; a request without credentials gets 401 with the same body shape.',
    departsFrom: 'RFC 6750 §3.1 (401 invalid_token with a WWW-Authenticate challenge)',
    source:
      'connectors.md §6 Error responses, "API call with invalid/expired AT | 403 (seen) | {"error_code":403,"message":"Invalid access token. [ReqId: …]"}"',
    kind: 'default',
  },
  {
    id: 'databricks.no-revocation-endpoint',
    provider: 'databricks',
    summary:
      'There is no token revocation endpoint (and the discovery document names none); `rfc7009` adds POST /oidc/v1/revoke for experiments.',
    departsFrom: 'RFC 7009 (a revocation endpoint)',
    source: 'connectors.md §6, "Revoke endpoint | UNCONFIRMED (none found)"',
    kind: 'option',
    option: {
      name: 'revocation',
      values: ['none', 'rfc7009'],
      default: 'none',
      why: 'none was found in the vendor docs, SDKs or CLI; a client must not count on one',
    },
  },
])

export type DatabricksQuirkId = (typeof databricksQuirks)[number]['id']

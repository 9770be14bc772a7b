/**
 * Zendesk OAuth: where the source departs from the RFC baseline, as data. Each record cites its
 * connectors.md row (§5 unless said otherwise); an UNCONFIRMED or contested behaviour is an option
 * with a named default and the reason for it.
 */
import { defineQuirks } from '../quirk.ts'

export const zendeskQuirks = defineQuirks([
  {
    id: 'zendesk.subdomain-endpoints',
    provider: 'zendesk',
    summary:
      'Every endpoint lives on the account subdomain (the pack instance): GET /oauth/authorizations/new, POST /oauth/tokens, GET /api/v2/users/me.json. There is no discovery document: the subdomain must be known before the flow, and the API answer names it.',
    departsFrom: 'RFC 8414 §3 (authorization server metadata at /.well-known/oauth-authorization-server)',
    source:
      'connectors.md §5, "Authorize | https://{subdomain}.zendesk.com/oauth/authorizations/new", "Token | POST https://{subdomain}.zendesk.com/oauth/tokens", "Instance discovery | None: the subdomain must be known before the flow"',
    kind: 'default',
  },
  {
    id: 'zendesk.token-type-lowercase',
    provider: 'zendesk',
    summary: 'Token responses say token_type "bearer" in lower case.',
    departsFrom: 'RFC 6750 §6.1.1 / the baseline (token_type "Bearer"; the value is case-insensitive)',
    source: 'connectors.md Addendum, Zendesk: "token_type lowercase bearer"',
    kind: 'default',
  },
  {
    id: 'zendesk.legacy-tokens',
    provider: 'zendesk',
    summary:
      'With tokens=legacy (an OAuth client older than the enforcement cut-overs) a token request without expires_in gets the legacy body, exactly {access_token, scope, token_type: "bearer"}: no refresh token, no expiry; it cannot be refreshed and keeps working until revoked.',
    departsFrom:
      'RFC 6749 §5.1 (expires_in RECOMMENDED) and the baseline (expiring access tokens with a refresh token)',
    source:
      'connectors.md §5, "Legacy | Tokens issued before refresh support cannot be refreshed; they keep working"; Addendum: "the legacy body is exactly {access_token, scope, token_type}"',
    kind: 'option',
    option: {
      name: 'tokens',
      values: ['expiring', 'legacy'],
      default: 'expiring',
      why: 'an OAuth client created today is enforced (global clients after 2 Feb 2026, local clients after 30 Apr 2026), so a new pack meets expiring tokens; legacy plays an older client',
    },
  },
  {
    id: 'zendesk.legacy-opt-in-with-expires-in',
    provider: 'zendesk',
    summary:
      'A legacy client that sends expires_in in a token request gets an expiring access token and a refresh token for that grant (the migration path); the grant then refreshes like an enforced one.',
    departsFrom:
      'the baseline (whether a refresh token is issued is the server policy, not a request parameter)',
    source:
      'connectors.md §5, "Which clients are enforced | … older clients keep non-expiring tokens unless expires_in is sent (then an RT is also issued)"',
    kind: 'default',
  },
  {
    id: 'zendesk.at-jwt-access-tokens',
    provider: 'zendesk',
    summary:
      'Expiring access tokens are JWTs with header typ "at+jwt"; legacy access tokens are opaque strings.',
    departsFrom: 'the baseline (opaque access tokens); RFC 9068 defines the at+jwt profile',
    source:
      'connectors.md §5, "Which clients are enforced | … Access-token JWTs typ: at+jwt" (NangoHQ/nango #6775)',
    kind: 'default',
  },
  {
    id: 'zendesk.expires-in-only-when-requested',
    provider: 'zendesk',
    summary:
      'expires_in appears in a token response only when the request sent expires_in; an enforced client that does not send it gets an expiring token with no expires_in (a client then learns of the expiry from a 401).',
    departsFrom: 'RFC 6749 §5.1 (expires_in RECOMMENDED whenever the token expires)',
    source:
      'connectors.md §5, "Token response | … expires_in is echoed only if it was sent in the request" (NangoHQ/nango #6775, PR #6763); root cause 4',
    kind: 'default',
  },
  {
    id: 'zendesk.refresh-token-expires-in',
    provider: 'zendesk',
    summary:
      'An expiring token response carries refresh_token_expires_in (the refresh token lifetime in seconds) whether or not the request sent expires_in; with `when_requested` it appears only together with an echoed expires_in.',
    departsFrom: 'RFC 6749 §5.1 (no refresh-token lifetime field)',
    source:
      'connectors.md §5, "Token response | access_token, token_type:"bearer", scope, refresh_token, refresh_token_expires_in; expires_in is echoed only if it was sent"; Addendum: "Refresh tokens and expiries appear only when the client sends expires_in or is new enough to get default lifetimes"',
    kind: 'option',
    option: {
      name: 'refreshTokenExpiresIn',
      values: ['always', 'when_requested'],
      default: 'always',
      why: 'the §5 token-response row lists refresh_token_expires_in unconditionally and the first-hand capture behind it (Nango #6775) saw it in responses that lacked expires_in; tying it to expires_in is a reading of the Addendum, selectable',
    },
  },
  {
    id: 'zendesk.default-lifetimes',
    provider: 'zendesk',
    summary:
      'Expiring tokens default to a 30-minute access token and a 30-day refresh token; each refresh returns a new refresh token with a fresh lifetime (so daily use never reaches it).',
    departsFrom: 'the baseline (1 h access tokens)',
    source:
      'connectors.md §5, "Default TTLs (enforced clients) | AT 30 min (min 5 min, max 48 h); RT 30 days (min 7 d, max 90 d)"',
    kind: 'default',
  },
  {
    id: 'zendesk.requested-lifetimes-clamped',
    provider: 'zendesk',
    summary:
      'A token request may ask for lifetimes with expires_in (clamped to 300–172800 s) and refresh_token_expires_in (clamped to 7–90 days), on code and refresh grants alike; the granted values are enforced. A value that is not a whole number of seconds is ignored.',
    departsFrom: 'RFC 6749 §4.1.3 / §6 (no lifetime parameters in token requests)',
    source:
      'connectors.md §5, "Request-side TTL params | expires_in (300–172800 s) and refresh_token_expires_in may be sent on both code and refresh grants; if sent they are enforced"',
    kind: 'default',
  },
  {
    id: 'zendesk.refresh-deletes-previous-tokens',
    provider: 'zendesk',
    summary:
      'A successful refresh returns a new access and refresh token and deletes the previous access token as well as the previous refresh token: the old access token gets 401 at once.',
    departsFrom: 'RFC 6749 §6 (rotation optional; earlier access tokens live until they expire)',
    source:
      'connectors.md §5, "Rotation | A successful refresh returns a new RT and deletes the previous AT and RT"',
    kind: 'default',
  },
  {
    id: 'zendesk.old-refresh-token-reuse',
    provider: 'zendesk',
    summary:
      'Presenting a refresh token a refresh already replaced fails with invalid_grant; by default the grant lives on (the token is simply gone), with `revoke_family` it also ends the grant.',
    departsFrom: 'OAuth 2.1 §4.3.1 / RFC 9700 §4.14.2 (reuse detection may revoke the whole grant)',
    source:
      'connectors.md §5, "Old-RT reuse | Fails (deleted); grace/family semantics not documented — UNCONFIRMED"',
    kind: 'option',
    option: {
      name: 'oldRefreshTokenReuse',
      values: ['reject', 'revoke_family'],
      default: 'reject',
      why: 'Zendesk documents deletion of the old tokens, which makes a reused one merely unknown; nothing documents reuse detection or a grace period',
    },
  },
  {
    id: 'zendesk.refresh-failure-invalid-grant',
    provider: 'zendesk',
    summary:
      'A refresh with an expired, deleted or unknown refresh token answers 400 invalid_grant; the description is the long default of the Ruby OAuth 2 server library Zendesk runs on, or Nango\'s "Token has been expired or revoked."',
    departsFrom:
      "nothing in RFC 6749 §5.2 (the status and code are the RFC's; only the wording is Zendesk's)",
    source:
      'connectors.md §5 Error responses, "Refresh with bad/expired RT | 400 | invalid_grant (description wording UNCONFIRMED; Nango shows a generic …)"; Addendum: "Refresh-failure description UNCONFIRMED"',
    kind: 'option',
    option: {
      name: 'refreshFailureDescription',
      values: ['doorkeeper', 'expired_or_revoked'],
      default: 'doorkeeper',
      why: "Zendesk's other OAuth errors (invalid_client, invalid_token) carry that library's default wording verbatim; the Nango wording is Google's string, which connectors.md says to distrust for non-Google sources",
    },
  },
  {
    id: 'zendesk.invalid-client',
    provider: 'zendesk',
    summary:
      'A wrong client id or secret answers invalid_client with "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method." (HTTP 401 by default, 400 selectable).',
    departsFrom: "nothing in RFC 6749 §5.2 at the default status; the wording is Zendesk's",
    source:
      'connectors.md §5 Error responses, "Wrong client secret | ? | UNCONFIRMED (standard invalid_client expected)"; Addendum: "Wrong client: invalid_client with the long default description of a common Ruby OAuth 2 server library"',
    kind: 'option',
    option: {
      name: 'invalidClientStatus',
      values: ['401', '400'],
      default: '401',
      why: 'the status is UNCONFIRMED; 401 is both RFC 6749 §5.2 and the default of the library whose wording Zendesk answers with',
    },
  },
  {
    id: 'zendesk.api-invalid-token',
    provider: 'zendesk',
    summary:
      'The API answers an expired, revoked or unknown access token with 401 {"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}; a request without credentials gets 401 {"error":"Couldn\'t authenticate you"}.',
    departsFrom: "RFC 6750 §3.1 (the error is the RFC's; the body shape and wording are Zendesk's)",
    source:
      'connectors.md §5 Error responses, "API call with expired/revoked AT | 401 | {"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}"',
    kind: 'default',
  },
  {
    id: 'zendesk.revoke-by-token-id',
    provider: 'zendesk',
    summary:
      'Revocation is DELETE /api/v2/oauth/tokens/{id}.json with the bearer token, answering 204 and deleting that token with its refresh token (GET /api/v2/oauth/tokens/current.json names the id); there is no RFC 7009 endpoint.',
    departsFrom: 'RFC 7009 §2 (POST token=… to a revocation endpoint)',
    source: 'connectors.md §5, "Revoke | DELETE /api/v2/oauth/tokens/{id}.json → 204"',
    kind: 'default',
  },
  {
    id: 'zendesk.revoke-current-no-op',
    provider: 'zendesk',
    summary:
      'DELETE /api/v2/oauth/tokens/current.json answers 204 but leaves the token working (observed); `revokes` plays the documented behaviour.',
    departsFrom: 'RFC 7009 §2.2 (a successful revocation response means the token is invalid)',
    source:
      'connectors.md §5, "Revoke | … DELETE /api/v2/oauth/tokens/current.json documented but reported to return 204 without revoking" (community posts 4627188332186, 5537132288282)',
    kind: 'option',
    option: {
      name: 'revokeCurrent',
      values: ['no_op', 'revokes'],
      default: 'no_op',
      why: 'observed behaviour beats the documented one (connectors.md conventions); a client must not trust current.json',
    },
  },
  {
    id: 'zendesk.new-authorization-keeps-old-tokens',
    provider: 'zendesk',
    summary: 'A new authorization by the same user does not revoke the tokens of earlier authorizations.',
    departsFrom:
      'nothing (the baseline agrees); listed because clients often assume re-consent replaces the old grant',
    source:
      'connectors.md §5, "Multiple tokens per user | A new authorization does not revoke earlier tokens (list shows only latest)"',
    kind: 'default',
  },
])

export type ZendeskQuirkId = (typeof zendeskQuirks)[number]['id']

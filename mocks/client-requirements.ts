/**
 * What each mock (in process and under `serve`) requires of an OAuth client, as data: the fidelity
 * table in the README and docs/SERVE.md show it. From connectors.md, addendum "what each provider
 * requires of a client"; a test checks the mocks behave as stated here.
 */
import type { MockProviderId } from './types.ts'

export interface ClientRequirements {
  provider: MockProviderId
  /** PKCE S256 at /authorize: required, optional (verified when sent), or a per-app/pack option. */
  pkce: string
  /** login_hint: never required; without it auto-consent signs in the mock's default login. */
  loginHint: 'optional'
  /** Token-request body encodings accepted. */
  tokenBody: string
  /** Discovery: where the provider publishes it, or none (configure the endpoints). */
  discovery: string
}

export const CLIENT_REQUIREMENTS: readonly ClientRequirements[] = [
  {
    provider: 'baseline',
    pkce: 'required (S256; the RFC baseline is strict)',
    loginHint: 'optional',
    tokenBody: 'form',
    discovery: '/.well-known/oauth-authorization-server',
  },
  {
    provider: 'jira',
    pkce: 'optional, verified when sent',
    loginHint: 'optional',
    tokenBody: 'JSON or form (option `tokenBody: json` refuses forms)',
    discovery: 'none (Atlassian publishes none for 3LO)',
  },
  {
    provider: 'slack',
    pkce: 'optional, verified when sent',
    loginHint: 'optional',
    tokenBody: 'form only; grant_type may be omitted with a code (option `grantType`)',
    discovery: 'none',
  },
  {
    provider: 'salesforce',
    pkce: 'optional; `pkce: required` per pack option or per client ("Require Proof Key for Code Exchange")',
    loginHint: 'optional',
    tokenBody: 'form',
    discovery: '/.well-known/openid-configuration (with revocation_endpoint, jwks_uri)',
  },
  {
    provider: 'google',
    pkce: 'optional, verified when sent',
    loginHint: 'optional',
    tokenBody: 'form',
    discovery: '/.well-known/openid-configuration (with revocation_endpoint, jwks_uri)',
  },
  {
    provider: 'zendesk',
    pkce: 'optional (required for public clients only; the mock has confidential clients)',
    loginHint: 'optional',
    tokenBody: 'form or JSON',
    discovery: 'none (a lab copy under /_lab)',
  },
  {
    provider: 'databricks',
    pkce: 'required by default (UNCONFIRMED); option `pkce: optional`',
    loginHint: 'optional',
    tokenBody: 'form',
    discovery: '/oidc/.well-known/openid-configuration and /oidc/.well-known/oauth-authorization-server',
  },
]

/**
 * The contract every mock provider implements (baseline and the six connectors). mocks/ knows
 * nothing of src/manager: the only thing shared with src/ is the Clock and the IdSource.
 */
import type { Hono } from 'hono'
import type { Clock } from '../src/clock.ts'
import type { IdSource } from '../src/ids.ts'

export type MockProviderId =
  | 'baseline'
  | 'jira'
  | 'slack'
  | 'salesforce'
  | 'google'
  | 'zendesk'
  | 'databricks'

/** The source's token lifetime and rotation policy for one client (OAuth app). */
export interface TokenPolicy {
  /** null: access tokens never expire (Slack without rotation, Zendesk legacy). */
  accessTokenTtlMs: number | null
  /** false: the source issues no refresh token at all (Zendesk legacy, Databricks without offline_access). */
  issueRefreshTokens: boolean
  /** A refresh token dies when unused this long; each successful refresh resets the idle timer. null: no idle limit. */
  refreshIdleTtlMs: number | null
  /** The whole token family dies this long after its first grant; refreshing does not extend it. null: no limit. */
  refreshAbsoluteTtlMs: number | null
  /** Whether each refresh returns a new refresh token and retires the presented one. */
  rotation: boolean
  /** How long a retired refresh token is still honoured (Atlassian: 10 minutes). 0: not at all. */
  reuseLeewayMs: number
  /** What presenting a retired refresh token after the leeway does: just fail, or also end the whole family. */
  reuseAfterLeeway: 'reject' | 'revoke_family'
  /** Whether rotating the client secret in the source ends every grant of that client. */
  secretRotationEndsGrants: boolean
  /** Authorization codes are single-use and live this long. */
  codeTtlMs: number
}

/** Why a token family (one Connect's worth of tokens) stopped being honoured. */
export type GrantEndCause =
  | 'revoked_by_user'
  | 'revoked_by_admin'
  | 'revoked_by_client'
  | 'refresh_idle_expired'
  | 'refresh_absolute_expired'
  | 'reuse_detected'
  | 'code_reused'
  | 'evicted'
  | 'secret_rotated'
  | 'policy'

/** What the source believes about a teammate's current grant: the oracle's ground truth. */
export type GrantTruth =
  | { status: 'none' }
  | { status: 'alive'; familyId: string; grantedAtMs: number; lastRefreshAtMs: number }
  | { status: 'ended'; familyId: string; cause: GrantEndCause; atMs: number }

export type MockEndpoint = 'authorize' | 'token' | 'revoke' | 'api'

/** A fault the control surface can script on an endpoint, consumed one per matching request. */
export type Fault =
  | { kind: 'http_error'; status: number; body?: unknown; retryAfterSeconds?: number }
  | { kind: 'connection_reset' }
  | { kind: 'latency'; ms: number }
  /** The source processes the request (rotating or invalidating tokens) but the response is lost. */
  | { kind: 'commit_then_drop' }
  /** The source processes a refresh but the response lacks `refresh_token` (seen on Atlassian). */
  | { kind: 'omit_refresh_token' }

export interface ScheduledFault {
  endpoint: MockEndpoint
  fault: Fault
  /** Applies to this many matching requests, then is used up. */
  times: number
  /** For the token endpoint: only requests with this grant_type. */
  grantType?: 'authorization_code' | 'refresh_token'
}

/** One semantic event in the source's ledger: what happened to tokens, for rules that need more than HTTP. */
export type LedgerEvent =
  | { type: 'code_issued'; atMs: number; login: string; clientId: string }
  | { type: 'code_exchanged'; atMs: number; login: string; clientId: string; familyId: string }
  | {
      type: 'refresh'
      atMs: number
      login: string
      clientId: string
      familyId: string
      /** current: the live refresh token; retired_within_leeway / retired_after_leeway: one it already replaced. */
      presented: 'current' | 'retired_within_leeway' | 'retired_after_leeway'
      result: 'issued' | 'rejected'
      /** The fault that was applied, if any (commit_then_drop means the client never saw `issued`). */
      fault?: Fault['kind']
    }
  | { type: 'refresh_unknown_token'; atMs: number; clientId: string }
  | {
      type: 'family_ended'
      /** When the source ended the family, or noticed that a TTL had ended it (the ledger stays in time order). */
      atMs: number
      login: string
      clientId: string
      familyId: string
      cause: GrantEndCause
      /** Only for a lazily noticed idle/absolute expiry: the instant the TTL ran out (what grantTruth reports). */
      endedAtMs?: number
    }
  | { type: 'secret_rotated'; atMs: number; clientId: string }
  | { type: 'client_auth_failed'; atMs: number; clientId: string }

/** A request as the mock saw it, with every secret (tokens, codes, client secrets, verifiers) redacted. */
export interface RecordedRequest {
  atMs: number
  method: string
  path: string
  endpoint: MockEndpoint | 'metadata' | 'lab' | 'other'
  status: number
  /** Form/query parameters with secret values replaced by `[redacted]`. */
  params: Record<string, string>
  grantType?: string
  /** The RFC 6749 (or provider dialect) error code answered, if any. */
  error?: string
  fault?: Fault['kind']
}

export interface CreateClientInput {
  clientId?: string
  clientSecret?: string
  redirectUris: string[]
  /** Per-client overrides of the mock's default policy (custom apps carry the org's policy). */
  policy?: Partial<TokenPolicy>
  /** Whether this app requires PKCE (Salesforce "Require Proof Key for Code Exchange"); default: the mock's. */
  pkce?: 'required' | 'optional'
}

export interface ClientRecordView {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  policy: TokenPolicy
  pkce: 'required' | 'optional'
}

/** What /authorize does for a teammate, beyond auto-consent. */
export type ConsentDecision =
  | { kind: 'allow' }
  /** Redirect back with `error=...` (a user clicking Deny, Slack's unexplained access_denied). */
  | { kind: 'deny_redirect'; error: string; description?: string }
  /** Stay on an error page at the source: no redirect back (Jira's "site admin must authorize"). */
  | { kind: 'error_page'; status: number; message: string }

export interface ConsentContext {
  login: string
  clientId: string
  scopes: string[]
  query: Record<string, string>
  approvals: ReadonlySet<string>
}

/** A hook a provider mock uses to gate consent (site approval, app install). Returns undefined to allow. */
export type ConsentGate = (ctx: ConsentContext) => ConsentDecision | undefined

/** The in-process control surface shared by every mock; `/_lab/*` routes expose the same over HTTP. */

export interface MockControl {
  createClient(input: CreateClientInput): ClientRecordView
  createUser(input: { login: string }): { login: string }
  /** Returns the new secret. The old one stops working at once. */
  rotateClientSecret(clientId: string): string
  /** Ends every family of the teammate's grant for this client, as the user or as an admin would in the source's UI. */
  revokeGrant(login: string, clientId: string, by: 'user' | 'admin'): void
  /** Sets the default policy (and, with clientId, one client's policy). */
  setPolicy(policy: Partial<TokenPolicy>, clientId?: string): void
  /** The teammate's next consents answer this way (e.g. Deny) until cleared with `allow`. */
  setConsentAnswer(login: string, decision: ConsentDecision): void
  approve(key: string): void
  unapprove(key: string): void
  /** Schedules a fault; see Fault. */
  injectFault(fault: ScheduledFault): void
  /** "Fail N times with X, then succeed": N http_error faults on one endpoint. */
  scriptResponses(
    endpoint: MockEndpoint,
    responses: Array<{ status: number; body?: unknown; retryAfterSeconds?: number }>,
  ): void
  clearFaults(): void
  /** Moves this mock's own clock (skew), leaving every other party's alone. */
  advanceClock(ms: number): void
  requests(): RecordedRequest[]
  ledger(): LedgerEvent[]
  /** Marks into the request log and the ledger, and what came after one: cheap, and right after a ring wraps. */
  requestMark(): number
  requestsSince(mark: number): RecordedRequest[]
  ledgerMark(): number
  ledgerSince(mark: number): LedgerEvent[]
  /**
   * The teammate's grant for this client. `held`: only these token families count (the ones one
   * client device obtained, e.g. the manager under test); default: every family of the teammate's.
   */
  grantTruth(login: string, clientId: string, held?: ReadonlySet<string>): GrantTruth
  /** Is this access token currently accepted by the protected resource? (for oracle and tests, never for managers) */
  accessTokenIsLive(token: string): boolean
  reset(): void
}

/** How a mock runs, as opposed to what it plays: serve sets these, scenarios keep the defaults. */
export interface MockRuntimeOptions {
  /** Who auto-consent signs in when /authorize carries no login_hint (default `teammate`). */
  defaultLogin?: string
  /** How JWTs (access tokens where the provider's are JWTs, id_tokens) are signed; see mocks/jwt.ts. */
  signing?: 'HS256' | 'RS256'
  /** How many requests the request log keeps (a ring; the oldest are dropped). Default 10,000. */
  requestLogSize?: number
  /** How many ledger events the mock keeps (a ring; the oldest are dropped). Default 100,000. */
  ledgerSize?: number
  /**
   * How many superseded tokens of each kind a token family remembers (default: all). A refresh token
   * replaced by rotation is always kept while its reuse leeway honours it; past the leeway it is kept
   * for reuse detection while it is among the family's `tokenRetention` newest retired ones, then
   * forgotten (presenting it then answers like an unknown token). Access tokens: the current one plus
   * the `tokenRetention` before it. Serve sets this so that memory stays flat (docs/SERVE.md).
   */
  tokenRetention?: number
  /**
   * How long the mock's app lives, which picks its router. `world` (default): one simulated world of
   * a few dozen requests, so routes are matched by a router with no build step (Hono's
   * PatternRouter); the default router's matcher compile on the first request was a visible share of
   * the suite's profile. `server` (serve): many requests, so Hono's default router compiles once and
   * then matches fastest.
   */
  lifetime?: 'world' | 'server'
}

export interface MockOptions extends MockRuntimeOptions {
  clock: Clock
  ids: IdSource
  /** Where the mock believes it lives, e.g. http://baseline.mock or http://127.0.0.1:4010. */
  issuer?: string
  policy?: Partial<TokenPolicy>
  consentGate?: ConsentGate
  /** Largest accepted request body in bytes; larger bodies get 413 invalid_request. */
  maxBodyBytes?: number
  /** Whether clients must use PKCE unless a client says otherwise; each provider has its own default. */
  pkce?: 'required' | 'optional'
}

/** Where a mock records each time one of its quirks decided an answer (mocks/quirk-tally.ts). */
export interface QuirkTally {
  fire(id: string): void
  /** Quirk id -> how many times it fired in this mock. */
  counts(): Record<string, number>
  clear(): void
}

export interface MockProvider {
  readonly provider: MockProviderId
  readonly issuer: string
  readonly app: Hono
  /** In-process fetch to this mock (wraps app.request); applies scripted faults, including rejections. */
  readonly fetch: typeof fetch
  readonly control: MockControl
  /** This mock's quirk firings (every spec-kit mock has one; a connector's own mock may not). */
  readonly quirks?: QuirkTally
  requests(): RecordedRequest[]
  reset(): void
}

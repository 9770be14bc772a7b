/**
 * The adapter contract: implement `createManager(env)` returning a TokenManager and reconnect-lab can
 * put any token manager under test. The reference manager is just one implementation of it.
 * Nothing in here may depend on mocks/: a user's manager sees only what a real product would see.
 */
import type { Clock } from '../clock.ts'
import type { ProviderId } from '../connectors/ids.ts'

/** A built-in provider's id: derived from the one list of connectors (src/connectors/ids.ts). */
export type { ProviderId }

/** Why a teammate must click Connect. The oracle accepts `grant_invalid` wherever the source cannot tell expired from revoked. */
export type ConnectReason =
  | 'not_connected'
  | 'grant_expired'
  | 'grant_revoked'
  | 'grant_invalid'
  | 'consent_denied'
  | 'scope_missing'

export type BlockedContact = 'admin' | 'support'

/** The closed set of things a run (or a Connect) can end in. */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'connect_required'; reason: ConnectReason }
  | { kind: 'blocked'; reason: string; contact: BlockedContact }
  | { kind: 'retry_later'; reason: string; retryAfterMs?: number }

export type OutcomeKind = Outcome['kind']

export const OUTCOME_KINDS: readonly OutcomeKind[] = ['ok', 'connect_required', 'blocked', 'retry_later']
export const CONNECT_REASONS: readonly ConnectReason[] = [
  'not_connected',
  'grant_expired',
  'grant_revoked',
  'grant_invalid',
  'consent_denied',
  'scope_missing',
]

/** Everything a token manager is told about one action pack: what a product's admin console would hold. */
export interface PackDescriptor {
  id: string
  provider: ProviderId
  /** central: the product's own OAuth app; custom: the org's app, whose secret the org rotates. */
  setup: 'central' | 'custom'
  /** The source instance's base URL (Jira site API host, Salesforce login host, Zendesk subdomain, ...). */
  baseUrl: string
  endpoints: {
    authorize: string
    token: string
    revoke?: string
    /** The protected resource the agent calls (the harness calls it; listed so a manager can recognise it). */
    api: string
  }
  clientId: string
  clientSecret: string
  redirectUri: string
  scopes: string[]
}

/** What the agent's API call returned. `callApi` never throws for HTTP errors; it may reject on a network failure. */
export interface ApiResult {
  status: number
  headers: Record<string, string>
  body: unknown
}

export type CallApi = (accessToken: string) => Promise<ApiResult>

/** A stored credential row, versioned for compare-and-swap across manager instances. */
export interface StoredCredential {
  accessToken: string
  refreshToken?: string
  /** Absolute expiry of the access token on the manager's clock; undefined when the source did not say. */
  accessTokenExpiresAt?: number
  scopes?: string[]
  /** Provider-specific extras a manager keeps (instance_url, token_type, cloud ids, ...). Never secrets. */
  extras?: Record<string, string>
  obtainedAt: number
}

export interface VersionedCredential {
  credential: StoredCredential
  version: number
}

/**
 * Credential storage shared by manager instances (one per process in a real deployment).
 * `compareAndSet` writes only if the stored version is still `expectedVersion` (0 = absent), so a stale
 * writer can never put back a refresh token that another instance already rotated out.
 */
export interface CredentialStore {
  get(key: string): Promise<VersionedCredential | undefined>
  compareAndSet(key: string, expectedVersion: number, next: StoredCredential | undefined): Promise<boolean>
  keys(): Promise<string[]>
}

export interface ManagerEnv {
  /** All HTTP goes through this: in-process it reaches the mocks without sockets. */
  fetch: typeof fetch
  clock: Clock
  packs: PackDescriptor[]
  /** Shared between instances when the harness simulates several processes; in-memory when absent. */
  store?: CredentialStore
}

export interface TokenManager {
  /** Runs one agent action for `teammate` on `packId`; the manager supplies the token and may refresh and retry once on a 401. */
  run(teammate: string, packId: string, callApi: CallApi): Promise<Outcome>
  /** Starts Connect: the harness (playing the browser) follows `authorizationUrl` on the source. */
  beginConnect(teammate: string, packId: string): Promise<{ authorizationUrl: string }>
  /** Finishes Connect with the URL the source redirected the browser to. `ok` means connected. */
  completeConnect(teammate: string, packId: string, callbackUrl: string): Promise<Outcome>
  /** The admin console's "clear stored credentials" for one teammate on one pack. */
  clearCredentials(teammate: string, packId: string): Promise<void>
  /** The admin console's "update client secret" for a custom pack. */
  updateClientSecret(packId: string, secret: string): Promise<void>
  /**
   * Optional: the harness drops this instance (its simulated process ended, or the timeline is over)
   * and will not call it again. Release per-instance resources here (timers, AsyncLocalStorage,
   * connections); the harness creates thousands of instances per run.
   */
  dispose?(): void | Promise<void>
  /**
   * Optional background work (refresh ahead of idle expiry, a keep-alive): while virtual time
   * advances, the world calls `tick()` every `everyMs` of the manager's clock, outside any run.
   */
  background?: BackgroundHook
}

/** A schedule the manager declares and the work the world runs on it. */
export interface BackgroundHook {
  everyMs: number
  tick(): Promise<void>
}

export type CreateManager = (env: ManagerEnv) => TokenManager

/** Is `value` one of the four outcome shapes? Used to reject a user's manager that returns anything else. */
export function isOutcome(value: unknown): value is Outcome {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  switch (v['kind']) {
    case 'ok':
      return true
    case 'connect_required':
      return typeof v['reason'] === 'string' && (CONNECT_REASONS as readonly string[]).includes(v['reason'])
    case 'blocked':
      return typeof v['reason'] === 'string' && (v['contact'] === 'admin' || v['contact'] === 'support')
    case 'retry_later':
      return typeof v['reason'] === 'string'
    default:
      return false
  }
}

export function formatOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok'
    case 'connect_required':
      return `connect_required(${outcome.reason})`
    case 'blocked':
      return `blocked(${outcome.contact}: ${outcome.reason})`
    case 'retry_later':
      return `retry_later(${outcome.reason})`
  }
}

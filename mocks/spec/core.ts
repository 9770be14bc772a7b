/**
 * The authorization server's decisions (RFC 6749, 7009, 7636), with no HTTP: the app parses the wire,
 * calls these, and renders the typed results in its dialect. Expiry is computed lazily from the clock
 * at read time, so the mock owns no timers and a simulated year costs nothing while nobody looks.
 *
 * Reads made for the oracle and tests (`grantTruth`, `accessTokenIsLive`) are pure; reads made on
 * behalf of an HTTP request `settle` a family, which records a TTL expiry the first time a request
 * notices it (and writes its `family_ended` ledger event then).
 */
import type { Clock } from '../../src/clock.ts'
import type { IdSource } from '../../src/ids.ts'
import type { ClientRecord, FamilyRecord, ProviderStore, TokenRecord } from '../store.ts'
import type {
  ConsentContext,
  ConsentDecision,
  ConsentGate,
  Fault,
  GrantEndCause,
  GrantTruth,
  LedgerEvent,
  TokenPolicy,
} from '../types.ts'
import { isS256Challenge, verifyS256 } from './pkce.ts'

/** RFC 6749 §4.1.2.1 / §5.2, RFC 7009 §2.2.1 error codes (dialects may rename them on the wire). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_token_type'
  | 'server_error'
  | 'temporarily_unavailable'

/**
 * Why an error was answered, finer than the RFC code: a provider dialect maps these to its own
 * shapes (Slack's `bad_client_secret` vs `invalid_client_id`, Atlassian's 403 for a dead refresh token).
 */
export type ErrorReason =
  // the request itself
  | 'body_too_large'
  | 'bad_content_type'
  | 'malformed_body'
  | 'duplicate_parameter'
  | 'missing_parameter'
  | 'unsupported_grant_type'
  | 'method_not_allowed'
  // client authentication
  | 'multiple_client_auth'
  | 'missing_client_auth'
  | 'malformed_client_auth'
  | 'unknown_client'
  | 'bad_client_secret'
  // authorization code grant
  | 'unknown_code'
  | 'code_client_mismatch'
  | 'code_reused'
  | 'code_expired'
  | 'redirect_uri_mismatch'
  | 'pkce_mismatch'
  // refresh token grant
  | 'unknown_refresh_token'
  | 'refresh_token_retired'
  | 'family_ended'
  | 'scope_not_granted'

export interface CoreError {
  ok: false
  error: OAuthErrorCode
  description: string
  /** The RFC status: 400, or 401 for invalid_client (413 for an oversized body). */
  status: number
  reason: ErrorReason
  /** For reason `family_ended` (and a reuse that ended it): why the family is gone. */
  endCause?: GrantEndCause
}

export function coreError(
  error: OAuthErrorCode,
  reason: ErrorReason,
  description: string,
  extra: { status?: number; endCause?: GrantEndCause } = {},
): CoreError {
  const status = extra.status ?? (error === 'invalid_client' ? 401 : 400)
  return {
    ok: false,
    error,
    reason,
    description,
    status,
    ...(extra.endCause ? { endCause: extra.endCause } : {}),
  }
}

export type GrantType = 'authorization_code' | 'refresh_token'

/** What a successful token request minted, before any dialect renders it. */
export interface IssuedTokens {
  grantType: GrantType
  accessToken: string
  tokenType: 'Bearer'
  /** Seconds until the access token expires; null when the policy gives it no lifetime (omit expires_in). */
  expiresInSec: number | null
  /** Absent when no refresh token is issued (policy, or rotation off on a refresh). */
  refreshToken?: string
  scope: string[]
  login: string
  clientId: string
  familyId: string
  issuedAtMs: number
  /** The authorize request's OIDC nonce (code exchange only): an id_token must echo it. */
  nonce?: string
}

export type TokenOutcome = { ok: true; issued: IssuedTokens } | CoreError

const PKCE_REQUIRED = 'code_challenge is required (PKCE)'

export type AuthorizeOutcome =
  /** 302 to the client: a code, or an error the client must see (RFC 6749 §4.1.2 / §4.1.2.1). */
  | { kind: 'redirect'; location: string; codeIssued: boolean }
  /** Stay at the source: no redirect (unknown client, unregistered redirect_uri, a consent error page). */
  | { kind: 'page'; status: number; error: string; description: string }

export type AccessTokenCheck =
  | { ok: true; login: string; clientId: string; scope: string[]; familyId: string }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'family_ended'; description: string }

/** Extension points for provider mocks that reuse these decisions. */
export interface CoreHooks {
  /** Whether a code exchange gets a refresh token (Google: first consent only, unless prompt=consent). */
  issueRefreshToken?(ctx: {
    login: string
    clientId: string
    policy: TokenPolicy
    authorizeQuery: Record<string, string>
    earlierFamilies: readonly FamilyRecord[]
    /** The token request's parameters (secrets included: read them, never record them). */
    tokenRequest?: Readonly<Record<string, string>>
  }): boolean
  /**
   * Families minted beside this one by the same code exchange (Slack's bot token): a reused code
   * ends them too (RFC 6749 §4.1.2: revoke every token issued from that code).
   */
  familiesMintedWith?(familyId: string): readonly string[]
  /** Runs after a code exchange created a family (Salesforce: evict the oldest beyond five per user). */
  afterFamilyCreated?(
    ctx: { familyId: string; login: string; clientId: string },
    core: AuthorizationCore,
  ): void
  /**
   * The policy that governs one family's TTLs, given its client's (Google: Testing-mode expiry spares
   * sign-in-only scopes; a Workspace reauth period). Must be pure: grantTruth reads it. Default: the client's.
   */
  familyPolicy?(family: FamilyRecord, clientPolicy: TokenPolicy): TokenPolicy
  /**
   * The wire value of a freshly minted token (Google `ya29.…`, Salesforce `00D…!…`). `minted` comes
   * from the IdSource and must appear in the result unchanged, so src/redact.ts still recognises it.
   */
  tokenValue?(kind: 'access' | 'refresh', minted: string, ctx: MintContext): string
  /**
   * Runs when a successful token request is about to mint a family's next tokens, with the request's
   * parameters (secrets included: read, never record). Zendesk remembers the lifetimes the client asked
   * for (read back through familyPolicy, which then also sets the access token's lifetime) and deletes
   * the family's previous access token.
   */
  beforeMint?(
    ctx: { grantType: GrantType; family: FamilyRecord; tokenRequest: Readonly<Record<string, string>> },
    core: AuthorizationCore,
  ): void
}

/**
 * Whether a client must use PKCE. `required`: /authorize refuses a request without code_challenge
 * (Databricks by default, a Salesforce app with "Require Proof Key for Code Exchange"); `optional`:
 * PKCE is verified when sent and a code issued without a challenge must be exchanged without a
 * verifier (connectors.md, "what each provider requires of a client").
 */
export type PkceMode = 'required' | 'optional'

/** The teammate an auto-consenting /authorize signs in when the request carries no login_hint. */
export const DEFAULT_LOGIN = 'teammate'

/** What a minted token stands for, and how to make it a signed JWT (Atlassian, Databricks, Zendesk). */
export interface MintContext {
  login: string
  clientId: string
  scope: readonly string[]
  issuedAtMs: number
  expiresAtMs: number | null
  /**
   * A signed JWT for this token: iss (the mock's issuer), sub, client_id, scope, iat, exp, and the
   * minted id as jti (so ids never need to be dot-free), then `claims` over them.
   */
  jwt(claims?: Readonly<Record<string, unknown>>, typ?: string): string
}

export interface AuthorizationCoreDeps {
  store: ProviderStore
  clock: Clock
  ids: IdSource
  consentGate?: ConsentGate
  hooks?: CoreHooks
  /** Per client; default: required for every client (the RFC baseline's strictness). */
  pkce?: (clientId: string) => PkceMode
  /** Who signs in when /authorize has no login_hint; default DEFAULT_LOGIN. */
  defaultLogin?: () => string
  /** Signs JWT-shaped tokens (MintContext.jwt) with the mock's key. */
  signJwt?: (claims: Readonly<Record<string, unknown>>, typ?: string) => string
  issuer?: string
  /** Superseded tokens of each kind a family remembers; default: all (MockRuntimeOptions.tokenRetention). */
  tokenRetention?: number
}

export interface AuthorizationCore {
  /** RFC 6749 §4.1.1: validates the request and, after consent, issues a code. Multi-valued params come in as sent. */
  authorize(params: Record<string, string[]>): AuthorizeOutcome
  authenticateClient(clientId: string, clientSecret: string): { ok: true; client: ClientRecord } | CoreError
  /** A client authentication that failed before a secret could be compared (malformed header, none sent). */
  clientAuthFailed(clientId: string | undefined, reason: ErrorReason, description: string): CoreError
  exchangeCode(
    client: ClientRecord,
    input: {
      code: string
      redirectUri: string | undefined
      /** Absent when the client sent none: fine only for a code issued without a code_challenge. */
      codeVerifier: string | undefined
      tokenRequest?: Readonly<Record<string, string>>
    },
  ): TokenOutcome
  refresh(
    client: ClientRecord,
    input: {
      refreshToken: string
      scope: string | undefined
      tokenRequest?: Readonly<Record<string, string>>
    },
    fault?: Fault['kind'],
  ): TokenOutcome
  /** RFC 7009 §2.2: unknown tokens and other clients' tokens are silently ignored. */
  revoke(client: ClientRecord, token: string): void
  validateAccessToken(token: string): AccessTokenCheck
  /** Pure: never records anything, so the oracle can look without changing the run. */
  accessTokenIsLive(token: string): boolean
  /** Pure: the status of the newest family of this teammate and client (among `held`, when given). */
  grantTruth(login: string, clientId: string, held?: ReadonlySet<string>): GrantTruth
  revokeGrant(login: string, clientId: string, by: 'user' | 'admin'): void
  rotateClientSecret(clientId: string): string
  /** Ends a live family (no-op and false if it had already ended). Provider hooks use it for eviction. */
  endFamily(familyId: string, cause: GrantEndCause): boolean
  policyFor(clientId: string): TokenPolicy
}

/** RFC 6749 §3.3: scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

export function splitScope(scope: string | undefined): string[] {
  if (scope === undefined) return []
  return scope.split(' ').filter((s) => s !== '')
}

interface FamilyEnd {
  cause: GrantEndCause
  atMs: number
}

export function createAuthorizationCore(deps: AuthorizationCoreDeps): AuthorizationCore {
  const { store, clock, ids } = deps
  const pkceFor = (clientId: string): PkceMode => deps.pkce?.(clientId) ?? 'required'
  const log = (event: LedgerEvent): void => store.appendLedger(event)
  const familyPolicy = (family: FamilyRecord): TokenPolicy => {
    const policy = store.policyFor(family.clientId)
    return deps.hooks?.familyPolicy?.(family, policy) ?? policy
  }
  const mintValue = (kind: 'access' | 'refresh', prefix: string, what: Omit<MintContext, 'jwt'>): string => {
    const minted = ids.next(prefix)
    const hook = deps.hooks?.tokenValue
    if (!hook) return minted
    const jwt = (claims: Readonly<Record<string, unknown>> = {}, typ?: string): string => {
      const sign = deps.signJwt
      if (!sign) throw new Error('this mock has no JWT signer')
      const iat = Math.floor(what.issuedAtMs / 1000)
      return sign(
        {
          iss: deps.issuer,
          sub: what.login,
          client_id: what.clientId,
          scope: what.scope.join(' '),
          iat,
          ...(what.expiresAtMs === null ? {} : { exp: Math.floor(what.expiresAtMs / 1000) }),
          jti: minted,
          ...claims,
        },
        typ,
      )
    }
    return hook(kind, minted, { ...what, jwt })
  }

  /** The TTL deadline a live family runs into first, under the client's current policy. */
  function ttlDeadline(family: FamilyRecord, policy: TokenPolicy): FamilyEnd | null {
    let end: FamilyEnd | null = null
    // The idle limit is a refresh-token lifetime: a family that never had one (Zendesk legacy) cannot idle out.
    if (family.hasRefreshToken && policy.refreshIdleTtlMs !== null) {
      end = { cause: 'refresh_idle_expired', atMs: family.lastRefreshAtMs + policy.refreshIdleTtlMs }
    }
    if (policy.refreshAbsoluteTtlMs !== null) {
      const atMs = family.createdAtMs + policy.refreshAbsoluteTtlMs
      if (end === null || atMs < end.atMs) end = { cause: 'refresh_absolute_expired', atMs }
    }
    return end
  }

  /** Pure: has this family ended by now, recorded or not? */
  function peekEnd(family: FamilyRecord, now: number): FamilyEnd | null {
    if (family.endedAtMs !== null && family.endCause !== null)
      return { cause: family.endCause, atMs: family.endedAtMs }
    const deadline = ttlDeadline(family, familyPolicy(family))
    return deadline !== null && now >= deadline.atMs ? deadline : null
  }

  function recordEnd(family: FamilyRecord, end: FamilyEnd, now: number, lazy: boolean): void {
    store.patchFamily(family.id, { endedAtMs: end.atMs, endCause: end.cause, endDetectedAtMs: now })
    log({
      type: 'family_ended',
      atMs: now,
      login: family.login,
      clientId: family.clientId,
      familyId: family.id,
      cause: end.cause,
      ...(lazy ? { endedAtMs: end.atMs } : {}),
    })
  }

  /** Like peekEnd, but a TTL expiry noticed now is recorded (once) with the instant it really happened. */
  function settle(family: FamilyRecord, now: number): FamilyEnd | null {
    const end = peekEnd(family, now)
    if (end !== null && family.endedAtMs === null) recordEnd(family, end, now, true)
    return end
  }

  function endLive(family: FamilyRecord, cause: GrantEndCause, now: number): boolean {
    if (settle(family, now) !== null) return false
    recordEnd(family, { cause, atMs: now }, now, false)
    return true
  }

  function mintAccessToken(
    family: FamilyRecord,
    scope: string[],
    policy: TokenPolicy,
    now: number,
  ): { value: string; expiresInSec: number | null } {
    // An access token never outlives its family's absolute end, whatever its own lifetime says.
    const absoluteTtlMs = familyPolicy(family).refreshAbsoluteTtlMs
    const absoluteEnd = absoluteTtlMs === null ? null : family.createdAtMs + absoluteTtlMs
    let expiresAtMs: number | null
    let expiresInSec: number | null = null
    if (policy.accessTokenTtlMs === null) {
      expiresAtMs = absoluteEnd
    } else {
      expiresAtMs = now + policy.accessTokenTtlMs
      if (absoluteEnd !== null) expiresAtMs = Math.min(expiresAtMs, absoluteEnd)
      // Rounded down: a client that believes its token dies a little early refreshes in time.
      expiresInSec = Math.max(0, Math.floor((expiresAtMs - now) / 1000))
    }
    const value = mintValue('access', 'at_', {
      login: family.login,
      clientId: family.clientId,
      scope,
      issuedAtMs: now,
      expiresAtMs,
    })
    store.createToken({
      value,
      kind: 'access',
      familyId: family.id,
      login: family.login,
      clientId: family.clientId,
      scope: scope.join(' '),
      issuedAtMs: now,
      expiresAtMs,
    })
    return { value, expiresInSec }
  }

  function mintRefreshToken(family: FamilyRecord, now: number): string {
    const value = mintValue('refresh', 'rt_', {
      login: family.login,
      clientId: family.clientId,
      scope: splitScope(family.scope),
      issuedAtMs: now,
      expiresAtMs: null,
    })
    store.createToken({
      value,
      kind: 'refresh',
      familyId: family.id,
      login: family.login,
      clientId: family.clientId,
      scope: family.scope,
      issuedAtMs: now,
      expiresAtMs: null,
    })
    const previous = family.currentRefreshToken
    if (previous !== null) {
      const old = store.getToken(previous)
      if (old && old.retiredAtMs === null) store.patchToken(previous, { retiredAtMs: now })
    }
    store.patchFamily(family.id, { currentRefreshToken: value, hasRefreshToken: true })
    return value
  }

  /**
   * Forgets what the family no longer needs beyond `tokenRetention` superseded tokens of each kind:
   * the oldest access tokens, and the oldest retired refresh tokens once their reuse leeway is over
   * (a token the leeway still honours is never forgotten). O(1) per forgotten token: the store keeps
   * each family's tokens oldest first.
   */
  function prune(family: FamilyRecord, policy: TokenPolicy, now: number): void {
    const keep = deps.tokenRetention
    if (keep === undefined) return
    while (store.tokenCount(family.id, 'access') > keep + 1) {
      const oldest = store.oldestToken(family.id, 'access')
      if (!oldest) break
      store.deleteToken(oldest.value)
    }
    while (store.tokenCount(family.id, 'refresh') > keep + 1) {
      const oldest = store.oldestToken(family.id, 'refresh')
      if (!oldest || oldest.value === family.currentRefreshToken || oldest.retiredAtMs === null) break
      // Same comparison as presentedAs: still inside the leeway means still honoured.
      if (now - oldest.retiredAtMs < policy.reuseLeewayMs) break
      store.deleteToken(oldest.value)
    }
  }

  function presentedAs(
    token: TokenRecord,
    family: FamilyRecord,
    policy: TokenPolicy,
    now: number,
  ): 'current' | 'retired_within_leeway' | 'retired_after_leeway' {
    if (token.retiredAtMs === null || family.currentRefreshToken === token.value) return 'current'
    // Strictly less: with a leeway of 0 even a same-instant concurrent reuse is not honoured.
    return now - token.retiredAtMs < policy.reuseLeewayMs ? 'retired_within_leeway' : 'retired_after_leeway'
  }

  function first(params: Record<string, string[]>, name: string): string | undefined {
    const values = params[name]
    if (!values || values.length === 0) return undefined
    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    return values[0] === '' ? undefined : values[0]
  }

  function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
    const url = new URL(redirectUri)
    for (const [key, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(key, value)
    return url.toString()
  }

  const core: AuthorizationCore = {
    authorize(params) {
      const now = clock.now()
      const page = (error: string, description: string, status = 400): AuthorizeOutcome => ({
        kind: 'page',
        status,
        error,
        description,
      })
      // Until client and redirect_uri are trusted, errors must not redirect anywhere (RFC 6749 §4.1.2.1).
      if ((params['client_id']?.length ?? 0) > 1) return page('invalid_request', 'client_id is duplicated')
      if ((params['redirect_uri']?.length ?? 0) > 1)
        return page('invalid_request', 'redirect_uri is duplicated')
      const clientId = first(params, 'client_id')
      if (clientId === undefined) return page('invalid_request', 'client_id is missing')
      const client = store.getClient(clientId)
      if (!client) return page('invalid_client', 'client_id is not registered')
      let redirectUri = first(params, 'redirect_uri')
      const redirectUriIncluded = redirectUri !== undefined
      if (redirectUri === undefined) {
        // §3.1.2.3: may be omitted only when exactly one redirection URI is registered.
        if (client.redirectUris.length !== 1 || client.redirectUris[0] === undefined) {
          return page('invalid_request', 'redirect_uri is missing')
        }
        redirectUri = client.redirectUris[0]
      } else if (!client.redirectUris.includes(redirectUri)) {
        return page('invalid_request', 'redirect_uri is not registered for this client')
      }

      const stateValues = params['state'] ?? []
      const state = stateValues.length === 1 ? first(params, 'state') : undefined
      const target = redirectUri
      const fail = (error: string, description: string): AuthorizeOutcome => ({
        kind: 'redirect',
        location: redirectTo(target, { error, error_description: description, state }),
        codeIssued: false,
      })
      for (const [name, values] of Object.entries(params)) {
        if (values.length > 1) return fail('invalid_request', `${name} is duplicated`)
      }
      const responseType = first(params, 'response_type')
      if (responseType === undefined) return fail('invalid_request', 'response_type is missing')
      if (responseType !== 'code')
        return fail('unsupported_response_type', 'only response_type=code is supported')
      const challenge = first(params, 'code_challenge')
      if (challenge === undefined) {
        if (pkceFor(clientId) === 'required') return fail('invalid_request', PKCE_REQUIRED)
        if (first(params, 'code_challenge_method') !== undefined)
          return fail('invalid_request', 'code_challenge_method was sent without code_challenge')
      } else {
        if (first(params, 'code_challenge_method') !== 'S256') {
          return fail('invalid_request', 'code_challenge_method must be S256')
        }
        if (!isS256Challenge(challenge))
          return fail('invalid_request', 'code_challenge is not a base64url SHA-256')
      }
      const scopes = splitScope(first(params, 'scope'))
      if (!scopes.every((s) => SCOPE_TOKEN.test(s)))
        return fail('invalid_scope', 'scope contains invalid characters')
      // No provider requires login_hint: the real page asks the user to sign in; auto-consent picks one.
      const login = first(params, 'login_hint') ?? deps.defaultLogin?.() ?? DEFAULT_LOGIN

      const query: Record<string, string> = {}
      for (const [name, values] of Object.entries(params))
        if (values[0] !== undefined) query[name] = values[0]
      const decision = consentFor({
        login,
        clientId,
        scopes,
        query,
        approvals: store.approvals(),
      })
      if (decision.kind === 'deny_redirect') {
        return {
          kind: 'redirect',
          location: redirectTo(target, {
            error: decision.error,
            error_description: decision.description,
            state,
          }),
          codeIssued: false,
        }
      }
      if (decision.kind === 'error_page') return page('access_denied', decision.message, decision.status)

      store.ensureUser(login, now)
      if (!store.getGrant(login, clientId)) {
        store.createGrant({ id: ids.next('grant_'), login, clientId, createdAtMs: now })
      }
      const code = ids.next('code_')
      store.createCode({
        value: code,
        clientId,
        login,
        redirectUri,
        redirectUriIncluded,
        scope: scopes.join(' '),
        // '' marks a code issued without PKCE: its exchange must then carry no verifier.
        codeChallenge: challenge ?? '',
        query,
        issuedAtMs: now,
        expiresAtMs: now + store.policyFor(clientId).codeTtlMs,
      })
      log({ type: 'code_issued', atMs: now, login, clientId })
      return { kind: 'redirect', location: redirectTo(target, { code, state }), codeIssued: true }
    },

    authenticateClient(clientId, clientSecret) {
      const client = store.getClient(clientId)
      if (!client) return core.clientAuthFailed(clientId, 'unknown_client', 'client authentication failed')
      if (client.clientSecret !== clientSecret) {
        return core.clientAuthFailed(clientId, 'bad_client_secret', 'client authentication failed')
      }
      return { ok: true, client }
    },

    clientAuthFailed(clientId, reason, description) {
      log({ type: 'client_auth_failed', atMs: clock.now(), clientId: clientId ?? '' })
      return coreError('invalid_client', reason, description)
    },

    exchangeCode(client, input) {
      const now = clock.now()
      const code = store.getCode(input.code)
      if (!code) return coreError('invalid_grant', 'unknown_code', 'the authorization code is invalid')
      if (code.clientId !== client.clientId) {
        return coreError(
          'invalid_grant',
          'code_client_mismatch',
          'the authorization code was issued to another client',
        )
      }
      if (code.usedAtMs !== null) {
        // RFC 6749 §4.1.2: deny, and revoke what the first exchange minted.
        const family = code.familyId === null ? undefined : store.getFamily(code.familyId)
        if (family) {
          endLive(family, 'code_reused', now)
          for (const id of deps.hooks?.familiesMintedWith?.(family.id) ?? []) {
            const sibling = store.getFamily(id)
            if (sibling) endLive(sibling, 'code_reused', now)
          }
        }
        return coreError('invalid_grant', 'code_reused', 'the authorization code was already used')
      }
      if (now >= code.expiresAtMs)
        return coreError('invalid_grant', 'code_expired', 'the authorization code expired')
      if (
        code.redirectUriIncluded
          ? input.redirectUri !== code.redirectUri
          : input.redirectUri !== undefined && input.redirectUri !== code.redirectUri
      ) {
        return coreError(
          'invalid_grant',
          'redirect_uri_mismatch',
          'redirect_uri does not match the authorization request',
        )
      }
      if (code.codeChallenge === '') {
        // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is refused (downgrade).
        if (input.codeVerifier !== undefined)
          return coreError(
            'invalid_grant',
            'pkce_mismatch',
            'code_verifier sent for a code issued without PKCE',
          )
      } else if (input.codeVerifier === undefined) {
        return coreError('invalid_request', 'missing_parameter', 'code_verifier is missing')
      } else if (!verifyS256(input.codeVerifier, code.codeChallenge)) {
        return coreError('invalid_grant', 'pkce_mismatch', 'code_verifier does not match the code_challenge')
      }

      const policy = store.policyFor(client.clientId)
      const grant =
        store.getGrant(code.login, client.clientId) ??
        store.createGrant({
          id: ids.next('grant_'),
          login: code.login,
          clientId: client.clientId,
          createdAtMs: now,
        })
      const earlierFamilies = store.familiesOf(code.login, client.clientId)
      const withRefresh =
        deps.hooks?.issueRefreshToken?.({
          login: code.login,
          clientId: client.clientId,
          policy,
          authorizeQuery: JSON.parse(code.queryJson) as Record<string, string>,
          earlierFamilies,
          tokenRequest: input.tokenRequest ?? {},
        }) ?? policy.issueRefreshTokens
      const family = store.createFamily({
        id: ids.next('fam_'),
        grantId: grant.id,
        login: code.login,
        clientId: client.clientId,
        scope: code.scope,
        createdAtMs: now,
        hasRefreshToken: withRefresh,
      })
      store.patchCode(code.value, { usedAtMs: now, familyId: family.id })
      const scope = splitScope(code.scope)
      deps.hooks?.beforeMint?.(
        { grantType: 'authorization_code', family, tokenRequest: input.tokenRequest ?? {} },
        core,
      )
      const access = mintAccessToken(family, scope, familyPolicy(family), now)
      const refreshToken = withRefresh ? mintRefreshToken(family, now) : undefined
      log({
        type: 'code_exchanged',
        atMs: now,
        login: code.login,
        clientId: client.clientId,
        familyId: family.id,
      })
      deps.hooks?.afterFamilyCreated?.(
        { familyId: family.id, login: code.login, clientId: client.clientId },
        core,
      )
      const nonce = (JSON.parse(code.queryJson) as Record<string, string>)['nonce']
      return {
        ok: true,
        issued: {
          ...(nonce === undefined || nonce === '' ? {} : { nonce }),
          grantType: 'authorization_code',
          accessToken: access.value,
          tokenType: 'Bearer',
          expiresInSec: access.expiresInSec,
          ...(refreshToken === undefined ? {} : { refreshToken }),
          scope,
          login: code.login,
          clientId: client.clientId,
          familyId: family.id,
          issuedAtMs: now,
        },
      }
    },

    refresh(client, input, fault) {
      const now = clock.now()
      const token = store.getToken(input.refreshToken)
      // RFC 6749 §6: a refresh token bound to another client is, for this client, simply invalid.
      if (!token || token.kind !== 'refresh' || token.clientId !== client.clientId) {
        log({ type: 'refresh_unknown_token', atMs: now, clientId: client.clientId })
        return coreError('invalid_grant', 'unknown_refresh_token', 'the refresh token is invalid')
      }
      const family = store.getFamily(token.familyId)
      if (!family) {
        log({ type: 'refresh_unknown_token', atMs: now, clientId: client.clientId })
        return coreError('invalid_grant', 'unknown_refresh_token', 'the refresh token is invalid')
      }
      const policy = store.policyFor(client.clientId)
      const presented = presentedAs(token, family, policy, now)
      const logRefresh = (result: 'issued' | 'rejected'): void =>
        log({
          type: 'refresh',
          atMs: now,
          login: family.login,
          clientId: family.clientId,
          familyId: family.id,
          presented,
          result,
          ...(fault === undefined ? {} : { fault }),
        })

      const ended = settle(family, now)
      if (ended !== null) {
        logRefresh('rejected')
        return coreError('invalid_grant', 'family_ended', 'the refresh token is expired or revoked', {
          endCause: ended.cause,
        })
      }
      if (presented === 'retired_after_leeway') {
        logRefresh('rejected')
        if (policy.reuseAfterLeeway === 'revoke_family') {
          endLive(family, 'reuse_detected', now)
          return coreError('invalid_grant', 'refresh_token_retired', 'the refresh token was already used', {
            endCause: 'reuse_detected',
          })
        }
        return coreError('invalid_grant', 'refresh_token_retired', 'the refresh token was already used')
      }
      const granted = splitScope(family.scope)
      let scope = granted
      if (input.scope !== undefined) {
        const requested = splitScope(input.scope)
        // RFC 6749 §6: a refresh may narrow the scope, never widen it.
        if (requested.length === 0 || !requested.every((s) => granted.includes(s))) {
          logRefresh('rejected')
          return coreError(
            'invalid_scope',
            'scope_not_granted',
            'the requested scope exceeds the granted scope',
          )
        }
        scope = requested
      }

      deps.hooks?.beforeMint?.(
        { grantType: 'refresh_token', family, tokenRequest: input.tokenRequest ?? {} },
        core,
      )
      store.patchFamily(family.id, { lastRefreshAtMs: now })
      const issuing = familyPolicy(family)
      const refreshToken = issuing.rotation ? mintRefreshToken(family, now) : undefined
      const access = mintAccessToken(family, scope, issuing, now)
      prune(family, policy, now)
      logRefresh('issued')
      return {
        ok: true,
        issued: {
          grantType: 'refresh_token',
          accessToken: access.value,
          tokenType: 'Bearer',
          expiresInSec: access.expiresInSec,
          ...(refreshToken === undefined ? {} : { refreshToken }),
          scope,
          login: family.login,
          clientId: family.clientId,
          familyId: family.id,
          issuedAtMs: now,
        },
      }
    },

    revoke(client, value) {
      const now = clock.now()
      const token = store.getToken(value)
      if (!token || token.clientId !== client.clientId) return
      if (token.kind === 'access') {
        if (token.revokedAtMs === null) store.patchToken(value, { revokedAtMs: now })
        return
      }
      // RFC 7009 §2.1: revoking a refresh token invalidates the whole grant it belongs to.
      const family = store.getFamily(token.familyId)
      if (family) endLive(family, 'revoked_by_client', now)
    },

    validateAccessToken(value) {
      const now = clock.now()
      const token = store.getToken(value)
      if (!token || token.kind !== 'access')
        return { ok: false, reason: 'unknown', description: 'The access token is invalid' }
      if (token.revokedAtMs !== null)
        return { ok: false, reason: 'revoked', description: 'The access token was revoked' }
      const family = store.getFamily(token.familyId)
      if (!family || settle(family, now) !== null) {
        return { ok: false, reason: 'family_ended', description: 'The access token was revoked' }
      }
      if (token.expiresAtMs !== null && now >= token.expiresAtMs) {
        return { ok: false, reason: 'expired', description: 'The access token expired' }
      }
      return {
        ok: true,
        login: token.login,
        clientId: token.clientId,
        scope: splitScope(token.scope),
        familyId: family.id,
      }
    },

    accessTokenIsLive(value) {
      const now = clock.now()
      const token = store.getToken(value)
      if (!token || token.kind !== 'access' || token.revokedAtMs !== null) return false
      if (token.expiresAtMs !== null && now >= token.expiresAtMs) return false
      const family = store.getFamily(token.familyId)
      return family !== undefined && peekEnd(family, now) === null
    },

    grantTruth(login, clientId, held) {
      const families = heldOnly(store.familiesOf(login, clientId), held)
      const newest = families[families.length - 1]
      if (!newest) return { status: 'none' }
      const end = peekEnd(newest, clock.now())
      if (end) return { status: 'ended', familyId: newest.id, cause: end.cause, atMs: end.atMs }
      return {
        status: 'alive',
        familyId: newest.id,
        grantedAtMs: newest.createdAtMs,
        lastRefreshAtMs: newest.lastRefreshAtMs,
      }
    },

    revokeGrant(login, clientId, by) {
      const now = clock.now()
      const cause: GrantEndCause = by === 'user' ? 'revoked_by_user' : 'revoked_by_admin'
      for (const family of store.familiesOf(login, clientId)) endLive(family, cause, now)
    },

    rotateClientSecret(clientId) {
      const now = clock.now()
      if (!store.getClient(clientId)) throw new RangeError(`unknown client "${clientId}"`)
      const secret = ids.next('secret_')
      store.patchClient(clientId, { clientSecret: secret })
      log({ type: 'secret_rotated', atMs: now, clientId })
      if (store.policyFor(clientId).secretRotationEndsGrants) {
        for (const family of store.familiesOfClient(clientId)) endLive(family, 'secret_rotated', now)
      }
      return secret
    },

    endFamily(familyId, cause) {
      const family = store.getFamily(familyId)
      return family ? endLive(family, cause, clock.now()) : false
    },

    policyFor: (clientId) => store.policyFor(clientId),
  }

  function consentFor(ctx: ConsentContext): ConsentDecision {
    // A scripted answer for this teammate (a Deny click) comes first; the provider's gate after it.
    const scripted = store.consentAnswer(ctx.login)
    if (scripted && scripted.kind !== 'allow') return scripted
    return deps.consentGate?.(ctx) ?? { kind: 'allow' }
  }

  return core
}

/** The families one client device holds (all of them when `held` is not given). */
export function heldOnly(families: readonly FamilyRecord[], held?: ReadonlySet<string>): FamilyRecord[] {
  return held === undefined ? [...families] : families.filter((f) => held.has(f.id))
}

/**
 * Whether a client's PKCE setting decided an /authorize answer (quirks salesforce.pkce-per-app,
 * databricks.pkce-required): no code_challenge was sent, and a code was issued anyway or refused for it.
 */
export function pkceSettingDecided(params: Record<string, string[]>, outcome: AuthorizeOutcome): boolean {
  if (params['code_challenge'] !== undefined || outcome.kind !== 'redirect') return false
  if (outcome.codeIssued) return true
  return new URL(outcome.location).searchParams.get('error_description') === PKCE_REQUIRED
}

/**
 * Google OAuth 2.0 (Gmail, Calendar, Docs, Sheets) on the spec kit: Google's paths, refresh tokens
 * that never rotate and are issued only on first consent (or prompt=consent) with access_type=offline,
 * `ya29.` access tokens with expires_in 3599, the refresh-token end conditions (6 months unused,
 * Testing-mode 7 days, the 100-token limit, a password change with Gmail scopes, a Workspace reauth
 * policy), granular consent, Google's error bodies, /revoke without client authentication, and the
 * admin_policy_enforced and deleted_client pages. See quirks.ts.
 *
 * One mock plays accounts.google.com, oauth2.googleapis.com and the APIs on a single origin.
 */
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/clock.ts'
import type { MockFactoryInput } from '../factory-input.ts'
import { definePackOptions, type PackOptionValue, readPackOptions } from '../pack-option-parsing.ts'
import { PolicyError } from '../policy.ts'
import { requestState } from '../request-state.ts'
import { type AccessTokenCheck, type IssuedTokens, heldOnly, splitScope } from '../spec/core.ts'
import { signIdToken } from '../spec/id-token.ts'
import {
  NO_STORE_HEADERS,
  RFC_DIALECT,
  type ResponseDialect,
  type WireResponse,
  toResponse,
} from '../spec/dialect.ts'
import { createSpecMock, type SpecMock } from '../spec/index.ts'
import { readOAuthBody } from '../spec/params.ts'
import type { FamilyRecord, ProviderStore } from '../store.ts'
import { fireQuirk } from '../quirk-tally.ts'
import { GOOGLE_SIGN_IN_SCOPES, type GoogleQuirkId, googleQuirks } from './quirks.ts'
import type { ConsentGate, GrantEndCause, GrantTruth, MockOptions, TokenPolicy } from '../types.ts'

/** The approval key the world's `approve_app` sets (src/world/mock-registry.ts APP_APPROVAL_KEY; a test keeps them equal). */
export const GOOGLE_APPROVAL_KEY = 'app'

export const GOOGLE_PATHS = Object.freeze({
  metadata: '/.well-known/openid-configuration',
  authorize: '/o/oauth2/v2/auth',
  token: '/token',
  revoke: '/revoke',
  /** The protected resource the agent calls. */
  api: '/oauth2/v3/userinfo',
  /** A Gmail call that needs a Gmail scope (granular consent shows here). */
  gmail: '/gmail/v1/users/me/profile',
  /** Google's JWK Set (www.googleapis.com/oauth2/v3/certs), on the mock's origin. */
  jwks: '/oauth2/v3/certs',
})

export { GOOGLE_SIGN_IN_SCOPES }
export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly'

export function isSignInScope(scope: string): boolean {
  return GOOGLE_SIGN_IN_SCOPES.includes(scope)
}

export function isGmailScope(scope: string): boolean {
  return scope === 'https://mail.google.com/' || scope.startsWith('https://www.googleapis.com/auth/gmail.')
}

/** "Unused for 6 months", taken as 183 days. */
export const GOOGLE_UNUSED_TTL_MS = 183 * DAY_MS
export const GOOGLE_TESTING_TTL_MS = 7 * DAY_MS
export const GOOGLE_LIVE_TOKEN_LIMIT = 100

export const GOOGLE_DEFAULT_POLICY: Readonly<TokenPolicy> = Object.freeze({
  // expires_in 3599: the token is announced (and lives) one second short of an hour.
  accessTokenTtlMs: 3599 * 1000,
  issueRefreshTokens: true,
  refreshIdleTtlMs: GOOGLE_UNUSED_TTL_MS,
  refreshAbsoluteTtlMs: null,
  rotation: false,
  reuseLeewayMs: 0,
  reuseAfterLeeway: 'reject',
  secretRotationEndsGrants: false,
  codeTtlMs: 10 * MINUTE_MS,
})

const DELETED_CLIENT = 'The OAuth client was deleted.'
const RAPT = 'reauth related error (invalid_rapt)'

export interface GoogleMockOptions extends MockOptions {
  publishingStatus?: 'production' | 'testing'
  userType?: 'external' | 'internal'
  unusedExpiry?: boolean
  liveTokenLimit?: boolean
  /** Workspace reauthentication period in hours (1–24); 0 or absent: no reauth policy. */
  reauthPolicyHours?: number
  /** Scopes every user unticks at consent (sign-in scopes cannot be unticked). */
  uncheckedScopes?: readonly string[]
  invalidTokenStatus?: 'UNAUTHENTICATED' | 'omit'
  /** The app is restricted in the Workspace's API Controls until `approve('app')`. */
  adminPolicyEnforced?: boolean
  reconsentRevokesPrevious?: boolean
  /** Time-based access: 0 (off) or the days a user grants (1–365). */
  timeBasedAccessDays?: number
}

export interface GoogleControl {
  /** The user changes their password: every live grant with a Gmail scope ends. */
  changePassword(login: string): void
  /** Deletes an OAuth client in the Cloud console (restorable). */
  deleteClient(clientId: string): void
  restoreClient(clientId: string): void
  /** The scopes this user unticks at their next consents (granular consent). */
  setUncheckedScopes(login: string, scopes: readonly string[]): void
  /** A Workspace admin restricts the app: consent shows admin_policy_enforced and existing grants end. */
  restrictApp(): void
  /** A Workspace admin trusts the app again. */
  trustApp(): void
}

export interface GoogleMock extends SpecMock {
  readonly google: GoogleControl
}

function fail(message: string): never {
  throw new PolicyError(`google: ${message}`)
}

/**
 * The pack options a Google pack may carry: its quirk records' options (ranges, the scope list and
 * its sign-in scopes included), the user type (no quirk's: it decides whether Testing applies), and
 * domain-wide delegation, a refused setup the factory turns away with its reason.
 */
export const googlePackOptions = definePackOptions('google', googleQuirks, {
  extra: [
    {
      name: 'userType',
      values: ['external', 'internal'],
      default: 'external',
      why: "the OAuth consent screen's user type: Testing mode's 7-day expiry applies to External apps only",
    },
  ],
  extraKeys: ['domainWideDelegation'],
})

/** The pack options among GoogleMockOptions, as a pack writes them (a scope list as one string). */
function asPackOptions(options: GoogleMockOptions): Record<string, PackOptionValue> {
  const names = new Set<string>(googlePackOptions.options.map((o) => o.name))
  const out: Record<string, PackOptionValue> = {}
  for (const [name, value] of Object.entries(options)) {
    if (!names.has(name) || value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(' ') : (value as PackOptionValue)
  }
  return out
}

/** The options a mock is built with, checked against googlePackOptions (the same check a pack gets). */
function checkOptions(options: GoogleMockOptions): void {
  readPackOptions(googlePackOptions, asPackOptions(options))
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A stable numeric-looking subject id for a login, like Google's `sub`. */
function subjectOf(login: string): string {
  const hex = createHash('sha256').update(`google-sub:${login}`).digest('hex').slice(0, 15)
  return `1${BigInt(`0x${hex}`).toString().padStart(20, '0').slice(0, 20)}`
}

export function createGoogleMock(options: GoogleMockOptions): GoogleMock {
  checkOptions(options)
  if (options.policy !== undefined && Object.keys(options.policy).length > 0)
    fail('an OAuth client has no refresh-token policy of its own; use publishingStatus, reauthPolicyHours …')
  const testing = (options.publishingStatus ?? 'production') === 'testing'
  const external = (options.userType ?? 'external') === 'external'
  const reauthMs = options.reauthPolicyHours ? options.reauthPolicyHours * HOUR_MS : null
  const timeBasedMs = options.timeBasedAccessDays ? options.timeBasedAccessDays * DAY_MS : null
  const limitLiveTokens = options.liveTokenLimit ?? true
  const uncheckedForAll = new Set(options.uncheckedScopes ?? [])
  const uncheckedByUser = new Map<string, Set<string>>()
  const deleted = new Set<string>()
  let gated = options.adminPolicyEnforced === true

  let self: SpecMock | undefined
  const mock = (): SpecMock => {
    if (!self) throw new Error('google mock used before it was created')
    return self
  }
  const fired = (id: GoogleQuirkId): void => mock().quirks.fire(id)

  /** The family's TTLs: Testing mode (unless sign-in only), time-based access and reauth shorten the client's. */
  const familyPolicy = (family: FamilyRecord, policy: TokenPolicy): TokenPolicy => {
    let absolute = policy.refreshAbsoluteTtlMs
    const cap = (ms: number) => {
      absolute = absolute === null ? ms : Math.min(absolute, ms)
    }
    if (testing && external) {
      if (!splitScope(family.scope).every(isSignInScope)) cap(GOOGLE_TESTING_TTL_MS)
      else if (self) fired('google.testing-mode-spares-sign-in-scopes')
    }
    if (timeBasedMs !== null) cap(timeBasedMs)
    if (reauthMs !== null) cap(reauthMs)
    return absolute === policy.refreshAbsoluteTtlMs ? policy : { ...policy, refreshAbsoluteTtlMs: absolute }
  }

  /** Pure: whether and why a family has ended by `now` (the core's TTL rule under the family's policy). */
  const familyEnd = (
    store: ProviderStore,
    family: FamilyRecord,
    now: number,
  ): { cause: GrantEndCause; atMs: number } | null => {
    if (family.endedAtMs !== null && family.endCause !== null)
      return { cause: family.endCause, atMs: family.endedAtMs }
    const policy = familyPolicy(family, store.policyFor(family.clientId))
    let end: { cause: GrantEndCause; atMs: number } | null = null
    if (family.hasRefreshToken && policy.refreshIdleTtlMs !== null)
      end = { cause: 'refresh_idle_expired', atMs: family.lastRefreshAtMs + policy.refreshIdleTtlMs }
    if (policy.refreshAbsoluteTtlMs !== null) {
      const atMs = family.createdAtMs + policy.refreshAbsoluteTtlMs
      if (end === null || atMs < end.atMs) end = { cause: 'refresh_absolute_expired', atMs }
    }
    return end !== null && now >= end.atMs ? end : null
  }
  const familyIsLive = (store: ProviderStore, family: FamilyRecord, now: number): boolean =>
    familyEnd(store, family, now) === null

  // id_tokens are signed by the mock's key (served at jwks_uri); iss is the issuer discovery names.
  const idToken = (issued: IssuedTokens): string =>
    signIdToken(mock().signer, mock().issuer, issued, {
      sub: subjectOf(issued.login),
      email: `${issued.login}@example.com`,
      email_verified: true,
    })

  const googleError = (
    status: number,
    error: string,
    description: string,
    extra: object = {},
  ): WireResponse => ({
    status,
    json: { error, error_description: description, ...extra },
  })

  const apiError = (code: number, message: string, status: string, challenge: string): WireResponse => ({
    status: code,
    headers: { 'WWW-Authenticate': challenge },
    json: {
      error: {
        code,
        message,
        ...(status === 'UNAUTHENTICATED' && options.invalidTokenStatus === 'omit' ? {} : { status }),
      },
    },
  })

  const dialect: ResponseDialect = {
    ...RFC_DIALECT,

    tokenSuccess(issued) {
      fired('google.access-token-shape')
      if (issued.grantType === 'refresh_token') fired('google.refresh-token-never-rotates')
      if (issued.refreshToken !== undefined && timeBasedMs !== null) fired('google.time-based-access')
      return {
        status: 200,
        json: {
          access_token: issued.accessToken,
          ...(issued.expiresInSec === null ? {} : { expires_in: issued.expiresInSec }),
          ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
          scope: issued.scope.join(' '),
          token_type: 'Bearer',
          ...(issued.scope.includes('openid') ? { id_token: idToken(issued) } : {}),
          ...(issued.refreshToken !== undefined && timeBasedMs !== null
            ? { refresh_token_expires_in: Math.floor(timeBasedMs / 1000) }
            : {}),
        },
      }
    },

    oauthError(err) {
      switch (err.reason) {
        case 'unknown_client':
          fired(
            err.description === DELETED_CLIENT ? 'google.deleted-client' : 'google.unknown-client-not-found',
          )
          return err.description === DELETED_CLIENT
            ? googleError(401, 'deleted_client', DELETED_CLIENT)
            : googleError(401, 'invalid_client', 'The OAuth client was not found.')
        case 'bad_client_secret':
        case 'malformed_client_auth':
          fired('google.wrong-secret-401-unauthorized')
          return googleError(401, 'invalid_client', 'Unauthorized')
        case 'missing_client_auth':
          return googleError(400, 'invalid_request', 'Could not determine client ID from request.')
        case 'unknown_refresh_token':
        case 'refresh_token_retired':
        case 'family_ended':
          fired(err.description === RAPT ? 'google.invalid-rapt' : 'google.dead-refresh-token-message')
          return err.description === RAPT
            ? googleError(400, 'invalid_grant', RAPT, { error_subtype: 'invalid_rapt' })
            : googleError(400, 'invalid_grant', 'Token has been expired or revoked.')
        case 'unknown_code':
          fired('google.code-errors')
          return googleError(400, 'invalid_grant', 'Malformed auth code.')
        case 'code_reused':
        case 'code_expired':
        case 'code_client_mismatch':
          fired('google.code-errors')
          return googleError(400, 'invalid_grant', 'Bad Request')
        case 'redirect_uri_mismatch':
          return googleError(400, 'redirect_uri_mismatch', 'Bad Request')
        case 'pkce_mismatch':
          return googleError(400, 'invalid_grant', 'Invalid code verifier.')
        default:
          return RFC_DIALECT.oauthError(err)
      }
    },

    // Google's consent errors are pages at accounts.google.com ("Error 400: admin_policy_enforced").
    authorizePage(page) {
      const match = /^([a-z_]+): (.*)$/.exec(page.description)
      const code = page.error === 'access_denied' && match ? (match[1] ?? page.error) : page.error
      const text = page.error === 'access_denied' && match ? (match[2] ?? '') : page.description
      return {
        status: page.status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        text: `<!doctype html><title>Error ${page.status}: ${escapeHtml(code)}</title><h1>Access blocked</h1><p>Error ${page.status}: ${escapeHtml(code)}</p><p>${escapeHtml(text)}</p>`,
      }
    },

    apiSuccess: (who) => ({
      status: 200,
      json: {
        sub: subjectOf(who.login),
        email: `${who.login}@example.com`,
        email_verified: true,
        name: who.login,
      },
    }),

    apiRejected(rejection) {
      fired('google.api-error-shapes')
      const realm = 'Bearer realm="https://accounts.google.com/"'
      if (rejection.kind === 'insufficient_scope') {
        return apiError(
          403,
          'Request had insufficient authentication scopes.',
          'PERMISSION_DENIED',
          `${realm}, error="insufficient_scope", scope="${rejection.scope}"`,
        )
      }
      return apiError(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        'UNAUTHENTICATED',
        rejection.kind === 'missing' ? realm : `${realm}, error="invalid_token"`,
      )
    },
  }

  const consentGate: ConsentGate = (ctx) => {
    if (deleted.has(ctx.clientId)) {
      fired('google.deleted-client')
      return { kind: 'error_page', status: 401, message: `deleted_client: ${DELETED_CLIENT}` }
    }
    if (gated && !ctx.approvals.has(GOOGLE_APPROVAL_KEY)) {
      fired('google.admin-policy-enforced')
      return {
        kind: 'error_page',
        status: 400,
        message:
          'admin_policy_enforced: Access to this app has been restricted by your Google Workspace administrator.',
      }
    }
    return options.consentGate?.(ctx)
  }

  const { policy: _noPolicy, ...specOptions } = options
  const spec = createSpecMock({
    ...specOptions,
    provider: 'google',
    onReset() {
      uncheckedByUser.clear()
      deleted.clear()
      gated = options.adminPolicyEnforced === true
    },
    paths: { ...GOOGLE_PATHS, revoke: null },
    // Google's own /revoke route (no client authentication needed) is the revocation_endpoint.
    revocationPath: GOOGLE_PATHS.revoke,
    metadataExtras: (issuer) => ({
      jwks_uri: `${issuer}${GOOGLE_PATHS.jwks}`,
      userinfo_endpoint: `${issuer}${GOOGLE_PATHS.api}`,
      scopes_supported: ['openid', 'email', 'profile'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [mock().signer.alg],
    }),
    // connectors.md addendum: optional for confidential web-server clients, verified when sent.
    providerPkce: 'optional',
    dialect,
    providerPolicy: {
      ...GOOGLE_DEFAULT_POLICY,
      ...(options.unusedExpiry === false ? { refreshIdleTtlMs: null } : {}),
    },
    consentGate,
    realm: 'google',
    classify: (path) => {
      if (path === GOOGLE_PATHS.revoke) return 'revoke'
      if (path === GOOGLE_PATHS.gmail) return 'api'
      return undefined
    },
    hooks: {
      issueRefreshToken: ({ policy, authorizeQuery, earlierFamilies }) => {
        if (!policy.issueRefreshTokens) return false
        if (authorizeQuery['access_type'] !== 'offline') {
          fired('google.offline-access-required')
          return false
        }
        if ((authorizeQuery['prompt'] ?? '').split(' ').includes('consent')) return true
        const { store, clock } = mock()
        const now = clock.now()
        // First consent for this user and client: no refresh token of theirs is alive.
        const first = !earlierFamilies.some((f) => f.hasRefreshToken && familyIsLive(store, f, now))
        if (!first) fired('google.refresh-token-on-first-consent-only')
        return first
      },
      afterFamilyCreated: (ctx, core) => {
        const { store, clock } = mock()
        if (!store.getFamily(ctx.familyId)?.hasRefreshToken) return
        const now = clock.now()
        const earlier = store
          .familiesOf(ctx.login, ctx.clientId)
          .filter((f) => f.id !== ctx.familyId && f.hasRefreshToken && familyIsLive(store, f, now))
        if (options.reconsentRevokesPrevious === true) {
          for (const family of earlier) {
            fired('google.reconsent-revokes-previous')
            core.endFamily(family.id, 'evicted')
          }
          return
        }
        // Oldest first: the 101st live token silently invalidates the oldest.
        while (limitLiveTokens && earlier.length + 1 > GOOGLE_LIVE_TOKEN_LIMIT) {
          const oldest = earlier.shift()
          if (oldest) {
            fired('google.live-token-limit-100')
            core.endFamily(oldest.id, 'evicted')
          }
        }
      },
      familyPolicy,
      tokenValue: (kind, minted) => (kind === 'access' ? `ya29.${minted}` : `1//0${minted}`),
    },
  })
  self = spec
  const { store, core, clock, control } = spec

  // Granular consent: unticked (non-sign-in) scopes never reach the code, so the grant is the subset.
  const authorize = core.authorize
  core.authorize = (params) => {
    const login = params['login_hint']?.[0]
    const scope = params['scope']
    if (login !== undefined && scope?.length === 1 && scope[0] !== undefined) {
      const unchecked = new Set([...uncheckedForAll, ...(uncheckedByUser.get(login) ?? [])])
      if (unchecked.size > 0) {
        const granted = splitScope(scope[0]).filter((s) => isSignInScope(s) || !unchecked.has(s))
        if (granted.length < splitScope(scope[0]).length) fired('google.granular-consent')
        return authorize({ ...params, scope: [granted.join(' ')] })
      }
    }
    return authorize(params)
  }

  // A code exchange without a refresh token (a re-consent without prompt=consent) only adds an access
  // token to the user's existing grant: the grant is the newest family that holds a refresh token.
  core.grantTruth = (login, clientId, held): GrantTruth => {
    const families = heldOnly(store.familiesOf(login, clientId), held)
    const holders = families.filter((f) => f.hasRefreshToken)
    const grant = holders[holders.length - 1] ?? families[families.length - 1]
    if (!grant) return { status: 'none' }
    const end = familyEnd(store, grant, clock.now())
    if (end) return { status: 'ended', familyId: grant.id, cause: end.cause, atMs: end.atMs }
    return {
      status: 'alive',
      familyId: grant.id,
      grantedAtMs: grant.createdAtMs,
      lastRefreshAtMs: grant.lastRefreshAtMs,
    }
  }

  // A deleted client still exists (it can be restored) but every token request answers deleted_client.
  const authenticate = core.authenticateClient
  core.authenticateClient = (clientId, secret) =>
    deleted.has(clientId)
      ? core.clientAuthFailed(clientId, 'unknown_client', DELETED_CLIENT)
      : authenticate(clientId, secret)

  // Under a reauth policy, the grant's absolute end is the reauth period: say so the way Google does.
  const refresh = core.refresh
  core.refresh = (client, input, fault) => {
    const outcome = refresh(client, input, fault)
    if (!outcome.ok && outcome.reason === 'family_ended') {
      if (outcome.endCause === 'refresh_idle_expired') fired('google.unused-six-months')
      if (outcome.endCause === 'refresh_absolute_expired' && testing && external)
        fired('google.testing-mode-7-days')
    }
    if (
      !outcome.ok &&
      reauthMs !== null &&
      outcome.reason === 'family_ended' &&
      outcome.endCause === 'refresh_absolute_expired'
    )
      return { ...outcome, description: RAPT }
    return outcome
  }

  // An OAuth client has no policy of its own: refuse one from the control surface too.
  const createClient = control.createClient
  control.createClient = (input) => {
    if (input.policy !== undefined && Object.keys(input.policy).length > 0)
      fail('an OAuth client has no refresh-token policy of its own; use the pack options instead')
    return createClient(input)
  }

  const answer = (c: Context, status: number, error?: string, description?: string): Response => {
    if (error === undefined) return toResponse({ status }, NO_STORE_HEADERS)
    requestState(c).error = error
    return toResponse({ status, json: { error, error_description: description } }, NO_STORE_HEADERS)
  }
  const revoke = async (c: Context): Promise<Response> => {
    fired('google.revoke-endpoint')
    let token = new URL(c.req.url).searchParams.get('token') ?? undefined
    if ((token === undefined || token === '') && c.req.method === 'POST' && c.req.header('content-type')) {
      const body = await readOAuthBody(c, ['form'])
      if (!body.ok) return answer(c, 400, 'invalid_request', body.description)
      token = body.params['token']
    }
    if (token === undefined || token === '')
      return answer(c, 400, 'invalid_request', 'Missing required parameter: token')
    const record = store.getToken(token)
    const client = record === undefined ? undefined : store.getClient(record.clientId)
    const family = record === undefined ? undefined : store.getFamily(record.familyId)
    const now = clock.now()
    if (record === undefined || client === undefined || family === undefined)
      return answer(c, 400, 'invalid_token', 'Token expired or revoked')
    if (record.kind === 'access') {
      if (!core.accessTokenIsLive(token)) return answer(c, 400, 'invalid_token', 'Token expired or revoked')
      // An access token with a paired refresh token takes the refresh token with it.
      if (family.hasRefreshToken) core.endFamily(family.id, 'revoked_by_client')
      else core.revoke(client, token)
    } else {
      if (!familyIsLive(store, family, now))
        return answer(c, 400, 'invalid_token', 'Token expired or revoked')
      core.revoke(client, token)
    }
    return answer(c, 200)
  }
  spec.app.get(GOOGLE_PATHS.jwks, () => toResponse({ status: 200, json: spec.signer.jwks() }))
  spec.app.post(GOOGLE_PATHS.revoke, revoke)
  spec.app.get(GOOGLE_PATHS.revoke, revoke)

  spec.app.get(GOOGLE_PATHS.gmail, (c) => {
    const header = c.req.header('authorization')
    const token = header === undefined ? undefined : /^bearer +(\S+) *$/i.exec(header.trim())?.[1]
    if (token === undefined) return toResponse(dialect.apiRejected({ kind: 'missing', realm: 'google' }))
    const check: AccessTokenCheck = core.validateAccessToken(token)
    if (!check.ok) return toResponse(dialect.apiRejected({ kind: 'invalid', realm: 'google', check }))
    if (!check.scope.some(isGmailScope))
      return toResponse(
        dialect.apiRejected({ kind: 'insufficient_scope', realm: 'google', scope: GMAIL_READONLY_SCOPE }),
      )
    return toResponse({
      status: 200,
      json: { emailAddress: `${check.login}@example.com`, messagesTotal: 0, threadsTotal: 0, historyId: '1' },
    })
  })

  const endLiveFamilies = (families: readonly FamilyRecord[], cause: 'policy' | 'revoked_by_admin') => {
    const now = clock.now()
    for (const family of families) if (familyIsLive(store, family, now)) core.endFamily(family.id, cause)
  }

  return Object.assign(spec, {
    google: {
      changePassword(login: string) {
        for (const client of store.listClients()) {
          const gmail = store
            .familiesOf(login, client.clientId)
            .filter((f) => splitScope(f.scope).some(isGmailScope) && familyIsLive(store, f, clock.now()))
          for (const _ of gmail) fired('google.password-change-revokes-gmail')
          endLiveFamilies(gmail, 'policy')
        }
      },
      deleteClient(clientId: string) {
        if (!store.getClient(clientId)) fail(`unknown client "${clientId}"`)
        deleted.add(clientId)
      },
      restoreClient(clientId: string) {
        deleted.delete(clientId)
      },
      setUncheckedScopes(login: string, scopes: readonly string[]) {
        for (const scope of scopes)
          if (isSignInScope(scope)) fail(`sign-in scope "${scope}" cannot be unticked`)
        uncheckedByUser.set(login, new Set(scopes))
      },
      restrictApp() {
        fired('google.admin-policy-enforced')
        gated = true
        control.unapprove(GOOGLE_APPROVAL_KEY)
        for (const client of store.listClients())
          endLiveFamilies(store.familiesOfClient(client.clientId), 'revoked_by_admin')
      },
      trustApp() {
        control.approve(GOOGLE_APPROVAL_KEY)
      },
    },
  })
}

/** A pack's options as the mock takes them, read through googlePackOptions (checked there). */
export function parseGooglePackOptions(
  raw: Record<string, string | number | boolean>,
): Omit<GoogleMockOptions, keyof MockOptions> {
  if (raw['domainWideDelegation'] !== undefined && raw['domainWideDelegation'] !== false) {
    fireQuirk('google.no-domain-wide-delegation' satisfies GoogleQuirkId)
    fail('Google actions use OAuth user authentication and do not support domain-wide delegation')
  }
  const options = readPackOptions(googlePackOptions, raw)
  const parsed: Omit<GoogleMockOptions, keyof MockOptions> = {
    publishingStatus: options.choice('publishingStatus'),
    userType: options.choice('userType'),
    unusedExpiry: options.flag('unusedExpiry'),
    liveTokenLimit: options.flag('liveTokenLimit'),
    reauthPolicyHours: options.number('reauthPolicyHours'),
    uncheckedScopes: options.list('uncheckedScopes'),
    invalidTokenStatus: options.choice('invalidTokenStatus'),
    adminPolicyEnforced: options.flag('adminPolicyEnforced'),
    reconsentRevokesPrevious: options.flag('reconsentRevokesPrevious'),
    timeBasedAccessDays: options.number('timeBasedAccessDays'),
  }
  const out: Omit<GoogleMockOptions, keyof MockOptions> = {}
  for (const [key, value] of Object.entries(parsed))
    if (value !== undefined) Object.assign(out, { [key]: value })
  return out
}

/** The harness's factory: a pack's options and approval gate (admin_policy_enforced until approved). */
export const createGoogleMockFromInput = (input: MockFactoryInput): GoogleMock => {
  if (input.policy !== undefined && Object.keys(input.policy).length > 0)
    fail('an OAuth client has no refresh-token policy of its own; use the pack options (publishingStatus, …)')
  if (input.instance !== undefined)
    fail('a Google pack has no instance: every account signs in at accounts.google.com')
  const options = parseGooglePackOptions(input.options ?? {})
  return createGoogleMock({
    clock: input.clock,
    ids: input.ids,
    ...input.runtime,
    issuer: input.issuer,
    ...options,
    ...(input.approvalRequired === true ? { adminPolicyEnforced: true } : {}),
  })
}

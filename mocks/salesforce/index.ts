/**
 * Salesforce (connected apps / external client apps, web server flow) on the spec kit: the real
 * paths under /services/oauth2, Salesforce's token-response shape (no expires_in, issued_at as a ms
 * string, signature, instance_url, id), every token-endpoint error as HTTP 400, INVALID_SESSION_ID
 * on the API, the per-app refresh-token policy, Refresh Token Rotation with family revocation, the
 * five-approvals cap, and the app-install / admin-approved-users gates. See quirks.ts.
 *
 * One mock is one org (My Domain): `issuer` is both the login host and the `instance_url` the API is
 * served at, because the in-process world routes by origin.
 */
import { createHash, createHmac } from 'node:crypto'
import type { Context } from 'hono'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/clock.ts'
import { INDEXING_USER } from '../factory-input.ts'
import type { MockFactoryInput } from '../factory-input.ts'
import { PolicyError, parsePolicyPatch } from '../policy.ts'
import { requestState } from '../request-state.ts'
import { type AccessTokenCheck, pkceSettingDecided } from '../spec/core.ts'
import { NO_STORE_HEADERS, RFC_DIALECT, type ResponseDialect, toResponse } from '../spec/dialect.ts'
import { signIdToken } from '../spec/id-token.ts'
import { createSpecMock, type SpecMock } from '../spec/index.ts'
import { readOAuthBody } from '../spec/params.ts'
import { definePackOptions, readPackOptions } from '../pack-option-parsing.ts'
import type { Quirk } from '../quirk.ts'
import type { FamilyRecord, ProviderStore } from '../store.ts'
import type { ConsentGate, MockOptions, TokenPolicy } from '../types.ts'
import { policyLedgerQuirks } from '../quirk-tally.ts'
import { type SalesforceQuirkId, salesforceQuirks } from './quirks.ts'

/** The approval key the world's `approve_app` sets (src/world/mock-registry.ts APP_APPROVAL_KEY; a test keeps them equal). */
export const SALESFORCE_APPROVAL_KEY = 'app'

export const SALESFORCE_PATHS = Object.freeze({
  metadata: '/.well-known/openid-configuration',
  authorize: '/services/oauth2/authorize',
  token: '/services/oauth2/token',
  revoke: '/services/oauth2/revoke',
  /** The org's JWK Set for id_token signatures. */
  jwks: '/id/keys',
  /** The protected resource the agent calls: the identity endpoint, served at instance_url. */
  api: '/services/oauth2/userinfo',
})

/** The session timeouts Salesforce offers (Session Settings / connected-app session policy), in minutes. */
const SESSION_TIMEOUT = (salesforceQuirks as readonly Quirk[]).find(
  (q) => q.id === 'salesforce.access-token-lifetime-is-session-timeout',
)?.option
/** (The values and the default are the quirk record's option, written once there.) */
export const SALESFORCE_SESSION_TIMEOUTS_MIN: readonly number[] = (SESSION_TIMEOUT?.values ?? []).map(Number)
export const SALESFORCE_DEFAULT_SESSION_TIMEOUT_MIN = Number(SESSION_TIMEOUT?.default ?? 120)
/** Approvals (refresh tokens) one user may hold for one connected app. */
export const SALESFORCE_MAX_APPROVALS = 5
/** The developer's idle cap: a 30-day sliding idle TTL. */
export const SALESFORCE_IDLE_CAP_MS = 30 * DAY_MS
/** "Months" in a refresh-token policy are taken as 30 days (Salesforce does not say). */
const UNIT_MS = { HOURS: HOUR_MS, DAYS: DAY_MS, MONTHS: 30 * DAY_MS } as const

export type SalesforceRefreshPolicy =
  | { kind: 'infinite' }
  | { kind: 'immediately' }
  | { kind: 'specific_inactivity'; ms: number }
  | { kind: 'specific_lifetime'; ms: number }

/** Salesforce's defaults for a connected app: 2 h sessions, refresh tokens valid until revoked, no RTR. */
export const SALESFORCE_DEFAULT_POLICY: Readonly<TokenPolicy> = Object.freeze({
  accessTokenTtlMs: SALESFORCE_DEFAULT_SESSION_TIMEOUT_MIN * MINUTE_MS,
  issueRefreshTokens: true,
  refreshIdleTtlMs: null,
  refreshAbsoluteTtlMs: null,
  rotation: false,
  reuseLeewayMs: 0,
  reuseAfterLeeway: 'revoke_family',
  secretRotationEndsGrants: false,
  codeTtlMs: 15 * MINUTE_MS,
})

export interface SalesforceMockOptions extends MockOptions {
  /** The org's My Domain name; names the org id. Default `acme`. */
  instance?: string
  /** The connected app's refresh-token policy: a parsed value or the metadata form (`specific_inactivity:30:DAYS`). */
  refreshPolicy?: SalesforceRefreshPolicy | string
  /** The developer's 30-day idle cap. */
  idleTtlCap?: boolean
  /** Refresh Token Rotation. */
  rtr?: boolean
  sessionTimeoutMinutes?: number
  /** false: the org has not installed the app; ordinary users are turned away until `approve('app')`. */
  appInstalled?: boolean
  /** `admin_approved`: only pre-authorised users (approval `app` for everyone, or `user:<login>`) may consent. */
  permittedUsers?: 'all' | 'admin_approved'
  /** Users who pass both gates ("Approve Uninstalled Connected Apps", admin profile): e.g. the indexing service user. */
  privilegedUsers?: readonly string[]
}

export interface SalesforceControl {
  /** Pre-authorises one user under "Admin approved users are pre-authorized". */
  preauthorize(login: string): void
  /** Setup → Connected Apps OAuth Usage → Revoke All: ends every user's approvals for this app. */
  revokeAll(clientId: string): void
}

export interface SalesforceMock extends SpecMock {
  readonly orgId: string
  readonly salesforce: SalesforceControl
}

function fail(message: string): never {
  throw new PolicyError(`salesforce: ${message}`)
}

/** Parses a refresh-token policy in the metadata form (`infinite`, `immediately`, `specific_lifetime:90:DAYS`). */
export function parseSalesforceRefreshPolicy(
  value: unknown,
  name = 'refreshPolicy',
): SalesforceRefreshPolicy {
  if (typeof value !== 'string') fail(`option ${name} must be a string`)
  if (value === 'infinite') return { kind: 'infinite' }
  if (value === 'immediately') return { kind: 'immediately' }
  const match = /^(specific_inactivity|specific_lifetime):(\d{1,4}):(HOURS|DAYS|MONTHS)$/.exec(value)
  const n = match ? Number(match[2]) : 0
  if (!match || n < 1) {
    fail(
      `option ${name} "${value}" must be infinite, immediately, specific_inactivity:<N>:<HOURS|DAYS|MONTHS> or specific_lifetime:<N>:<HOURS|DAYS|MONTHS> with N >= 1`,
    )
  }
  const ms = n * UNIT_MS[match[3] as keyof typeof UNIT_MS]
  return match[1] === 'specific_inactivity'
    ? { kind: 'specific_inactivity', ms }
    : { kind: 'specific_lifetime', ms }
}

function sessionTimeoutMs(minutes: unknown): number {
  if (typeof minutes !== 'number' || !SALESFORCE_SESSION_TIMEOUTS_MIN.includes(minutes)) {
    fail(`option sessionTimeoutMinutes must be one of ${SALESFORCE_SESSION_TIMEOUTS_MIN.join(', ')}`)
  }
  return minutes * MINUTE_MS
}

/** The TokenPolicy a connected app's settings amount to. */
export function salesforcePolicy(settings: {
  refreshPolicy?: SalesforceRefreshPolicy | string
  idleTtlCap?: boolean
  rtr?: boolean
  sessionTimeoutMinutes?: number
}): TokenPolicy {
  const session = sessionTimeoutMs(settings.sessionTimeoutMinutes ?? SALESFORCE_DEFAULT_SESSION_TIMEOUT_MIN)
  const refresh =
    typeof settings.refreshPolicy === 'object'
      ? settings.refreshPolicy
      : parseSalesforceRefreshPolicy(settings.refreshPolicy ?? 'infinite')
  let idle: number | null = null
  let absolute: number | null = null
  switch (refresh.kind) {
    case 'infinite':
      break
    case 'immediately':
      // The refresh token is dead at once: the grant lasts exactly the first session.
      absolute = session
      break
    case 'specific_inactivity':
      idle = refresh.ms
      break
    case 'specific_lifetime':
      absolute = refresh.ms
      break
  }
  if (settings.idleTtlCap === true)
    idle = idle === null ? SALESFORCE_IDLE_CAP_MS : Math.min(idle, SALESFORCE_IDLE_CAP_MS)
  return {
    ...SALESFORCE_DEFAULT_POLICY,
    accessTokenTtlMs: session,
    refreshIdleTtlMs: idle,
    refreshAbsoluteTtlMs: absolute,
    rotation: settings.rtr === true,
  }
}

/**
 * Checks a raw TokenPolicy patch (a custom pack's `policy`) against what a connected app can be set
 * to. Throws PolicyError naming the field.
 */
export function validateSalesforcePolicy(input: unknown): Partial<TokenPolicy> {
  const patch = parsePolicyPatch(input)
  if ('accessTokenTtlMs' in patch) {
    const ttl = patch.accessTokenTtlMs
    if (ttl === null || ttl === undefined || !SALESFORCE_SESSION_TIMEOUTS_MIN.includes(ttl / MINUTE_MS)) {
      fail(
        `policy.accessTokenTtlMs is the session timeout and must be one of ${SALESFORCE_SESSION_TIMEOUTS_MIN.join(', ')} minutes`,
      )
    }
  }
  for (const key of ['refreshIdleTtlMs', 'refreshAbsoluteTtlMs'] as const) {
    const value = patch[key]
    if (value !== undefined && value !== null && value < HOUR_MS)
      fail(`policy.${key} must be null or at least one hour (the smallest policy unit)`)
  }
  if (patch.reuseLeewayMs !== undefined && patch.reuseLeewayMs !== 0)
    fail('policy.reuseLeewayMs must be 0: Refresh Token Rotation has no grace period')
  if (patch.reuseAfterLeeway === 'reject')
    fail("policy.reuseAfterLeeway must be 'revoke_family': RTR revokes the current token on reuse")
  if (patch.secretRotationEndsGrants === true)
    fail('policy.secretRotationEndsGrants must be false: a new consumer secret does not revoke approvals')
  return patch
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function base62(seed: string, length: number): string {
  const bytes = createHash('sha256').update(seed).digest()
  let out = ''
  for (let i = 0; i < length; i++) out += BASE62[(bytes[i] ?? 0) % 62]
  return out
}

/** A 15-character org id (`00D…`) derived from the My Domain name. */
export function salesforceOrgId(instance: string): string {
  return `00D${base62(`org:${instance}`, 12)}`
}

/** A 15-character user id (`005…`) for a login in an org. */
export function salesforceUserId(orgId: string, login: string): string {
  return `005${base62(`user:${orgId}:${login}`, 12)}`
}

function familyIsLive(store: ProviderStore, family: FamilyRecord, now: number): boolean {
  if (family.endedAtMs !== null) return false
  const policy = store.policyFor(family.clientId)
  if (
    family.hasRefreshToken &&
    policy.refreshIdleTtlMs !== null &&
    now >= family.lastRefreshAtMs + policy.refreshIdleTtlMs
  )
    return false
  return policy.refreshAbsoluteTtlMs === null || now < family.createdAtMs + policy.refreshAbsoluteTtlMs
}

const INVALID_SESSION = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]

export function createSalesforceMock(options: SalesforceMockOptions): SalesforceMock {
  const instance = options.instance ?? 'acme'
  const orgId = salesforceOrgId(instance)
  const providerPolicy = salesforcePolicy({
    ...(options.refreshPolicy === undefined ? {} : { refreshPolicy: options.refreshPolicy }),
    ...(options.idleTtlCap === undefined ? {} : { idleTtlCap: options.idleTtlCap }),
    ...(options.rtr === undefined ? {} : { rtr: options.rtr }),
    ...(options.sessionTimeoutMinutes === undefined
      ? {}
      : { sessionTimeoutMinutes: options.sessionTimeoutMinutes }),
  })
  // salesforce.idle-ttl-cap-30-days decides an idle expiry only where it shortened the app's own policy.
  const capDecidesIdle =
    options.idleTtlCap === true &&
    salesforcePolicy({
      ...(options.refreshPolicy === undefined ? {} : { refreshPolicy: options.refreshPolicy }),
      idleTtlCap: false,
    }).refreshIdleTtlMs !== providerPolicy.refreshIdleTtlMs
  const customPolicy = options.policy === undefined ? undefined : validateSalesforcePolicy(options.policy)
  const privileged = new Set(options.privilegedUsers ?? [])
  const appInstalled = options.appInstalled ?? true
  const permittedUsers = options.permittedUsers ?? 'all'
  if (permittedUsers !== 'all' && permittedUsers !== 'admin_approved')
    fail("option permittedUsers must be 'all' or 'admin_approved'")

  // The dialect and hooks run at request time, after the mock exists.
  let self: SpecMock | undefined
  const mock = (): SpecMock => {
    if (!self) throw new Error('salesforce mock used before it was created')
    return self
  }
  const fired = (id: SalesforceQuirkId): void => mock().quirks.fire(id)
  let issuer = ''
  const identityUrl = (login: string): string => `${issuer}/id/${orgId}/${salesforceUserId(orgId, login)}`

  const dialect: ResponseDialect = {
    ...RFC_DIALECT,
    metadata: (meta) => ({
      status: 200,
      json: { ...meta, userinfo_endpoint: `${issuer}${SALESFORCE_PATHS.api}` },
    }),

    tokenSuccess(issued) {
      fired('salesforce.no-expires-in')
      fired('salesforce.issued-at-ms-string')
      fired('salesforce.signature')
      fired('salesforce.instance-url-and-id')
      if (issued.grantType === 'refresh_token' && issued.refreshToken === undefined)
        fired('salesforce.refresh-omits-refresh-token')
      const issuedAt = String(issued.issuedAtMs)
      const id = identityUrl(issued.login)
      const secret = mock().store.getClient(issued.clientId)?.clientSecret ?? ''
      const signature = createHmac('sha256', secret).update(`${id}${issuedAt}`).digest('base64')
      return {
        status: 200,
        json: {
          access_token: issued.accessToken,
          ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
          signature,
          scope: issued.scope.join(' '),
          instance_url: issuer,
          id,
          token_type: 'Bearer',
          issued_at: issuedAt,
          // connectors.md §3 "Code-exchange response": id_token if openid; signed, iss = discovery's issuer.
          ...(issued.grantType === 'authorization_code' && issued.scope.includes('openid')
            ? { id_token: signIdToken(mock().signer, issuer, issued, { sub: id }) }
            : {}),
        },
      }
    },

    oauthError(err) {
      if (err.reason === 'body_too_large') return RFC_DIALECT.oauthError({ ...err, basicAuthUsed: false })
      const body = (error: string, description: string) => ({
        status: 400,
        json: { error, error_description: description },
      })
      fired('salesforce.token-errors-are-400')
      switch (err.reason) {
        case 'unknown_client':
          fired('salesforce.unknown-client-invalid-client-id')
          return body('invalid_client_id', 'client identifier invalid')
        case 'bad_client_secret':
        case 'missing_client_auth':
        case 'malformed_client_auth':
          fired('salesforce.wrong-secret-invalid-client-credentials')
          return body('invalid_client', 'invalid client credentials')
        case 'unknown_refresh_token':
        case 'refresh_token_retired':
        case 'family_ended':
          fired('salesforce.dead-refresh-token-message')
          return body('invalid_grant', 'expired access/refresh token')
        case 'code_reused':
          fired('salesforce.code-errors')
          return body('invalid_grant', 'expired authorization code')
        case 'unknown_code':
        case 'code_expired':
        case 'code_client_mismatch':
          fired('salesforce.code-errors')
          return body('invalid_grant', 'authorization code expired')
        case 'redirect_uri_mismatch':
          return body('invalid_grant', 'redirect_uri must match configuration')
        case 'pkce_mismatch':
          return body('invalid_grant', 'invalid code verifier')
        case 'unsupported_grant_type':
          return body('unsupported_grant_type', 'grant type not supported')
        default:
          return body(err.error, err.description)
      }
    },

    apiSuccess: (who) => ({
      status: 200,
      json: {
        sub: identityUrl(who.login),
        user_id: salesforceUserId(orgId, who.login),
        organization_id: orgId,
        preferred_username: `${who.login}@${instance}.example`,
        name: who.login,
      },
    }),

    apiRejected(rejection) {
      if (rejection.kind === 'insufficient_scope') {
        return {
          status: 403,
          json: [
            {
              message: 'This session is not valid for use with the REST API',
              errorCode: 'INSUFFICIENT_ACCESS',
            },
          ],
        }
      }
      fired('salesforce.invalid-session-id')
      return { status: 401, json: INVALID_SESSION }
    },
  }

  const consentGate: ConsentGate = (ctx) => {
    if (!privileged.has(ctx.login)) {
      if (!appInstalled && !ctx.approvals.has(SALESFORCE_APPROVAL_KEY)) {
        fired('salesforce.app-install-gate')
        return {
          kind: 'deny_redirect',
          error: 'invalid_client',
          description: 'app must be installed into org',
        }
      }
      if (
        permittedUsers === 'admin_approved' &&
        !ctx.approvals.has(SALESFORCE_APPROVAL_KEY) &&
        !ctx.approvals.has(`user:${ctx.login}`)
      ) {
        fired('salesforce.admin-approved-users-gate')
        return {
          kind: 'deny_redirect',
          error: 'OAUTH_APP_ACCESS_DENIED',
          description: 'user is not admin approved to access this app',
        }
      }
    }
    return options.consentGate?.(ctx)
  }

  const policyQuirks = policyLedgerQuirks<SalesforceQuirkId>({
    rotation: 'salesforce.refresh-token-rotation',
    reuseRevokesFamily: 'salesforce.rtr-reuse-revokes-family',
    idleExpired: capDecidesIdle ? 'salesforce.idle-ttl-cap-30-days' : 'salesforce.refresh-token-policy',
    absoluteExpired: 'salesforce.refresh-token-policy',
    revokedInSource: 'salesforce.user-and-admin-revocation',
  })
  const otherAppLives = (clientId: string): boolean => {
    if (!self) return false
    const { store, clock } = self
    const now = clock.now()
    return store
      .listClients()
      .some(
        (c) =>
          c.clientId !== clientId &&
          store.familiesOfClient(c.clientId).some((f) => familyIsLive(store, f, now)),
      )
  }

  const spec = createSpecMock({
    ...options,
    provider: 'salesforce',
    ledgerQuirks: (event, policyOf) => [
      ...policyQuirks(event, policyOf),
      // One connected app's grant ended while a grant of another app in the org lives on.
      ...(event.type === 'family_ended' && otherAppLives(event.clientId)
        ? ['salesforce.connected-apps-are-independent' satisfies SalesforceQuirkId]
        : []),
    ],
    paths: { ...SALESFORCE_PATHS, revoke: null },
    revocationPath: SALESFORCE_PATHS.revoke,
    metadataExtras: (at) => ({
      jwks_uri: `${at}${SALESFORCE_PATHS.jwks}`,
      scopes_supported: ['openid', 'api', 'refresh_token', 'offline_access', 'id', 'profile', 'email'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [mock().signer.alg],
    }),
    // connectors.md addendum: optional unless the app sets "Require Proof Key for Code Exchange".
    providerPkce: 'optional',
    dialect,
    providerPolicy,
    ...(customPolicy === undefined ? {} : { policy: customPolicy }),
    consentGate,
    realm: 'salesforce',
    classify: (path) => (path === SALESFORCE_PATHS.revoke ? 'revoke' : undefined),
    hooks: {
      issueRefreshToken: ({ policy, authorizeQuery }) => {
        const scopes = (authorizeQuery['scope'] ?? '').split(' ')
        const asked = scopes.includes('refresh_token') || scopes.includes('offline_access')
        if (!asked) fired('salesforce.refresh-token-needs-scope')
        return policy.issueRefreshTokens && asked
      },
      afterFamilyCreated: (ctx, core) => {
        const { store, clock } = mock()
        const now = clock.now()
        const live = store
          .familiesOf(ctx.login, ctx.clientId)
          .filter((f) => f.hasRefreshToken && familyIsLive(store, f, now))
        // Oldest first: the 6th approval silently revokes the oldest.
        while (live.length > SALESFORCE_MAX_APPROVALS) {
          const oldest = live.shift()
          if (oldest) {
            fired('salesforce.five-approvals-per-user')
            core.endFamily(oldest.id, 'evicted')
          }
        }
      },
      tokenValue: (kind, minted) => (kind === 'access' ? `${orgId}!${minted}` : `5Aep861.${minted}`),
    },
  })
  self = spec
  issuer = spec.issuer
  const { store, core, clock } = spec

  // salesforce.pkce-per-app: without a code_challenge, the app's PKCE setting decides the answer.
  const authorize = core.authorize
  core.authorize = (params) => {
    const outcome = authorize(params)
    if (pkceSettingDecided(params, outcome)) fired('salesforce.pkce-per-app')
    return outcome
  }

  // The session timeout counts inactivity: every accepted call restarts it (never past the grant's end).
  const validate = core.validateAccessToken
  core.validateAccessToken = (value): AccessTokenCheck => {
    const check = validate(value)
    if (check.ok) {
      const policy = store.policyFor(check.clientId)
      const family = store.getFamily(check.familyId)
      if (policy.accessTokenTtlMs !== null && family) {
        let expiresAtMs = clock.now() + policy.accessTokenTtlMs
        if (policy.refreshAbsoluteTtlMs !== null)
          expiresAtMs = Math.min(expiresAtMs, family.createdAtMs + policy.refreshAbsoluteTtlMs)
        store.patchToken(value, { expiresAtMs })
        fired('salesforce.access-token-lifetime-is-session-timeout')
      }
    }
    return check
  }

  // A custom app's policy arriving through the control surface is checked like the factory's.
  const createClient = spec.control.createClient
  spec.control.createClient = (input) =>
    createClient(
      input.policy === undefined ? input : { ...input, policy: validateSalesforcePolicy(input.policy) },
    )

  const revokeAnswer = (c: Context, status: number, error?: string, description?: string): Response => {
    if (error === undefined) return toResponse({ status }, NO_STORE_HEADERS)
    requestState(c).error = error
    return toResponse({ status, json: { error, error_description: description } }, NO_STORE_HEADERS)
  }
  const revoke = async (c: Context): Promise<Response> => {
    fired('salesforce.revoke-endpoint')
    let token: string | undefined
    if (c.req.method === 'GET') {
      token = new URL(c.req.url).searchParams.get('token') ?? undefined
    } else {
      const body = await readOAuthBody(c, ['form'])
      if (!body.ok) return revokeAnswer(c, 400, 'invalid_request', body.description)
      token = body.params['token']
    }
    if (token === undefined || token === '')
      return revokeAnswer(c, 400, 'invalid_request', 'missing token parameter')
    const record = store.getToken(token)
    const client = record === undefined ? undefined : store.getClient(record.clientId)
    if (record === undefined || client === undefined)
      return revokeAnswer(c, 400, 'invalid_token', 'invalid token')
    const now = clock.now()
    if (record.kind === 'access') {
      if (!core.accessTokenIsLive(token)) return revokeAnswer(c, 400, 'invalid_token', 'invalid token')
    } else {
      const family = store.getFamily(record.familyId)
      if (record.retiredAtMs !== null || family === undefined || !familyIsLive(store, family, now))
        return revokeAnswer(c, 400, 'invalid_token', 'invalid token')
    }
    // An access token revokes itself; a refresh token its whole approval (core.revoke does both).
    core.revoke(client, token)
    return revokeAnswer(c, 200)
  }
  spec.app.get(SALESFORCE_PATHS.jwks, () => toResponse({ status: 200, json: spec.signer.jwks() }))
  spec.app.post(SALESFORCE_PATHS.revoke, revoke)
  spec.app.get(SALESFORCE_PATHS.revoke, revoke)

  return Object.assign(spec, {
    orgId,
    salesforce: {
      preauthorize(login: string) {
        spec.control.approve(`user:${login}`)
      },
      revokeAll(clientId: string) {
        for (const family of store.familiesOfClient(clientId)) core.endFamily(family.id, 'revoked_by_admin')
      },
    },
  })
}

/**
 * The pack options a Salesforce pack may carry: its quirk records' options, the two that are no
 * quirk's (the approval gate's choice, the indexing connector), and the approval gate's cross-check.
 */
export const salesforcePackOptions = definePackOptions('salesforce', salesforceQuirks, {
  extra: [
    {
      name: 'approvalGate',
      values: ['install', 'admin_approved_users'],
      default: 'install',
      why: 'which gate `approvalRequired` closes: the app install, or "Admin approved users are pre-authorized"',
    },
    {
      name: 'indexingConnector',
      values: ['false', 'true'],
      default: 'false',
      why: 'the org also connects the search-indexing connected app (its own approvals, caps and policy)',
    },
  ],
  requires: [
    {
      when: ['approvalGate'],
      needs: { key: 'approvalRequired', value: true },
      why: 'approvalGate only means something with approvalRequired: true',
    },
  ],
})

/** Pack options a Salesforce pack may carry, read through salesforcePackOptions (checked there). */
export interface SalesforcePackOptions {
  refreshPolicy: SalesforceRefreshPolicy
  idleTtlCap: boolean
  rtr: boolean
  sessionTimeoutMinutes: number
  permittedUsers: 'all' | 'admin_approved'
  /** Which gate `approvalRequired` closes: the app install (default) or admin-approved users. */
  approvalGate: 'install' | 'admin_approved_users'
  indexingConnector: boolean
  /** "Require Proof Key for Code Exchange" on the connected app (salesforce.pkce-per-app). */
  pkce: 'required' | 'optional'
}

export function parseSalesforcePackOptions(
  raw: Record<string, string | number | boolean>,
  approvalRequired = false,
): SalesforcePackOptions {
  const options = readPackOptions(salesforcePackOptions, raw, { approvalRequired })
  return {
    refreshPolicy: parseSalesforceRefreshPolicy(options.text('refreshPolicy') ?? 'infinite'),
    idleTtlCap: options.flag('idleTtlCap') ?? false,
    rtr: options.flag('rtr') ?? false,
    sessionTimeoutMinutes: options.number('sessionTimeoutMinutes') ?? SALESFORCE_DEFAULT_SESSION_TIMEOUT_MIN,
    permittedUsers: options.choice('permittedUsers') ?? 'all',
    approvalGate: options.choice('approvalGate') ?? 'install',
    indexingConnector: options.flag('indexingConnector') ?? false,
    pkce: options.choice('pkce') ?? 'optional',
  }
}

/** The harness's factory: a pack's instance, options, custom policy and approval gate. */
export const createSalesforceMockFromInput = (input: MockFactoryInput): SalesforceMock => {
  const options = parseSalesforcePackOptions(input.options ?? {}, input.approvalRequired === true)
  const gate = input.approvalRequired === true ? options.approvalGate : undefined
  return createSalesforceMock({
    clock: input.clock,
    ids: input.ids,
    ...input.runtime,
    issuer: input.issuer,
    ...(input.instance === undefined ? {} : { instance: input.instance }),
    ...(input.policy === undefined ? {} : { policy: input.policy }),
    refreshPolicy: options.refreshPolicy,
    idleTtlCap: options.idleTtlCap,
    rtr: options.rtr,
    sessionTimeoutMinutes: options.sessionTimeoutMinutes,
    appInstalled: gate !== 'install',
    permittedUsers: gate === 'admin_approved_users' ? 'admin_approved' : options.permittedUsers,
    // The search-indexing connector is connected by an admin service user, who may approve uninstalled apps.
    privilegedUsers: [INDEXING_USER],
    pkce: options.pkce,
  })
}

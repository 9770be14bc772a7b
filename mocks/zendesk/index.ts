/**
 * Zendesk OAuth mock: the spec kit with Zendesk's paths, lifetimes and dialect (mocks/zendesk/quirks.ts
 * lists every departure). One mock plays one account subdomain, https://{subdomain}.zendesk.com:
 *   GET    /oauth/authorizations/new            consent
 *   POST   /oauth/tokens                        code and refresh grants (form or JSON body)
 *   GET    /api/v2/users/me.json                the API the agent calls
 *   GET    /api/v2/oauth/tokens/current.json    the bearer token's own record (its id)
 *   DELETE /api/v2/oauth/tokens/{id}.json       revocation (current.json: 204, no-op by default)
 *
 * Token kinds. An enforced client (`tokens: 'expiring'`) always gets a 30-minute access token and a
 * rotating 30-day refresh token, but hears `expires_in` only when it asked with `expires_in`. A legacy
 * client (`tokens: 'legacy'`) gets the legacy body (no refresh token, no expiry) unless its request
 * sends `expires_in`, which opts that grant in to expiring tokens. The lifetimes a request asks for
 * (clamped) are remembered per grant family and read back by the core through `familyPolicy`, so the
 * oracle's ground truth and the tokens agree.
 */
import type { Context } from 'hono'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/clock.ts'
import type { MockFactoryInput } from '../factory-input.ts'
import { definePackOptions, PackOptionError, readPackOptions } from '../pack-option-parsing.ts'
import { PolicyError, parsePolicyPatch, resolvePolicy } from '../policy.ts'
import type { AccessTokenCheck, CoreHooks } from '../spec/core.ts'
import { RFC_DIALECT, type ResponseDialect, toResponse } from '../spec/dialect.ts'
import { type SpecMock, createSpecMock } from '../spec/index.ts'
import type { FamilyRecord } from '../store.ts'
import type { MockControl, MockOptions, TokenPolicy } from '../types.ts'
import { policyLedgerQuirks } from '../quirk-tally.ts'
import { type ZendeskQuirkId, zendeskQuirks } from './quirks.ts'

export const ZENDESK_PATHS = Object.freeze({
  authorize: '/oauth/authorizations/new',
  token: '/oauth/tokens',
  api: '/api/v2/users/me.json',
  /** Zendesk publishes no RFC 8414 document; the lab keeps one for tooling, under the lab prefix. */
  metadata: '/_lab/oauth-authorization-server',
  tokensList: '/api/v2/oauth/tokens.json',
  tokenRecordPrefix: '/api/v2/oauth/tokens/',
})

/** Access-token lifetime an enforced client gets when it asks for none. */
export const ZENDESK_DEFAULT_ACCESS_TTL_MS = 30 * MINUTE_MS
/** Refresh-token lifetime (per token: each refresh starts a fresh one). */
export const ZENDESK_DEFAULT_REFRESH_TTL_MS = 30 * DAY_MS
export const ZENDESK_ACCESS_TTL_RANGE_MS = Object.freeze({ min: 5 * MINUTE_MS, max: 48 * HOUR_MS })
export const ZENDESK_REFRESH_TTL_RANGE_MS = Object.freeze({ min: 7 * DAY_MS, max: 90 * DAY_MS })

/** The long default descriptions of the Ruby OAuth 2 server library whose wording Zendesk answers with. */
export const DOORKEEPER_DESCRIPTIONS = Object.freeze({
  invalid_request:
    'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.',
  invalid_client:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_grant:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  unauthorized_client: 'The client is not authorized to perform this request using this method.',
  access_denied: 'The resource owner or authorization server denied the request.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  server_error:
    'The authorization server encountered an unexpected condition which prevented it from fulfilling the request.',
  temporarily_unavailable:
    'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
  unsupported_response_type: 'The authorization server does not support this response type.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
} as const)

export const ZENDESK_INVALID_TOKEN_DESCRIPTION =
  'The access token provided is expired, revoked, malformed or invalid for other reasons.'
export const ZENDESK_EXPIRED_OR_REVOKED_DESCRIPTION = 'Token has been expired or revoked.'

export type ZendeskTokenKind = 'expiring' | 'legacy'
export type ZendeskRefreshTokenExpiresIn = 'always' | 'when_requested'
export type ZendeskOldRefreshTokenReuse = 'reject' | 'revoke_family'
export type ZendeskRefreshFailureDescription = 'doorkeeper' | 'expired_or_revoked'
export type ZendeskInvalidClientStatus = 401 | 400
export type ZendeskRevokeCurrent = 'no_op' | 'revokes'

export interface ZendeskMockOptions extends MockOptions {
  /** The account subdomain (`acme` for acme.zendesk.com). Default `acme`. */
  subdomain?: string
  /** Quirk zendesk.legacy-tokens. Default `expiring`. */
  tokens?: ZendeskTokenKind
  /** Quirk zendesk.refresh-token-expires-in. Default `always`. */
  refreshTokenExpiresIn?: ZendeskRefreshTokenExpiresIn
  /** Quirk zendesk.old-refresh-token-reuse. Default `reject`. */
  oldRefreshTokenReuse?: ZendeskOldRefreshTokenReuse
  /** Quirk zendesk.refresh-failure-invalid-grant. Default `doorkeeper`. */
  refreshFailureDescription?: ZendeskRefreshFailureDescription
  /** Quirk zendesk.invalid-client. Default 401. */
  invalidClientStatus?: ZendeskInvalidClientStatus
  /** Quirk zendesk.revoke-current-no-op. Default `no_op`. */
  revokeCurrent?: ZendeskRevokeCurrent
}

export interface ZendeskMock extends SpecMock {
  readonly subdomain: string
  readonly tokens: ZendeskTokenKind
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** What one grant family was given by its latest token request. */
interface FamilyLifetimes {
  /** null: a legacy token that never expires. */
  accessTokenTtlMs: number | null
  refreshTtlMs: number
  /** The latest token request sent expires_in (so the response echoes it). */
  echoExpiresIn: boolean
}

interface RequestedLifetimes {
  accessTtlMs?: number
  refreshTtlMs?: number
}

function clamp(value: number, range: { min: number; max: number }): number {
  return Math.min(range.max, Math.max(range.min, value))
}

/** Whole seconds only; anything else is ignored as if not sent (quirk zendesk.requested-lifetimes-clamped). */
function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return undefined
  return Number(value.trim())
}

export function requestedLifetimes(tokenRequest: Readonly<Record<string, string>>): RequestedLifetimes {
  const access = seconds(tokenRequest['expires_in'])
  const refresh = seconds(tokenRequest['refresh_token_expires_in'])
  return {
    ...(access === undefined ? {} : { accessTtlMs: clamp(access * 1000, ZENDESK_ACCESS_TTL_RANGE_MS) }),
    ...(refresh === undefined ? {} : { refreshTtlMs: clamp(refresh * 1000, ZENDESK_REFRESH_TTL_RANGE_MS) }),
  }
}

/** The client policy of an OAuth client of this kind, before any custom-app override. */
export function zendeskPolicy(
  tokens: ZendeskTokenKind,
  reuse: ZendeskOldRefreshTokenReuse = 'reject',
): TokenPolicy {
  return {
    // A legacy client's own tokens never expire; a grant that opts in gets the enforced defaults.
    accessTokenTtlMs: tokens === 'legacy' ? null : ZENDESK_DEFAULT_ACCESS_TTL_MS,
    issueRefreshTokens: tokens === 'expiring',
    refreshIdleTtlMs: ZENDESK_DEFAULT_REFRESH_TTL_MS,
    refreshAbsoluteTtlMs: null,
    rotation: true,
    reuseLeewayMs: 0,
    reuseAfterLeeway: reuse,
    secretRotationEndsGrants: false,
    codeTtlMs: 10 * MINUTE_MS,
  }
}

function describeMs(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} days`
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} hours`
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} minutes`
  return `${ms} ms`
}

/**
 * A custom app's policy must be one Zendesk can have: Zendesk has no admin-side lifetime settings, so a
 * policy only moves the defaults within the documented ranges; rotation is always on and there is no
 * absolute lifetime. Throws PolicyError naming the field.
 */
export function checkZendeskPolicy(input: unknown, tokens: ZendeskTokenKind): Partial<TokenPolicy> {
  const patch = parsePolicyPatch(input ?? {})
  const fail = (message: string): never => {
    throw new PolicyError(`zendesk: ${message}`)
  }
  if (patch.accessTokenTtlMs !== undefined) {
    const ttl = patch.accessTokenTtlMs
    if (ttl === null) {
      if (tokens !== 'legacy')
        fail('policy.accessTokenTtlMs null (non-expiring tokens) needs options.tokens "legacy"')
    } else if (ttl < ZENDESK_ACCESS_TTL_RANGE_MS.min || ttl > ZENDESK_ACCESS_TTL_RANGE_MS.max) {
      fail(`policy.accessTokenTtlMs must be between 5 minutes and 48 hours, got ${describeMs(ttl)}`)
    }
  }
  if (patch.refreshIdleTtlMs !== undefined) {
    const ttl = patch.refreshIdleTtlMs
    if (ttl === null || ttl < ZENDESK_REFRESH_TTL_RANGE_MS.min || ttl > ZENDESK_REFRESH_TTL_RANGE_MS.max) {
      fail(
        `policy.refreshIdleTtlMs (the refresh-token lifetime) must be between 7 and 90 days, got ${ttl === null ? 'null' : describeMs(ttl)}`,
      )
    }
  }
  if (patch.refreshAbsoluteTtlMs !== undefined && patch.refreshAbsoluteTtlMs !== null)
    fail('policy.refreshAbsoluteTtlMs must be null: Zendesk documents no absolute grant lifetime')
  if (patch.rotation === false)
    fail('policy.rotation must be true: every Zendesk refresh rotates both tokens')
  if (patch.issueRefreshTokens !== undefined)
    fail('policy.issueRefreshTokens is set by options.tokens ("expiring" or "legacy"), not by the policy')
  return patch
}

/** An ISO timestamp; a time no Date can hold (a clock moved absurdly far) renders as null, never a 500. */
function isoTime(ms: number): string | null {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** Numeric ids Zendesk shows for users and tokens; not secrets, so plain counters. */
function createNumbering(start: number): {
  idOf(key: string): number
  keyOf(id: number): string | undefined
  reset(): void
} {
  const ids = new Map<string, number>()
  const keys = new Map<number, string>()
  let next = start
  return {
    idOf(key) {
      let id = ids.get(key)
      if (id === undefined) {
        id = next++
        ids.set(key, id)
        keys.set(id, key)
      }
      return id
    },
    keyOf: (id) => keys.get(id),
    reset() {
      ids.clear()
      keys.clear()
      next = start
    },
  }
}

export function createZendeskMock(options: ZendeskMockOptions): ZendeskMock {
  const subdomain = options.subdomain ?? 'acme'
  if (!SUBDOMAIN.test(subdomain))
    throw new PackOptionError(`zendesk: subdomain "${subdomain}" is not a valid Zendesk subdomain`)
  const tokens = options.tokens ?? 'expiring'
  const echoRefreshAlways = (options.refreshTokenExpiresIn ?? 'always') === 'always'
  const refreshFailureDescription =
    (options.refreshFailureDescription ?? 'doorkeeper') === 'doorkeeper'
      ? DOORKEEPER_DESCRIPTIONS.invalid_grant
      : ZENDESK_EXPIRED_OR_REVOKED_DESCRIPTION
  const invalidClientStatus = options.invalidClientStatus ?? 401
  const revokeCurrent = options.revokeCurrent ?? 'no_op'
  const providerPolicy = zendeskPolicy(tokens, options.oldRefreshTokenReuse)
  const mockPolicy = checkZendeskPolicy(options.policy, tokens)

  const lifetimes = new Map<string, FamilyLifetimes>()
  /** Whether the access token being minted is an enforced (JWT) one: set by beforeMint, read by tokenValue. */
  let mintingJwt = false
  // The spec mock is created below; hooks and routes reach its store through this (set before any request).
  let mock: SpecMock | undefined
  const spec = (): SpecMock => {
    if (!mock) throw new Error('zendesk mock used before it was built')
    return mock
  }
  const fired = (id: ZendeskQuirkId): void => mock?.quirks.fire(id)

  const hooks: CoreHooks = {
    // zendesk.new-authorization-keeps-old-tokens: an earlier authorization of this user stands.
    afterFamilyCreated: (ctx) => {
      const earlier = spec()
        .store.familiesOf(ctx.login, ctx.clientId)
        .some((f) => f.id !== ctx.familyId && f.endedAtMs === null)
      if (earlier) fired('zendesk.new-authorization-keeps-old-tokens')
    },
    issueRefreshToken: ({ policy, tokenRequest }) => {
      if (policy.issueRefreshTokens) return true
      // zendesk.legacy-opt-in-with-expires-in
      const optIn = requestedLifetimes(tokenRequest ?? {}).accessTtlMs !== undefined
      if (optIn) fired('zendesk.legacy-opt-in-with-expires-in')
      return optIn
    },

    beforeMint({ grantType, family, tokenRequest }, core) {
      const requested = requestedLifetimes(tokenRequest)
      if (requested.accessTtlMs !== undefined || requested.refreshTtlMs !== undefined)
        fired('zendesk.requested-lifetimes-clamped')
      const policy = core.policyFor(family.clientId)
      const expiring = family.hasRefreshToken
      mintingJwt = expiring
      lifetimes.set(family.id, {
        accessTokenTtlMs: expiring
          ? (requested.accessTtlMs ?? policy.accessTokenTtlMs ?? ZENDESK_DEFAULT_ACCESS_TTL_MS)
          : null,
        refreshTtlMs: requested.refreshTtlMs ?? policy.refreshIdleTtlMs ?? ZENDESK_DEFAULT_REFRESH_TTL_MS,
        echoExpiresIn: requested.accessTtlMs !== undefined,
      })
      // zendesk.refresh-deletes-previous-tokens: the previous access token goes with the refresh.
      if (grantType === 'refresh_token') {
        fired('zendesk.refresh-deletes-previous-tokens')
        const { store, clock } = spec()
        const now = clock.now()
        for (const token of store.tokensOf(family.id, 'access')) {
          if (token.revokedAtMs === null) store.patchToken(token.value, { revokedAtMs: now })
        }
      }
    },

    // zendesk.at-jwt-access-tokens
    // Signed with the mock's key, `typ: at+jwt`, the minted id as jti.
    tokenValue: (kind, minted, ctx) =>
      kind === 'access' && mintingJwt
        ? ctx.jwt({ iss: `https://${subdomain}.zendesk.com` }, 'at+jwt')
        : minted,

    familyPolicy(family: FamilyRecord, clientPolicy: TokenPolicy): TokenPolicy {
      const given = lifetimes.get(family.id)
      if (!given) return clientPolicy
      return {
        ...clientPolicy,
        accessTokenTtlMs: given.accessTokenTtlMs,
        refreshIdleTtlMs: given.refreshTtlMs,
      }
    },
  }

  const users = createNumbering(1_000_001)
  const tokenIds = createNumbering(9_000_001)

  const dialect: ResponseDialect = {
    ...RFC_DIALECT,

    tokenSuccess(issued) {
      const given = lifetimes.get(issued.familyId)
      const scope = issued.scope.join(' ')
      fired('zendesk.token-type-lowercase')
      fired('zendesk.subdomain-endpoints')
      // zendesk.legacy-tokens: exactly these three members.
      if (issued.refreshToken === undefined && issued.expiresInSec === null) {
        fired('zendesk.legacy-tokens')
        return { status: 200, json: { access_token: issued.accessToken, scope, token_type: 'bearer' } }
      }
      const echo = given?.echoExpiresIn === true
      fired('zendesk.at-jwt-access-tokens')
      if (!echo) fired('zendesk.expires-in-only-when-requested')
      if (issued.refreshToken !== undefined && (echo || echoRefreshAlways))
        fired('zendesk.refresh-token-expires-in')
      if (given?.refreshTtlMs === undefined || given.refreshTtlMs === ZENDESK_DEFAULT_REFRESH_TTL_MS)
        fired('zendesk.default-lifetimes')
      const refreshSeconds = Math.floor((given?.refreshTtlMs ?? ZENDESK_DEFAULT_REFRESH_TTL_MS) / 1000)
      return {
        status: 200,
        json: {
          access_token: issued.accessToken,
          token_type: 'bearer',
          ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
          scope,
          ...(echo && issued.expiresInSec !== null ? { expires_in: issued.expiresInSec } : {}),
          ...(issued.refreshToken !== undefined && (echo || echoRefreshAlways)
            ? { refresh_token_expires_in: refreshSeconds }
            : {}),
        },
      }
    },

    oauthError(err) {
      if (err.status === 413 || err.reason === 'method_not_allowed') return RFC_DIALECT.oauthError(err)
      const description =
        err.error === 'invalid_grant' && err.grantType === 'refresh_token'
          ? refreshFailureDescription
          : (DOORKEEPER_DESCRIPTIONS[err.error as keyof typeof DOORKEEPER_DESCRIPTIONS] ?? err.description)
      const status = err.error === 'invalid_client' ? invalidClientStatus : err.status
      if (err.error === 'invalid_client') fired('zendesk.invalid-client')
      if (err.error === 'invalid_grant' && err.grantType === 'refresh_token')
        fired('zendesk.refresh-failure-invalid-grant')
      const headers: Record<string, string> = {}
      if (status === 401) {
        headers['WWW-Authenticate'] =
          `Bearer realm="Doorkeeper", error="${err.error}", error_description="${description}"`
      }
      return { status, headers, json: { error: err.error, error_description: description } }
    },

    authorizePage(page) {
      const description =
        DOORKEEPER_DESCRIPTIONS[page.error as keyof typeof DOORKEEPER_DESCRIPTIONS] ?? page.description
      return { status: page.status, json: { error: page.error, error_description: description } }
    },

    apiSuccess(who) {
      const id = users.idOf(who.login)
      return {
        status: 200,
        json: {
          user: {
            id,
            url: `https://${subdomain}.zendesk.com/api/v2/users/${id}.json`,
            name: who.login,
            email: `${who.login}@${subdomain}.example`,
            role: 'agent',
          },
        },
      }
    },

    apiRejected(rejection) {
      if (rejection.kind === 'missing') return { status: 401, json: { error: "Couldn't authenticate you" } }
      if (rejection.kind === 'insufficient_scope') {
        return {
          status: 403,
          json: {
            error: 'Forbidden',
            description:
              'You do not have access to this page. Please contact the account owner of this help desk for further help.',
          },
        }
      }
      fired('zendesk.api-invalid-token')
      return {
        status: 401,
        headers: {
          'WWW-Authenticate': `Bearer realm="Doorkeeper", error="invalid_token", error_description="${ZENDESK_INVALID_TOKEN_DESCRIPTION}"`,
        },
        json: { error: 'invalid_token', error_description: ZENDESK_INVALID_TOKEN_DESCRIPTION },
      }
    },

    notFound: () => ({ status: 404, json: { error: 'InvalidEndpoint', description: 'Not found' } }),
  }

  mock = createSpecMock({
    ...options,
    provider: 'zendesk',
    onReset() {
      lifetimes.clear()
      mintingJwt = false
      users.reset()
      tokenIds.reset()
    },
    ledgerQuirks: policyLedgerQuirks<ZendeskQuirkId>({ reuseAfterLeeway: 'zendesk.old-refresh-token-reuse' }),
    issuer: options.issuer ?? `http://${subdomain}.zendesk.mock`,
    // connectors.md §5: PKCE is required for public clients only; the mock's clients are confidential.
    providerPkce: 'optional',
    paths: {
      authorize: ZENDESK_PATHS.authorize,
      token: ZENDESK_PATHS.token,
      revoke: null,
      api: ZENDESK_PATHS.api,
      metadata: ZENDESK_PATHS.metadata,
    },
    dialect,
    providerPolicy,
    policy: mockPolicy,
    tokenBodyFormats: ['form', 'json'],
    hooks,
    realm: 'Doorkeeper',
    classify: (path) => {
      if (path === ZENDESK_PATHS.tokensList) return 'api'
      if (path.startsWith(ZENDESK_PATHS.tokenRecordPrefix)) return 'revoke'
      return undefined
    },
  })
  const built = mock

  const bearer = (
    c: Context,
  ): { token: string; check: Extract<AccessTokenCheck, { ok: true }> } | { response: Response } => {
    const header = c.req.header('authorization')
    const token = header === undefined ? undefined : /^bearer +(\S+) *$/i.exec(header.trim())?.[1]
    if (token === undefined)
      return { response: toResponse(dialect.apiRejected({ kind: 'missing', realm: 'Doorkeeper' })) }
    const check = built.core.validateAccessToken(token)
    if (!check.ok) {
      return { response: toResponse(dialect.apiRejected({ kind: 'invalid', realm: 'Doorkeeper', check })) }
    }
    return { token, check }
  }

  const tokenRecord = (value: string): Record<string, unknown> | undefined => {
    const token = built.store.getToken(value)
    if (!token) return undefined
    return {
      id: tokenIds.idOf(value),
      user_id: users.idOf(token.login),
      client_id: token.clientId,
      scopes: token.scope.split(' ').filter((s) => s !== ''),
      created_at: isoTime(token.issuedAtMs),
      url: `https://${subdomain}.zendesk.com/api/v2/oauth/tokens/${tokenIds.idOf(value)}.json`,
    }
  }

  const notFound = (): Response =>
    toResponse({ status: 404, json: { error: 'RecordNotFound', description: 'Not found' } })
  const noContent = (): Response => toResponse({ status: 204 })

  // The bearer's own live access tokens (what the Admin Center / tokens.json lists for a user).
  built.app.get(ZENDESK_PATHS.tokensList, (c) => {
    const auth = bearer(c)
    if ('response' in auth) return auth.response
    const mine = built.store.db.token
      .findMany({ where: { login: { equals: auth.check.login }, clientId: { equals: auth.check.clientId } } })
      .filter((t) => t.kind === 'access' && built.core.accessTokenIsLive(t.value))
      .map((t) => tokenRecord(t.value))
    return toResponse({ status: 200, json: { tokens: mine, count: mine.length } })
  })

  built.app.on(['GET', 'DELETE'], `${ZENDESK_PATHS.tokenRecordPrefix}:file`, (c) => {
    const file = /^(current|\d{1,12})\.json$/.exec(c.req.param('file'))
    if (!file?.[1]) return notFound()
    const auth = bearer(c)
    if ('response' in auth) return auth.response
    const which = file[1]
    const value = which === 'current' ? auth.token : tokenIds.keyOf(Number(which))
    const target = value === undefined ? undefined : built.store.getToken(value)
    // A user sees and revokes only their own tokens of this client (the mock has no admin role).
    if (
      !target ||
      target.kind !== 'access' ||
      target.login !== auth.check.login ||
      target.clientId !== auth.check.clientId
    )
      return notFound()
    if (c.req.method === 'GET') return toResponse({ status: 200, json: { token: tokenRecord(target.value) } })
    // zendesk.revoke-current-no-op: current.json answers 204 and changes nothing (observed).
    if (which === 'current' && revokeCurrent === 'no_op') {
      fired('zendesk.revoke-current-no-op')
      return noContent()
    }
    fired('zendesk.revoke-by-token-id')
    // zendesk.revoke-by-token-id: the token goes with its refresh token, i.e. the whole grant family.
    built.core.endFamily(target.familyId, 'revoked_by_client')
    return noContent()
  })

  const control: MockControl = {
    ...built.control,
    createClient(input) {
      checkZendeskPolicy(input.policy, tokens)
      return built.control.createClient(input)
    },
    setPolicy(policy, clientId) {
      checkZendeskPolicy(policy, tokens)
      built.control.setPolicy(policy, clientId)
    },
  }

  return { ...built, control, reset: () => control.reset(), subdomain, tokens }
}

/** A Zendesk pack's options: its quirk records' options, nothing else. */
export const zendeskPackOptions = definePackOptions('zendesk', zendeskQuirks)

/** The harness's pack input: `instance` is the subdomain, `options` the quirk options (quirks.ts). */
export function createZendeskMockFromInput(input: MockFactoryInput): ZendeskMock {
  const options = readPackOptions(zendeskPackOptions, input.options)
  if (input.approvalRequired) {
    throw new PackOptionError(
      'zendesk: approvalRequired is not supported: admins create the OAuth client, then each teammate authorises it; Zendesk has no approval gate at consent',
    )
  }
  const tokens = options.choice('tokens')
  const refreshTokenExpiresIn = options.choice('refreshTokenExpiresIn')
  const oldRefreshTokenReuse = options.choice('oldRefreshTokenReuse')
  const refreshFailureDescription = options.choice('refreshFailureDescription')
  const invalidClientStatus = options.choice('invalidClientStatus')
  const revokeCurrent = options.choice('revokeCurrent')
  return createZendeskMock({
    clock: input.clock,
    ids: input.ids,
    ...input.runtime,
    issuer: input.issuer,
    ...(input.instance === undefined ? {} : { subdomain: input.instance }),
    ...(input.policy === undefined ? {} : { policy: input.policy }),
    ...(tokens === undefined ? {} : { tokens }),
    ...(refreshTokenExpiresIn === undefined ? {} : { refreshTokenExpiresIn }),
    ...(oldRefreshTokenReuse === undefined ? {} : { oldRefreshTokenReuse }),
    ...(refreshFailureDescription === undefined ? {} : { refreshFailureDescription }),
    ...(invalidClientStatus === undefined
      ? {}
      : { invalidClientStatus: invalidClientStatus === '400' ? 400 : 401 }),
    ...(revokeCurrent === undefined ? {} : { revokeCurrent }),
  })
}

/** For tests: a resolved policy of this kind with a custom patch. */
export function resolvedZendeskPolicy(
  tokens: ZendeskTokenKind,
  patch: Partial<TokenPolicy> = {},
): TokenPolicy {
  return resolvePolicy(zendeskPolicy(tokens), checkZendeskPolicy(patch, tokens))
}

export { zendeskQuirks } from './quirks.ts'

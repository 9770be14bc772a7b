/**
 * Databricks custom OAuth app integration (U2M) mock: the spec kit with a workspace's OIDC paths,
 * token access policy and dialect (mocks/databricks/quirks.ts lists every departure). One mock plays
 * one workspace host:
 *   GET  /oidc/.well-known/oauth-authorization-server   discovery (also /oidc/.well-known/openid-configuration)
 *   GET  /oidc/v1/authorize                             consent
 *   POST /oidc/v1/token                                 code and refresh grants
 *   GET  /api/2.0/preview/scim/v2/Me                    the REST API the agent calls
 *
 * The token access policy maps onto the kit's TokenPolicy like this:
 * - without single-use refresh tokens the one refresh token lives `refresh_token_ttl_in_minutes` from
 *   its issuance and refreshes do not rotate: `rotation: false`, `refreshAbsoluteTtlMs` = that TTL;
 * - with them every refresh rotates and each token lives the TTL from its own issuance, so the family
 *   dies after that long unused: `rotation: true`, `refreshIdleTtlMs` = the TTL, and
 *   `refreshAbsoluteTtlMs` = `absolute_session_lifetime_in_minutes` (or null).
 * `databricksTokenAccessPolicy` writes that mapping from Databricks' own field names.
 */
import { createHash } from 'node:crypto'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/clock.ts'
import type { IdSource } from '../../src/ids.ts'
import type { MockFactoryInput } from '../factory-input.ts'
import { definePackOptions, PackOptionError, readPackOptions } from '../pack-option-parsing.ts'
import { PolicyError, parsePolicyPatch, resolvePolicy } from '../policy.ts'
import { buildMetadata } from '../spec/app.ts'
import { type CoreHooks, type ErrorReason, pkceSettingDecided, splitScope } from '../spec/core.ts'
import { RFC_DIALECT, type ResponseDialect, toResponse } from '../spec/dialect.ts'
import { signIdToken } from '../spec/id-token.ts'
import { type SpecMock, createSpecMock } from '../spec/index.ts'
import type { MockOptions, TokenPolicy } from '../types.ts'
import { fireQuirk, policyLedgerQuirks } from '../quirk-tally.ts'
import { type DatabricksQuirkId, databricksQuirks } from './quirks.ts'

export const DATABRICKS_PATHS = Object.freeze({
  authorize: '/oidc/v1/authorize',
  token: '/oidc/v1/token',
  api: '/api/2.0/preview/scim/v2/Me',
  metadata: '/oidc/.well-known/oauth-authorization-server',
  openidConfiguration: '/oidc/.well-known/openid-configuration',
  revoke: '/oidc/v1/revoke',
  keys: '/oidc/v1/keys',
})

export const DATABRICKS_OFFLINE_SCOPE = 'offline_access'
export const DATABRICKS_SCOPES_SUPPORTED = Object.freeze([
  'all-apis',
  'sql',
  'offline_access',
  'openid',
  'email',
  'profile',
])

/** UI defaults: what a central app (and a custom app without a policy) runs on. */
export const DATABRICKS_DEFAULT_ACCESS_TTL_MS = 60 * MINUTE_MS
export const DATABRICKS_DEFAULT_REFRESH_TTL_MS = 7 * DAY_MS
export const DATABRICKS_ACCESS_TTL_RANGE_MS = Object.freeze({ min: 5 * MINUTE_MS, max: 1440 * MINUTE_MS })
export const DATABRICKS_REFRESH_TTL_RANGE_MS = Object.freeze({ min: 5 * MINUTE_MS, max: 129_600 * MINUTE_MS })

export const DATABRICKS_REFRESH_FAILURE_DESCRIPTION = 'Refresh token is invalid'
export const DATABRICKS_CLIENT_AUTH_FAILURE_DESCRIPTION = 'Client authentication failed'

export type DatabricksReuse = 'reject' | 'revoke_family'
export type DatabricksRefreshFailureShape = 'invalid_request' | 'invalid_grant'
export type DatabricksCodeFailureShape = 'invalid_grant' | 'invalid_request'
export type DatabricksRevocation = 'none' | 'rfc7009'

export interface DatabricksMockOptions extends MockOptions {
  /** The workspace (a label for the host, e.g. `dbc-1234`); the mock serves at `issuer` whatever it is. */
  workspace?: string
  /** Quirk databricks.single-use-refresh-tokens. Default false. */
  singleUseRefreshTokens?: boolean
  /** Quirk databricks.rotated-refresh-token-reuse. Default `reject`. */
  rotatedRefreshTokenReuse?: DatabricksReuse
  /** Quirk databricks.refresh-failure-invalid-request. Default `invalid_request`. */
  refreshFailureShape?: DatabricksRefreshFailureShape
  /** Quirk databricks.code-failure-shape. Default `invalid_grant`. */
  codeFailureShape?: DatabricksCodeFailureShape
  /** Quirk databricks.no-revocation-endpoint. Default `none`. */
  revocation?: DatabricksRevocation
}

/** Quirk databricks.pkce-required: every official client sends S256; whether the server insists is UNCONFIRMED. */
export type DatabricksPkce = 'required' | 'optional'

export interface DatabricksMock extends SpecMock {
  readonly singleUseRefreshTokens: boolean
}

/** The policy a Databricks app integration runs on by default (its UI defaults). */
export function databricksPolicy(singleUse: boolean, reuse: DatabricksReuse = 'reject'): TokenPolicy {
  return {
    accessTokenTtlMs: DATABRICKS_DEFAULT_ACCESS_TTL_MS,
    issueRefreshTokens: true,
    refreshIdleTtlMs: singleUse ? DATABRICKS_DEFAULT_REFRESH_TTL_MS : null,
    refreshAbsoluteTtlMs: singleUse ? null : DATABRICKS_DEFAULT_REFRESH_TTL_MS,
    rotation: singleUse,
    reuseLeewayMs: 0,
    reuseAfterLeeway: reuse,
    secretRotationEndsGrants: false,
    codeTtlMs: 10 * MINUTE_MS,
  }
}

/** A token access policy in Databricks' own terms (the custom-app-integrations API's `token_access_policy`). */
export interface DatabricksTokenAccessPolicy {
  accessTokenTtlInMinutes?: number
  refreshTokenTtlInMinutes?: number
  enableSingleUseRefreshTokens?: boolean
  absoluteSessionLifetimeInMinutes?: number
}

/**
 * The pack policy and options for a Databricks token access policy: what a scenario or profile writes
 * instead of mapping fields by hand. Invalid combinations are refused later, when the app is created.
 */
export function databricksTokenAccessPolicy(input: DatabricksTokenAccessPolicy): {
  policy: Partial<TokenPolicy>
  options: { singleUseRefreshTokens: boolean }
} {
  const singleUse = input.enableSingleUseRefreshTokens ?? false
  const policy: Partial<TokenPolicy> = { rotation: singleUse }
  if (input.accessTokenTtlInMinutes !== undefined)
    policy.accessTokenTtlMs = input.accessTokenTtlInMinutes * MINUTE_MS
  if (input.refreshTokenTtlInMinutes !== undefined) {
    const ttl = input.refreshTokenTtlInMinutes * MINUTE_MS
    if (singleUse) policy.refreshIdleTtlMs = ttl
    else policy.refreshAbsoluteTtlMs = ttl
  }
  if (input.absoluteSessionLifetimeInMinutes !== undefined) {
    if (!singleUse) {
      throw new PolicyError(
        'databricks: absolute_session_lifetime_in_minutes applies only with enable_single_use_refresh_tokens',
      )
    }
    policy.refreshAbsoluteTtlMs = input.absoluteSessionLifetimeInMinutes * MINUTE_MS
  }
  return { policy, options: { singleUseRefreshTokens: singleUse } }
}

function describeMs(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} days`
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} hours`
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} minutes`
  return `${ms} ms`
}

/**
 * Checks an app integration's effective policy against Databricks' token access policy rules and
 * throws PolicyError naming the field (and its Databricks name) otherwise (quirk databricks.ttl-policy-ranges).
 */
export function checkDatabricksPolicy(policy: TokenPolicy, singleUse: boolean): void {
  const fail = (message: string): never => {
    throw new PolicyError(`databricks: ${message}`)
  }
  const wholeMinutes = (ms: number, field: string): void => {
    if (ms % MINUTE_MS !== 0) fail(`${field} must be a whole number of minutes, got ${ms} ms`)
  }
  const access = policy.accessTokenTtlMs
  if (access === null) {
    fail('policy.accessTokenTtlMs (access_token_ttl_in_minutes) cannot be null')
    return
  }
  wholeMinutes(access, 'policy.accessTokenTtlMs (access_token_ttl_in_minutes)')
  if (access < DATABRICKS_ACCESS_TTL_RANGE_MS.min || access > DATABRICKS_ACCESS_TTL_RANGE_MS.max)
    fail(
      `policy.accessTokenTtlMs (access_token_ttl_in_minutes) must be between 5 and 1440 minutes, got ${describeMs(access)}`,
    )
  if (!policy.issueRefreshTokens)
    fail('policy.issueRefreshTokens must be true: refresh tokens follow the offline_access scope')
  if (policy.rotation !== singleUse) {
    fail(
      `policy.rotation ${policy.rotation} contradicts options.singleUseRefreshTokens ${singleUse} (enable_single_use_refresh_tokens)`,
    )
  }
  const checkRefreshTtl = (ttl: number | null, field: string): void => {
    const name = `${field} (refresh_token_ttl_in_minutes)`
    if (ttl === null) {
      fail(`${name} cannot be null`)
      return
    }
    wholeMinutes(ttl, name)
    if (ttl < DATABRICKS_REFRESH_TTL_RANGE_MS.min || ttl > DATABRICKS_REFRESH_TTL_RANGE_MS.max)
      fail(`${name} must be between 5 minutes and 90 days (129600 minutes), got ${describeMs(ttl)}`)
    if (ttl < access)
      fail(
        `${name} (${describeMs(ttl)}) must not be shorter than the access token TTL (${describeMs(access)})`,
      )
  }
  if (singleUse) {
    checkRefreshTtl(policy.refreshIdleTtlMs, 'policy.refreshIdleTtlMs')
    const session = policy.refreshAbsoluteTtlMs
    if (session !== null) {
      const name = 'policy.refreshAbsoluteTtlMs (absolute_session_lifetime_in_minutes)'
      wholeMinutes(session, name)
      if (session < access)
        fail(
          `${name} (${describeMs(session)}) must not be shorter than the access token TTL (${describeMs(access)})`,
        )
    }
  } else {
    if (policy.refreshIdleTtlMs !== null) {
      fail(
        'policy.refreshIdleTtlMs must be null without single-use refresh tokens: the refresh token lives from its issuance (set policy.refreshAbsoluteTtlMs)',
      )
    }
    checkRefreshTtl(policy.refreshAbsoluteTtlMs, 'policy.refreshAbsoluteTtlMs')
  }
}

/** A UUID-shaped, deterministic id (error_id, ReqId) from the IdSource: not a secret, but never guessable from the run. */
export function uuidFrom(ids: IdSource, prefix: string): string {
  const h = createHash('sha256').update(ids.next(prefix)).digest('hex')
  const variant = (8 | (Number.parseInt(h[16] ?? '0', 16) & 3)).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const REFRESH_FAILURES: ReadonlySet<ErrorReason> = new Set([
  'unknown_refresh_token',
  'refresh_token_retired',
  'family_ended',
])
const CODE_FAILURES: ReadonlySet<ErrorReason> = new Set([
  'unknown_code',
  'code_client_mismatch',
  'code_reused',
  'code_expired',
  'redirect_uri_mismatch',
  'pkce_mismatch',
])

export function createDatabricksMock(options: DatabricksMockOptions): DatabricksMock {
  const { ids } = options
  const singleUse = options.singleUseRefreshTokens ?? false
  const refreshShape = options.refreshFailureShape ?? 'invalid_request'
  const codeShape = options.codeFailureShape ?? 'invalid_grant'
  const revocation = options.revocation ?? 'none'
  const providerPolicy = databricksPolicy(singleUse, options.rotatedRefreshTokenReuse)
  const mockPolicy = parsePolicyPatch(options.policy ?? {})
  checkDatabricksPolicy(resolvePolicy(providerPolicy, mockPolicy), singleUse)
  if (options.policy !== undefined) fireQuirk('databricks.ttl-policy-ranges' satisfies DatabricksQuirkId)

  const issuer = (options.issuer ?? `http://${options.workspace ?? 'dbc-workspace'}.databricks.mock`).replace(
    /\/+$/,
    '',
  )
  const oidcIssuer = `${issuer}/oidc`
  let self: SpecMock | undefined
  const spec = (): SpecMock => {
    if (!self) throw new Error('databricks mock used before it was built')
    return self
  }
  const fired = (id: DatabricksQuirkId): void => self?.quirks.fire(id)
  const hooks: CoreHooks = {
    // U2M access tokens are JWTs: signed with the workspace's key (the one at jwks_uri).
    tokenValue: (kind, minted, ctx) =>
      kind === 'access' ? ctx.jwt({ iss: oidcIssuer, aud: ctx.clientId }) : minted,
    // databricks.offline-access-for-refresh-token
    issueRefreshToken: ({ policy, authorizeQuery }) => {
      const offline = splitScope(authorizeQuery['scope']).includes(DATABRICKS_OFFLINE_SCOPE)
      if (!offline) fired('databricks.offline-access-for-refresh-token')
      return policy.issueRefreshTokens && offline
    },
  }

  const reqId = (): string => uuidFrom(ids, 'dbreq_')

  const dialect: ResponseDialect = {
    ...RFC_DIALECT,

    metadata(meta) {
      fired('databricks.oidc-discovery')
      const host = meta.issuer.replace(/\/+$/, '')
      return {
        status: 200,
        json: {
          issuer: `${host}/oidc`,
          authorization_endpoint: meta.authorization_endpoint,
          token_endpoint: meta.token_endpoint,
          ...(meta.revocation_endpoint === undefined
            ? {}
            : { revocation_endpoint: meta.revocation_endpoint }),
          jwks_uri: `${host}${DATABRICKS_PATHS.keys}`,
          scopes_supported: [...DATABRICKS_SCOPES_SUPPORTED],
          response_types_supported: ['code'],
          response_modes_supported: ['query'],
          grant_types_supported: meta.grant_types_supported,
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: meta.token_endpoint_auth_methods_supported,
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: [spec().signer.alg],
        },
      }
    },

    tokenSuccess(issued) {
      fired('databricks.token-response-shape')
      fired('databricks.workspace-oidc-endpoints')
      const lifetimes = spec().store.policyFor(issued.clientId)
      if (
        lifetimes.accessTokenTtlMs === DATABRICKS_DEFAULT_ACCESS_TTL_MS &&
        (lifetimes.refreshIdleTtlMs ?? lifetimes.refreshAbsoluteTtlMs) === DATABRICKS_DEFAULT_REFRESH_TTL_MS
      )
        fired('databricks.default-lifetimes')
      const scope = issued.scope
      return {
        status: 200,
        json: {
          access_token: issued.accessToken,
          token_type: 'Bearer',
          ...(issued.expiresInSec === null ? {} : { expires_in: issued.expiresInSec }),
          ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
          scope: scope.join(' '),
          ...(scope.includes('openid')
            ? {
                id_token: signIdToken(spec().signer, oidcIssuer, issued, {
                  email: `${issued.login}@example.com`,
                }),
              }
            : {}),
        },
      }
    },

    oauthError(err) {
      if (err.error === 'invalid_client' && err.status === 401) {
        // databricks.client-auth-failure-error-id
        fired('databricks.client-auth-failure-error-id')
        const rfc = RFC_DIALECT.oauthError(err)
        return {
          ...rfc,
          json: {
            error: 'invalid_client',
            error_description: DATABRICKS_CLIENT_AUTH_FAILURE_DESCRIPTION,
            error_id: uuidFrom(ids, 'dberr_'),
          },
        }
      }
      if (err.grantType === 'refresh_token' && REFRESH_FAILURES.has(err.reason)) {
        // databricks.refresh-failure-invalid-request
        fired('databricks.refresh-failure-invalid-request')
        return {
          status: 400,
          json: { error: refreshShape, error_description: DATABRICKS_REFRESH_FAILURE_DESCRIPTION },
        }
      }
      if (err.grantType === 'authorization_code' && CODE_FAILURES.has(err.reason)) {
        fired('databricks.code-failure-shape')
        return { status: 400, json: { error: codeShape, error_description: err.description } }
      }
      return RFC_DIALECT.oauthError(err)
    },

    apiSuccess(who) {
      const userName = `${who.login}@example.com`
      const digest = createHash('sha256').update(userName).digest()
      return {
        status: 200,
        json: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          id: String(digest.readUInt32BE(0)),
          userName,
          displayName: who.login,
          active: true,
          emails: [{ type: 'work', value: userName, primary: true }],
        },
      }
    },

    apiRejected(rejection) {
      if (rejection.kind === 'missing') {
        return {
          status: 401,
          json: {
            error_code: 401,
            message: `Credential was not sent or was of an unsupported type for this API. [ReqId: ${reqId()}]`,
          },
        }
      }
      if (rejection.kind === 'invalid') {
        // databricks.api-invalid-token-403
        fired('databricks.api-invalid-token-403')
        return {
          status: 403,
          json: { error_code: 403, message: `Invalid access token. [ReqId: ${reqId()}]` },
        }
      }
      return RFC_DIALECT.apiRejected(rejection)
    },
  }

  const built = createSpecMock({
    ...options,
    provider: 'databricks',
    ledgerQuirks: policyLedgerQuirks<DatabricksQuirkId>({
      rotation: 'databricks.single-use-refresh-tokens',
      noRotation: 'databricks.refresh-ttl-from-issuance',
      reuseAfterLeeway: 'databricks.rotated-refresh-token-reuse',
      idleExpired: singleUse
        ? 'databricks.single-use-refresh-tokens'
        : 'databricks.refresh-ttl-from-issuance',
      absoluteExpired: singleUse
        ? 'databricks.absolute-session-lifetime'
        : 'databricks.refresh-ttl-from-issuance',
    }),
    issuer,
    paths: {
      authorize: DATABRICKS_PATHS.authorize,
      token: DATABRICKS_PATHS.token,
      revoke: revocation === 'rfc7009' ? DATABRICKS_PATHS.revoke : null,
      api: DATABRICKS_PATHS.api,
      metadata: DATABRICKS_PATHS.metadata,
    },
    dialect,
    providerPolicy,
    policy: mockPolicy,
    hooks,
    providerPkce: 'required',
    checkPolicy: (effective) => {
      fired('databricks.ttl-policy-ranges')
      checkDatabricksPolicy(effective, singleUse)
    },
    classify: (path) =>
      path === DATABRICKS_PATHS.openidConfiguration || path === DATABRICKS_PATHS.keys
        ? 'metadata'
        : undefined,
  })
  self = built
  // databricks.pkce-required: without a code_challenge, the integration's PKCE setting decides the answer.
  const authorize = built.core.authorize
  built.core.authorize = (params) => {
    const outcome = authorize(params)
    if (pkceSettingDecided(params, outcome)) fired('databricks.pkce-required')
    return outcome
  }
  built.app.get(DATABRICKS_PATHS.keys, () => toResponse({ status: 200, json: built.signer.jwks() }))

  built.app.get(DATABRICKS_PATHS.openidConfiguration, () =>
    toResponse(dialect.metadata(buildMetadata(built.issuer, built.paths))),
  )

  return Object.assign(built, { singleUseRefreshTokens: singleUse })
}

/** A Databricks pack's options: its quirk records' options, nothing else. */
export const databricksPackOptions = definePackOptions('databricks', databricksQuirks)

/** The harness's pack input: `instance` names the workspace, `options` the quirk options (quirks.ts). */
export function createDatabricksMockFromInput(input: MockFactoryInput): DatabricksMock {
  const options = readPackOptions(databricksPackOptions, input.options)
  if (input.approvalRequired) {
    throw new PackOptionError(
      'databricks: approvalRequired is not supported: an account admin enables the app integration when creating it; there is no approval gate at consent',
    )
  }
  if (input.instance !== undefined && !/^[a-z0-9][a-z0-9.-]*$/i.test(input.instance)) {
    throw new PackOptionError(`databricks: instance "${input.instance}" is not a workspace host name`)
  }
  const singleUseRefreshTokens = options.flag('singleUseRefreshTokens')
  const rotatedRefreshTokenReuse = options.choice('rotatedRefreshTokenReuse')
  const refreshFailureShape = options.choice('refreshFailureShape')
  const codeFailureShape = options.choice('codeFailureShape')
  const revocation = options.choice('revocation')
  const pkce = options.choice('pkce')
  return createDatabricksMock({
    clock: input.clock,
    ids: input.ids,
    ...input.runtime,
    issuer: input.issuer,
    ...(input.instance === undefined ? {} : { workspace: input.instance }),
    ...(input.policy === undefined ? {} : { policy: input.policy }),
    ...(singleUseRefreshTokens === undefined ? {} : { singleUseRefreshTokens }),
    ...(rotatedRefreshTokenReuse === undefined ? {} : { rotatedRefreshTokenReuse }),
    ...(refreshFailureShape === undefined ? {} : { refreshFailureShape }),
    ...(codeFailureShape === undefined ? {} : { codeFailureShape }),
    ...(revocation === undefined ? {} : { revocation }),
    ...(pkce === undefined ? {} : { pkce }),
  })
}

export { databricksQuirks } from './quirks.ts'

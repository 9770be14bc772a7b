/**
 * Slack OAuth v2 mock (token rotation on or off): the spec kit with Slack's paths, dialect and
 * policy (mocks/slack/quirks.ts lists every departure).
 *   GET       /oauth/v2/authorize        consent (scope = bot scopes, user_scope = user scopes, commas)
 *   POST      /api/oauth.v2.access       form body; install and refresh; every error HTTP 200 ok:false
 *   GET|POST  /api/auth.test             who am I; 200 ok:false token_expired / token_revoked / invalid_auth
 *   GET|POST  /api/auth.revoke           revokes the token it is called with
 *
 * One core family is one authorization: the teammate's user token (an install with user_scope), or
 * the bot token of a bot-only install. A bot token minted beside a user token belongs to a family of
 * its own, under the login `bot:<teammate>`, so it never shadows the teammate's grant.
 */
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { HOUR_MS } from '../../src/clock.ts'
import { APP_APPROVAL_KEY, type MockFactoryInput } from '../factory-input.ts'
import { BASELINE_DEFAULT_POLICY } from '../policy.ts'
import { lenientParams } from '../request-params.ts'
import { type SpecMock, createSpecMock } from '../spec/index.ts'
import type { AccessTokenCheck, ErrorReason } from '../spec/core.ts'
import { RFC_DIALECT, type ResponseDialect, type WireResponse, toResponse } from '../spec/dialect.ts'
import type { ConsentGate, MockOptions, TokenPolicy } from '../types.ts'
import { policyLedgerQuirks } from '../quirk-tally.ts'
import { definePackOptions, readPackOptions } from '../pack-option-parsing.ts'
import { type SlackQuirkId, slackQuirks } from './quirks.ts'

export const SLACK_PATHS = Object.freeze({
  authorize: '/oauth/v2/authorize',
  token: '/api/oauth.v2.access',
  authTest: '/api/auth.test',
  authRevoke: '/api/auth.revoke',
  metadata: '/.well-known/oauth-authorization-server',
  lab: '/_lab',
})

/** Access-token lifetime with rotation on (expires_in 43200). */
export const SLACK_ROTATING_ACCESS_TTL_MS = 12 * HOUR_MS
/** How close two refreshes with the same refresh token must be to race in `divergent` mode. */
export const SLACK_DIVERGENT_WINDOW_MS = 1000

export type SlackOldRefreshToken = 'rejected' | 'revokes-family'
export type SlackConcurrentRefresh = 'serial' | 'divergent'

export interface SlackMockOptions extends MockOptions {
  /** The workspace (pack instance); default `acme`. */
  team?: string
  /** Token rotation (an app setting); default off. */
  tokenRotation?: boolean
  oldRefreshToken?: SlackOldRefreshToken
  concurrentRefresh?: SlackConcurrentRefresh
  /** "Require App Approval": consent fails until control.approve(APP_APPROVAL_KEY). */
  approvalRequired?: boolean
  /** Quirk slack.grant-type-optional. Default `optional`. */
  grantType?: 'optional' | 'required'
}

export function slackPolicy(options: {
  tokenRotation: boolean
  oldRefreshToken: SlackOldRefreshToken
  concurrentRefresh: SlackConcurrentRefresh
}): TokenPolicy {
  const common = {
    ...BASELINE_DEFAULT_POLICY,
    refreshIdleTtlMs: null,
    refreshAbsoluteTtlMs: null,
    secretRotationEndsGrants: false,
  }
  if (!options.tokenRotation) {
    return { ...common, accessTokenTtlMs: null, issueRefreshTokens: false, rotation: false, reuseLeewayMs: 0 }
  }
  return {
    ...common,
    accessTokenTtlMs: SLACK_ROTATING_ACCESS_TTL_MS,
    issueRefreshTokens: true,
    rotation: true,
    reuseLeewayMs: options.concurrentRefresh === 'divergent' ? SLACK_DIVERGENT_WINDOW_MS : 0,
    reuseAfterLeeway: options.oldRefreshToken === 'revokes-family' ? 'revoke_family' : 'reject',
  }
}

type TokenKind = 'user' | 'bot'

/** What one family stands for, beyond what the core knows. */
interface Install {
  kind: TokenKind
  login: string
  userScopes: string[]
  botScopes: string[]
  /** The bot token minted beside a user token at install, rendered at the top level. */
  bot?: { familyId: string; accessToken: string; refreshToken?: string; expiresInSec: number | null }
}

function splitSlackScopes(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function slackId(prefix: string, seed: string): string {
  return `${prefix}${createHash('sha256').update(seed).digest('hex').slice(0, 10).toUpperCase()}`
}

function ok(json: Record<string, unknown>): WireResponse {
  return { status: 200, json: { ok: true, ...json } }
}

function slackError(error: string, extra: Record<string, unknown> = {}, status = 200): WireResponse {
  return { status, json: { ok: false, error, ...extra } }
}

function missingParameterError(description: string): string {
  const name = description.split(' ')[0]
  switch (name) {
    case 'code':
      return 'invalid_code'
    case 'refresh_token':
      return 'invalid_refresh_token'
    case 'grant_type':
      return 'invalid_grant_type'
    default:
      return 'invalid_arguments'
  }
}

/** Slack's error code for a token-endpoint failure (the core's reason, read in Slack's words). */
/** The quirk each OAuth error code of Slack's belongs to. */
const OAUTH_ERROR_QUIRKS: Partial<Record<string, SlackQuirkId>> = {
  invalid_refresh_token: 'slack.invalid-refresh-token',
  bad_client_secret: 'slack.bad-client-secret',
  invalid_client_id: 'slack.invalid-client-id',
  invalid_code: 'slack.invalid-code',
  bad_redirect_uri: 'slack.bad-redirect-uri',
  invalid_grant_type: 'slack.invalid-grant-type',
  invalid_form_data: 'slack.form-only-token-body',
}

export function slackOAuthError(reason: ErrorReason, description: string): string {
  switch (reason) {
    case 'unknown_refresh_token':
    case 'refresh_token_retired':
    case 'family_ended':
      return 'invalid_refresh_token'
    case 'bad_client_secret':
      return 'bad_client_secret'
    case 'unknown_client':
    case 'missing_client_auth':
    case 'malformed_client_auth':
      return 'invalid_client_id'
    case 'unknown_code':
    case 'code_client_mismatch':
    case 'code_reused':
    case 'code_expired':
    case 'pkce_mismatch':
      return 'invalid_code'
    case 'redirect_uri_mismatch':
      return 'bad_redirect_uri'
    case 'unsupported_grant_type':
      return 'invalid_grant_type'
    case 'scope_not_granted':
      return 'invalid_scope'
    case 'missing_parameter':
      return missingParameterError(description)
    case 'bad_content_type':
    case 'malformed_body':
    case 'body_too_large':
      return 'invalid_form_data'
    case 'duplicate_parameter':
    case 'multiple_client_auth':
      return 'invalid_arguments'
    case 'method_not_allowed':
      return 'invalid_post_type'
    default:
      return 'invalid_arguments'
  }
}

function apiErrorFor(check: Extract<AccessTokenCheck, { ok: false }> | { reason: 'malformed' }): string {
  switch (check.reason) {
    case 'expired':
      return 'token_expired'
    case 'revoked':
    case 'family_ended':
      return 'token_revoked'
    case 'unknown':
    case 'malformed':
      return 'invalid_auth'
  }
}

function htmlPage(status: number, message: string): WireResponse {
  const escaped = message.replace(
    /[&<>"]/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch,
  )
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<!doctype html><html><head><title>Slack</title></head><body><h1>Oops, something went wrong.</h1><p>${escaped}</p></body></html>`,
  }
}

export interface SlackMock extends SpecMock {
  /** The workspace this mock plays. */
  readonly team: { id: string; name: string }
  readonly tokenRotation: boolean
}

export function createSlackMock(options: SlackMockOptions): SlackMock {
  const tokenRotation = options.tokenRotation ?? false
  const policy = slackPolicy({
    tokenRotation,
    oldRefreshToken: options.oldRefreshToken ?? 'rejected',
    concurrentRefresh: options.concurrentRefresh ?? 'serial',
  })
  const teamName = options.team ?? 'acme'
  const team = { id: slackId('T', `team:${teamName}`), name: teamName }
  const installs = new Map<string, Install>()
  /** The authorize query of the code being exchanged, between the issueRefreshToken and beforeMint hooks. */
  let pendingQuery: Record<string, string> | undefined
  /** Which kind of token the core is about to mint (set by beforeMint, read by tokenValue). */
  let minting: TokenKind = 'user'
  let self: SpecMock | undefined
  const fired = (id: SlackQuirkId): void => self?.quirks.fire(id)

  const appId = (clientId: string) => slackId('A', `app:${clientId}`)
  const userId = (login: string) => slackId('U', `user:${teamName}:${login}`)
  const botUserId = (clientId: string) => slackId('B', `bot:${teamName}:${clientId}`)

  const accessValue = (kind: TokenKind, minted: string) =>
    tokenRotation
      ? `xoxe.xox${kind === 'bot' ? 'b' : 'p'}-1-${minted}`
      : `xox${kind === 'bot' ? 'b' : 'p'}-${minted}`
  const refreshValue = (minted: string) => `xoxe-1-${minted}`

  const workspace = (clientId: string) => ({
    app_id: appId(clientId),
    team: { id: team.id, name: team.name },
    enterprise: null,
    is_enterprise_install: false,
  })

  /** Mints the bot token of a bot+user install as a family of its own (login `bot:<teammate>`). */
  function mintBotBeside(userFamilyId: string, login: string, clientId: string, botScopes: string[]) {
    const mock = self
    const install = installs.get(userFamilyId)
    if (!mock || !install) return
    const now = mock.clock.now()
    const grant = mock.store.getGrant(login, clientId)
    const family = mock.store.createFamily({
      id: options.ids.next('fam_'),
      grantId: grant?.id ?? '',
      login: `bot:${login}`,
      clientId,
      scope: botScopes.join(','),
      createdAtMs: now,
      hasRefreshToken: policy.rotation,
    })
    installs.set(family.id, { kind: 'bot', login, userScopes: [], botScopes })
    const accessToken = accessValue('bot', options.ids.next('at_'))
    const ttl = mock.core.policyFor(clientId).accessTokenTtlMs
    mock.store.createToken({
      value: accessToken,
      kind: 'access',
      familyId: family.id,
      login: family.login,
      clientId,
      scope: family.scope,
      issuedAtMs: now,
      expiresAtMs: ttl === null ? null : now + ttl,
    })
    let refreshToken: string | undefined
    if (policy.rotation) {
      refreshToken = refreshValue(options.ids.next('rt_'))
      mock.store.createToken({
        value: refreshToken,
        kind: 'refresh',
        familyId: family.id,
        login: family.login,
        clientId,
        scope: family.scope,
        issuedAtMs: now,
        expiresAtMs: null,
      })
      mock.store.patchFamily(family.id, { currentRefreshToken: refreshToken })
    }
    install.bot = {
      familyId: family.id,
      accessToken,
      ...(refreshToken === undefined ? {} : { refreshToken }),
      expiresInSec: ttl === null ? null : Math.floor(ttl / 1000),
    }
  }

  const rotationFields = (refreshToken: string | undefined, expiresInSec: number | null) => ({
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    ...(expiresInSec === null ? {} : { expires_in: expiresInSec }),
  })

  const dialect: ResponseDialect = {
    ...RFC_DIALECT,
    metadata: () => slackError('unknown_method', {}, 404),

    tokenSuccess(issued) {
      const install = installs.get(issued.familyId)
      const kind = install?.kind ?? 'user'
      const userScopes = install?.userScopes ?? []
      const botScopes = install?.botScopes ?? issued.scope
      fired('slack.token-formats')
      fired('slack.comma-separated-scopes')
      fired('slack.team-in-install-response')
      fired(tokenRotation ? 'slack.token-rotation' : 'slack.non-expiring-without-rotation')
      if (issued.grantType === 'refresh_token') {
        fired('slack.refresh-flat-with-token-type')
        return ok({
          ...workspace(issued.clientId),
          access_token: issued.accessToken,
          token_type: kind,
          scope: (kind === 'user' ? userScopes : botScopes).join(','),
          ...rotationFields(issued.refreshToken, issued.expiresInSec),
          ...(kind === 'bot' ? { bot_user_id: botUserId(issued.clientId) } : {}),
        })
      }
      if (kind === 'bot') {
        return ok({
          access_token: issued.accessToken,
          token_type: 'bot',
          scope: botScopes.join(','),
          bot_user_id: botUserId(issued.clientId),
          ...rotationFields(issued.refreshToken, issued.expiresInSec),
          ...workspace(issued.clientId),
          authed_user: { id: userId(issued.login) },
        })
      }
      const bot = install?.bot
      fired(bot ? 'slack.install-nests-user-token' : 'slack.user-scope-only-install')
      return ok({
        ...(bot
          ? {
              access_token: bot.accessToken,
              token_type: 'bot',
              scope: botScopes.join(','),
              bot_user_id: botUserId(issued.clientId),
              ...rotationFields(bot.refreshToken, bot.expiresInSec),
            }
          : {}),
        ...workspace(issued.clientId),
        authed_user: {
          id: userId(issued.login),
          scope: userScopes.join(','),
          access_token: issued.accessToken,
          token_type: 'user',
          ...rotationFields(issued.refreshToken, issued.expiresInSec),
        },
      })
    },

    oauthError: (err) => {
      const code = slackOAuthError(err.reason, err.description)
      fired('slack.http-200-errors')
      const quirk = OAUTH_ERROR_QUIRKS[code]
      if (quirk) fired(quirk)
      if (code === 'invalid_refresh_token' && !tokenRotation) fired('slack.non-expiring-without-rotation')
      return slackError(code)
    },

    revokeSuccess: () => ok({ revoked: true }),

    authorizePage: (page) => htmlPage(page.status, page.description),

    apiSuccess: (who) =>
      ok({
        url: `https://${team.name}.slack.com/`,
        team: team.name,
        user: who.login,
        team_id: team.id,
        user_id: userId(who.login),
      }),

    apiRejected(rejection) {
      fired('slack.api-ok-false')
      if (rejection.kind === 'missing') return slackError('not_authed')
      if (rejection.kind === 'insufficient_scope') {
        return slackError('missing_scope', { needed: rejection.scope, provided: '' })
      }
      return slackError(apiErrorFor(rejection.check))
    },

    httpFault(fault) {
      const headers: Record<string, string> = {}
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds)
      if (fault.body !== undefined) return RFC_DIALECT.httpFault(fault)
      const error =
        fault.status === 429 ? 'ratelimited' : fault.status >= 500 ? 'internal_error' : 'request_failed'
      return { status: fault.status, headers, json: { ok: false, error } }
    },

    notFound: () => slackError('unknown_method', {}, 404),
    serverError: () => slackError('internal_error', {}, 500),
  }

  const consentGate: ConsentGate = (ctx) => {
    if (options.approvalRequired && !ctx.approvals.has(APP_APPROVAL_KEY)) {
      fired('slack.app-approval-gate')
      // Slack redirects back with no description: the cause is not documented (connectors.md §2).
      return { kind: 'deny_redirect', error: 'access_denied' }
    }
    return undefined
  }

  const mock = createSpecMock({
    ...options,
    provider: 'slack',
    onReset() {
      installs.clear()
      pendingQuery = undefined
      minting = 'user'
    },
    ledgerQuirks: policyLedgerQuirks<SlackQuirkId>({
      reuseWithinLeeway: 'slack.concurrent-refresh-divergent',
      reuseAfterLeeway: 'slack.old-refresh-token-reuse',
    }),
    paths: {
      metadata: SLACK_PATHS.metadata,
      authorize: SLACK_PATHS.authorize,
      token: SLACK_PATHS.token,
      revoke: null,
      api: SLACK_PATHS.authTest,
      lab: SLACK_PATHS.lab,
    },
    dialect,
    providerPolicy: policy,
    tokenBodyFormats: ['form'],
    // oauth.v2.access takes grant_type as optional: a request with a code is a code exchange.
    inferGrantType: (params) => {
      if (options.grantType === 'required' || params['code'] === undefined) return undefined
      fired('slack.grant-type-optional')
      return 'authorization_code'
    },
    consentGate,
    providerPkce: 'optional',
    // /_lab refuses what the pack factory refuses: lifetimes follow the rotation setting only.
    checkPolicy: (_effective, patch) => checkPolicy(patch, policy),
    realm: 'slack',
    classify: (path) => (path === SLACK_PATHS.authRevoke ? 'revoke' : undefined),
    hooks: {
      issueRefreshToken: ({ policy: current, authorizeQuery }) => {
        pendingQuery = authorizeQuery
        return current.issueRefreshTokens
      },
      beforeMint: ({ grantType, family }) => {
        if (grantType === 'authorization_code') {
          const query = pendingQuery ?? {}
          pendingQuery = undefined
          const userScopes = splitSlackScopes(query['user_scope'])
          const botScopes = splitSlackScopes(query['scope'])
          installs.set(family.id, {
            kind: userScopes.length > 0 ? 'user' : 'bot',
            login: family.login,
            userScopes,
            botScopes,
          })
        }
        minting = installs.get(family.id)?.kind ?? 'user'
        // The baseline would have ended a refresh token unused this long; Slack's lives on.
        const idle = BASELINE_DEFAULT_POLICY.refreshIdleTtlMs ?? Number.POSITIVE_INFINITY
        if (grantType === 'refresh_token' && self && self.clock.now() - family.lastRefreshAtMs > idle)
          fired('slack.refresh-token-never-expires')
      },
      tokenValue: (kind, minted) => (kind === 'access' ? accessValue(minting, minted) : refreshValue(minted)),
      // A reused code kills the bot token minted beside the user token too.
      familiesMintedWith: (familyId) => {
        const bot = installs.get(familyId)?.bot
        return bot ? [bot.familyId] : []
      },
      afterFamilyCreated: ({ familyId, login, clientId }) => {
        const install = installs.get(familyId)
        if (install?.kind === 'user' && install.botScopes.length > 0) {
          mintBotBeside(familyId, login, clientId, install.botScopes)
        }
      },
    },
  })
  self = mock

  /** A Web API method's token: the Bearer header, else the `token` parameter (query or form). */
  async function tokenOf(c: Context): Promise<{ token?: string; params: Record<string, string[]> }> {
    const params = await lenientParams(c, true)
    const header = c.req.header('authorization')?.trim()
    const bearer = header === undefined ? undefined : /^bearer +(\S+) *$/i.exec(header)?.[1]
    const token = bearer ?? params['token']?.[0]
    return { ...(token === undefined || token === '' ? {} : { token }), params }
  }

  mock.app.post(SLACK_PATHS.authTest, async (c) => {
    const { token } = await tokenOf(c)
    if (token === undefined) return toResponse(dialect.apiRejected({ kind: 'missing', realm: 'slack' }))
    const check = mock.core.validateAccessToken(token)
    if (!check.ok) return toResponse(dialect.apiRejected({ kind: 'invalid', realm: 'slack', check }))
    return toResponse(
      dialect.apiSuccess({ login: check.login, clientId: check.clientId, scope: check.scope }),
    )
  })

  mock.app.on(['GET', 'POST'], SLACK_PATHS.authRevoke, async (c) => {
    fired('slack.auth-revoke')
    const { token, params } = await tokenOf(c)
    if (token === undefined) return toResponse(slackError('not_authed'))
    const check = mock.core.validateAccessToken(token)
    if (!check.ok) return toResponse(slackError(apiErrorFor(check)))
    const test = params['test']?.[0]
    if (test === '1' || test === 'true') return toResponse(ok({ revoked: false }))
    mock.core.endFamily(check.familyId, 'revoked_by_client')
    return toResponse(dialect.revokeSuccess())
  })

  return Object.assign(mock, { team, tokenRotation })
}

function checkPolicy(policy: Partial<TokenPolicy> | undefined, fixed: TokenPolicy): void {
  if (policy === undefined) return
  for (const [key, value] of Object.entries(policy)) {
    if (value === undefined) continue
    if (!(key in fixed)) throw new Error(`slack policy.${key} is not a token policy field`)
    if (fixed[key as keyof TokenPolicy] !== value) {
      throw new Error(
        `slack policy.${key} cannot be set: Slack's token lifetimes follow the app's token rotation setting (options.tokenRotation), nothing else`,
      )
    }
  }
}

/** A Slack pack's options: its quirk records' options, nothing else. */
export const slackPackOptions = definePackOptions('slack', slackQuirks)

/** The world's factory: a pack's instance is the workspace; options are validated here. */
export function createSlackMockFromInput(input: MockFactoryInput): SlackMock {
  const options = readPackOptions(slackPackOptions, input.options)
  const tokenRotation = options.flag('tokenRotation')
  const oldRefreshToken = options.choice('oldRefreshToken')
  const concurrentRefresh = options.choice('concurrentRefresh')
  if (!tokenRotation && (oldRefreshToken !== undefined || concurrentRefresh !== undefined)) {
    throw new Error(
      'slack pack options oldRefreshToken and concurrentRefresh need tokenRotation: true (without rotation there are no refresh tokens)',
    )
  }
  const grantType = options.choice('grantType')
  const team = input.instance ?? 'acme'
  if (!/^[a-z0-9][a-z0-9-]{0,20}$/.test(team)) {
    throw new Error(`slack workspace "${team}" must be a workspace subdomain such as "acme"`)
  }
  const resolved = {
    tokenRotation: tokenRotation ?? false,
    oldRefreshToken: oldRefreshToken ?? 'rejected',
    concurrentRefresh: concurrentRefresh ?? 'serial',
  } as const
  checkPolicy(input.policy, slackPolicy(resolved))
  return createSlackMock({
    clock: input.clock,
    ids: input.ids,
    ...input.runtime,
    issuer: input.issuer,
    team,
    ...resolved,
    ...(grantType === undefined ? {} : { grantType }),
    ...(input.approvalRequired ? { approvalRequired: true } : {}),
  })
}

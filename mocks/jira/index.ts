/**
 * Atlassian / Jira Cloud OAuth 2.0 (3LO) mock: the spec kit with Atlassian's paths, policy and
 * dialect (mocks/jira/quirks.ts lists every departure). One mock plays auth.atlassian.com and
 * api.atlassian.com behind one origin:
 *   GET  /authorize                                   consent (audience, site-admin approval gate)
 *   POST /oauth/token                                  JSON body; rotating refresh tokens
 *   GET  /oauth/token/accessible-resources             the sites of the teammate's grant
 *   GET  /ex/jira/{cloudId}/rest/api/3/myself          the Jira REST API of one site
 */
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/clock.ts'
import { APP_APPROVAL_KEY, type MockFactoryInput } from '../factory-input.ts'
import { BASELINE_DEFAULT_POLICY } from '../policy.ts'
import { type SpecMock, createSpecMock } from '../spec/index.ts'
import { RFC_DIALECT, type ResponseDialect, type WireResponse, toResponse } from '../spec/dialect.ts'
import type { ErrorReason } from '../spec/core.ts'
import type { BodyFormat } from '../spec/params.ts'
import type { ConsentGate, MockOptions, TokenPolicy } from '../types.ts'
import { fireQuirk, policyLedgerQuirks } from '../quirk-tally.ts'
import { definePackOptions, readPackOptions } from '../pack-option-parsing.ts'
import { type JiraQuirkId, jiraQuirks } from './quirks.ts'

export const JIRA_PATHS = Object.freeze({
  authorize: '/authorize',
  token: '/oauth/token',
  accessibleResources: '/oauth/token/accessible-resources',
  /** The Jira REST API lives under this prefix, per site: /ex/jira/{cloudId}/rest/api/3/... */
  siteApiPrefix: '/ex/jira/',
  metadata: '/.well-known/oauth-authorization-server',
  lab: '/_lab',
})

export const JIRA_AUDIENCE = 'api.atlassian.com'
export const JIRA_OFFLINE_SCOPE = 'offline_access'
/** The scope GET /rest/api/3/myself needs (Atlassian's classic scope for user details). */
export const JIRA_MYSELF_SCOPE = 'read:jira-user'

/** Atlassian's token policy: fixed for every 3LO app, central or custom (connectors.md §1). */
export const ATLASSIAN_POLICY: Readonly<TokenPolicy> = Object.freeze({
  ...BASELINE_DEFAULT_POLICY,
  accessTokenTtlMs: HOUR_MS,
  issueRefreshTokens: true,
  refreshIdleTtlMs: 90 * DAY_MS,
  refreshAbsoluteTtlMs: 365 * DAY_MS,
  rotation: true,
  reuseLeewayMs: 10 * MINUTE_MS,
  reuseAfterLeeway: 'revoke_family',
  secretRotationEndsGrants: false,
})

/** The 2021 rollout: 30-day families and a 3-second leeway (connectors.md §1 "History quirk"). */
export const ATLASSIAN_EARLY_ROLLOUT_POLICY: Readonly<TokenPolicy> = Object.freeze({
  ...ATLASSIAN_POLICY,
  refreshAbsoluteTtlMs: 30 * DAY_MS,
  reuseLeewayMs: 3000,
})

export type JiraRefreshFailureShape = 'observed' | 'documented'
export type JiraClientAuthFailureShape = 'access_denied' | 'invalid_client'
export type JiraCodeFailureShape = 'current' | 'legacy'
export type JiraTokenType = 'bearer' | 'omitted'
export type JiraTokenBody = 'json' | 'json-or-form'
export type JiraAccessType = 'resource-level' | 'account-level'
export type JiraRefreshTokenEra = 'current' | 'early-rollout'

export interface JiraMockOptions extends MockOptions {
  /** The site the pack is bound to (`<site>.atlassian.net`); default `acme`. */
  site?: string
  /** More sites of the same Atlassian organisation (consented at Connect only when account-level). */
  extraSites?: readonly string[]
  /** Needs a site admin's approval before anyone else can consent (control.approve(APP_APPROVAL_KEY)). */
  approvalRequired?: boolean
  refreshFailureShape?: JiraRefreshFailureShape
  clientAuthFailureShape?: JiraClientAuthFailureShape
  codeFailureShape?: JiraCodeFailureShape
  tokenType?: JiraTokenType
  tokenBody?: JiraTokenBody
  accessType?: JiraAccessType
  refreshTokenEra?: JiraRefreshTokenEra
}

/** One Atlassian site as accessible-resources describes it. */
export interface JiraSite {
  /** The cloudId. */
  id: string
  name: string
  url: string
  avatarUrl: string
}

/** The sites of the Atlassian organisation and which of them each teammate's grant covers. */
export interface JiraSites {
  /** The site the pack is bound to. */
  readonly primary: JiraSite
  list(): JiraSite[]
  /** Adds a site to the organisation (idempotent); it is not consented by anyone yet. */
  add(name: string): JiraSite
  byCloudId(cloudId: string): JiraSite | undefined
  /** The teammate consented to this site for this app (the consent screen's site picker). */
  consent(login: string, clientId: string, siteName: string): void
  consented(login: string, clientId: string): JiraSite[]
  /** Back to the sites the mock was built with, consented by no one (the mock's reset). */
  reset(): void
}

export interface JiraMock extends SpecMock {
  readonly sites: JiraSites
}

const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** A stable UUID-shaped cloudId for a site name (real cloudIds are UUIDs; the value is not a secret). */
export function cloudIdFor(siteName: string): string {
  const hex = createHash('sha256').update(`atlassian-site:${siteName}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function createSites(primaryName: string, extra: readonly string[]): JiraSites {
  const sites = new Map<string, JiraSite>()
  const consents = new Map<string, string[]>()
  const add = (name: string): JiraSite => {
    if (!SITE_NAME.test(name)) throw new Error(`jira mock: site "${name}" is not a valid site name`)
    const existing = sites.get(name)
    if (existing) return existing
    const site: JiraSite = {
      id: cloudIdFor(name),
      name,
      url: `https://${name}.atlassian.net`,
      avatarUrl: `https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/${name}.png`,
    }
    sites.set(name, site)
    return site
  }
  const primary = add(primaryName)
  for (const name of extra) add(name)
  const built = new Set(sites.keys())
  const pair = (login: string, clientId: string) => `${login}\u0000${clientId}`
  return {
    primary,
    list: () => [...sites.values()],
    add,
    byCloudId: (cloudId) => [...sites.values()].find((s) => s.id === cloudId),
    consent(login, clientId, siteName) {
      const site = sites.get(siteName)
      if (!site) throw new Error(`jira mock: unknown site "${siteName}"`)
      const list = consents.get(pair(login, clientId)) ?? []
      if (!list.includes(site.name)) list.push(site.name)
      consents.set(pair(login, clientId), list)
    },
    consented(login, clientId) {
      return (consents.get(pair(login, clientId)) ?? [])
        .map((name) => sites.get(name))
        .filter((s): s is JiraSite => s !== undefined)
    },
    reset() {
      consents.clear()
      for (const name of [...sites.keys()]) if (!built.has(name)) sites.delete(name)
    },
  }
}

const REFRESH_FAILURES: ReadonlySet<ErrorReason> = new Set([
  'unknown_refresh_token',
  'refresh_token_retired',
  'family_ended',
])
const CLIENT_AUTH_FAILURES: ReadonlySet<ErrorReason> = new Set([
  'unknown_client',
  'bad_client_secret',
  'missing_client_auth',
  'malformed_client_auth',
])
const CODE_FAILURES: ReadonlySet<ErrorReason> = new Set([
  'unknown_code',
  'code_client_mismatch',
  'code_reused',
  'code_expired',
  'redirect_uri_mismatch',
  'pkce_mismatch',
])

function htmlPage(status: number, title: string, message: string): WireResponse {
  const html = (s: string) =>
    s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch)
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<!doctype html><html><head><title>${html(title)}</title></head><body><h1>${html(title)}</h1><p>${html(message)}</p></body></html>`,
  }
}

const UNAUTHORIZED: WireResponse = { status: 401, json: { code: 401, message: 'Unauthorized' } }

function jiraDialect(
  options: Required<
    Pick<JiraMockOptions, 'refreshFailureShape' | 'clientAuthFailureShape' | 'codeFailureShape' | 'tokenType'>
  >,
  sites: JiraSites,
  fired: (id: JiraQuirkId) => void,
): ResponseDialect {
  return {
    ...RFC_DIALECT,
    // Atlassian publishes no RFC 8414 document for 3LO.
    metadata: () => RFC_DIALECT.notFound(),

    tokenSuccess(issued) {
      fired('jira.jwt-access-token')
      fired('jira.token-type-observed')
      return {
        status: 200,
        json: {
          access_token: issued.accessToken,
          ...(issued.expiresInSec === null ? {} : { expires_in: issued.expiresInSec }),
          ...(options.tokenType === 'bearer' ? { token_type: 'Bearer' } : {}),
          ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
          scope: issued.scope.join(' '),
        },
      }
    },

    oauthError(err) {
      // tokenBody json: a form body is refused.
      if (err.reason === 'bad_content_type') fired('jira.json-token-body')
      if (err.endpoint === 'token' && REFRESH_FAILURES.has(err.reason)) {
        fired('jira.refresh-failure-unauthorized-client')
        return options.refreshFailureShape === 'observed'
          ? {
              status: 403,
              json: { error: 'unauthorized_client', error_description: 'refresh_token is invalid' },
            }
          : {
              status: 403,
              json: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
            }
      }
      if (CLIENT_AUTH_FAILURES.has(err.reason) && options.clientAuthFailureShape === 'access_denied') {
        fired('jira.wrong-secret-access-denied')
        return { status: 401, json: { error: 'access_denied', error_description: 'Unauthorized' } }
      }
      if (CODE_FAILURES.has(err.reason)) {
        fired('jira.bad-code-invalid-request')
        return options.codeFailureShape === 'current'
          ? {
              status: 400,
              json: { error: 'invalid_request', error_description: 'authorization_code is invalid' },
            }
          : { status: 403, json: { error: 'invalid_grant', error_description: 'Invalid authorization code' } }
      }
      return RFC_DIALECT.oauthError(err)
    },

    authorizePage: (page) => htmlPage(page.status, 'Something went wrong', page.description),

    apiSuccess(who) {
      fired('jira.accessible-resources-lists-all-sites')
      return {
        status: 200,
        json: sites.consented(who.login, who.clientId).map((site) => ({
          id: site.id,
          name: site.name,
          url: site.url,
          scopes: who.scope,
          avatarUrl: site.avatarUrl,
        })),
      }
    },

    apiRejected: () => UNAUTHORIZED,
  }
}

function approvalMessage(site: JiraSite): string {
  return `Your site admin must authorize this app for the site ${site.name}.atlassian.net before the app can access your account.`
}

function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization')?.trim()
  if (header === undefined) return undefined
  return /^bearer +(\S+) *$/i.exec(header)?.[1]
}

function resolveOptions(options: JiraMockOptions) {
  return {
    site: options.site ?? 'acme',
    refreshFailureShape: options.refreshFailureShape ?? 'observed',
    clientAuthFailureShape: options.clientAuthFailureShape ?? 'access_denied',
    codeFailureShape: options.codeFailureShape ?? 'current',
    tokenType: options.tokenType ?? 'bearer',
    tokenBody: options.tokenBody ?? 'json-or-form',
    accessType: options.accessType ?? 'resource-level',
    refreshTokenEra: options.refreshTokenEra ?? 'current',
  } as const
}

export function createJiraMock(options: JiraMockOptions): JiraMock {
  const resolved = resolveOptions(options)
  const sites = createSites(resolved.site, options.extraSites ?? [])

  const consentGate: ConsentGate = (ctx) => {
    if (ctx.query['audience'] !== JIRA_AUDIENCE) {
      fired('jira.authorize-audience')
      return {
        kind: 'error_page',
        status: 400,
        message: `audience must be ${JIRA_AUDIENCE} for an OAuth 2.0 (3LO) app`,
      }
    }
    if (options.approvalRequired && !ctx.approvals.has(APP_APPROVAL_KEY)) {
      fired('jira.site-admin-approval-gate')
      return { kind: 'error_page', status: 403, message: approvalMessage(sites.primary) }
    }
    // Consent given: the grant now covers the pack's site (account-level: every site of the org).
    const covered = resolved.accessType === 'account-level' ? sites.list() : [sites.primary]
    if (resolved.accessType === 'account-level') fired('jira.access-type')
    for (const site of covered) sites.consent(ctx.login, ctx.clientId, site.name)
    return undefined
  }

  const tokenBodyFormats: BodyFormat[] = resolved.tokenBody === 'json' ? ['json'] : ['json', 'form']
  const providerPolicy =
    resolved.refreshTokenEra === 'current' ? ATLASSIAN_POLICY : ATLASSIAN_EARLY_ROLLOUT_POLICY

  let self: SpecMock | undefined
  const fired = (id: JiraQuirkId): void => self?.quirks.fire(id)
  const early = resolved.refreshTokenEra !== 'current'
  const mock = createSpecMock({
    ...options,
    provider: 'jira',
    ledgerQuirks: policyLedgerQuirks<JiraQuirkId>({
      rotation: 'jira.rotating-refresh-tokens',
      reuseWithinLeeway: early ? 'jira.early-rollout-refresh-lifetime' : 'jira.reuse-leeway-10-minutes',
      reuseRevokesFamily: 'jira.reuse-after-leeway-revokes-family',
      idleExpired: 'jira.idle-expiry-90-days',
      absoluteExpired: early ? 'jira.early-rollout-refresh-lifetime' : 'jira.absolute-expiry-365-days',
      omittedRefreshToken: 'jira.omitted-refresh-token',
    }),
    paths: {
      metadata: JIRA_PATHS.metadata,
      authorize: JIRA_PATHS.authorize,
      token: JIRA_PATHS.token,
      revoke: null,
      api: JIRA_PATHS.accessibleResources,
      lab: JIRA_PATHS.lab,
    },
    dialect: jiraDialect(resolved, sites, fired),
    providerPolicy,
    tokenBodyFormats,
    onTokenBody: (contentType) => {
      if (contentType?.toLowerCase().startsWith('application/json')) fired('jira.json-token-body')
    },
    consentGate,
    onReset: () => sites.reset(),
    // connectors.md addendum: optional for confidential clients, verified when sent.
    providerPkce: 'optional',
    checkPolicy: (_effective, patch) => checkPolicy(patch, providerPolicy),
    realm: 'api.atlassian.com',
    classify: (path) => (path.startsWith(JIRA_PATHS.siteApiPrefix) ? 'api' : undefined),
    hooks: {
      issueRefreshToken: ({ policy, authorizeQuery }) => {
        const offline = (authorizeQuery['scope'] ?? '').split(' ').includes(JIRA_OFFLINE_SCOPE)
        if (!offline) fired('jira.offline-access-for-refresh-token')
        return policy.issueRefreshTokens && offline
      },
      // Atlassian access tokens are JWTs: signed with the mock's key, the minted id as jti.
      tokenValue: (kind, minted, ctx) => (kind === 'access' ? ctx.jwt({ aud: JIRA_AUDIENCE }) : minted),
    },
  })

  self = mock
  mock.app.get(`${JIRA_PATHS.siteApiPrefix}:cloudId/rest/api/3/myself`, (c) => {
    fired('jira.api-via-cloud-id')
    const token = bearerToken(c)
    if (token === undefined) return toResponse(UNAUTHORIZED)
    const check = mock.core.validateAccessToken(token)
    if (!check.ok) return toResponse(UNAUTHORIZED)
    const site = sites.byCloudId(c.req.param('cloudId') ?? '')
    if (!site) return toResponse({ status: 404, json: { errorMessages: ['Site not found'] } })
    if (!sites.consented(check.login, check.clientId).some((s) => s.id === site.id)) {
      return toResponse(UNAUTHORIZED)
    }
    if (sites.list().length > 1) fired('jira.one-grant-reaches-all-sites')
    if (!check.scope.includes(JIRA_MYSELF_SCOPE)) {
      fired('jira.scope-mismatch-401')
      return toResponse({ status: 401, json: { code: 401, message: 'Unauthorized; scope does not match' } })
    }
    const accountId = `557058:${cloudIdFor(`user:${check.login}`)}`
    return toResponse({
      status: 200,
      json: {
        self: `https://api.atlassian.com/ex/jira/${site.id}/rest/api/3/user?accountId=${accountId}`,
        accountId,
        accountType: 'atlassian',
        displayName: check.login,
        active: true,
      },
    })
  })

  return Object.assign(mock, { sites })
}

/** Pack options the Jira factory understands that are no quirk's (a setup, the extra sites). */
/**
 * A Jira pack's options: its quirk records' options, plus two keys the factory checks itself (the
 * deployment, refused unless Cloud with its reason; extra sites of the same app).
 */
export const jiraPackOptions = definePackOptions('jira', jiraQuirks, {
  extraKeys: ['deployment', 'extraSites'],
})

/**
 * Checks a pack's (or a /_lab client's) policy against Atlassian's: the lifetimes are fixed for every 3LO app ("cannot be
 * reduced/removed"), so a policy may only restate them.
 */
function checkPolicy(policy: Partial<TokenPolicy> | undefined, fixed: TokenPolicy): void {
  if (policy === undefined) return
  for (const [key, value] of Object.entries(policy)) {
    if (value === undefined) continue
    if (!(key in fixed)) throw new Error(`jira policy.${key} is not a token policy field`)
    if (fixed[key as keyof TokenPolicy] !== value) {
      throw new Error(
        `jira policy.${key} cannot be changed: Atlassian's 3LO token lifetimes are fixed (1 h access tokens, rotating refresh tokens, 90-day idle and 365-day absolute expiry)`,
      )
    }
  }
}

/** The world's factory: a pack's instance is the site, its options are validated here. */
export function createJiraMockFromInput(input: MockFactoryInput): JiraMock {
  const raw = input.options ?? {}
  const options = readPackOptions(jiraPackOptions, raw)
  const deployment = raw['deployment']
  if (deployment === 'data_center') {
    fireQuirk('jira.cloud-only' satisfies JiraQuirkId)
    throw new Error(
      'jira pack option deployment "data_center": Jira Data Center (on-premises) is not supported for actions; the mock plays Jira Cloud (3LO) only',
    )
  }
  if (deployment !== undefined && deployment !== 'cloud') {
    throw new Error(`jira pack option deployment must be "cloud", got ${JSON.stringify(deployment)}`)
  }
  const extraSitesRaw = raw['extraSites']
  if (extraSitesRaw !== undefined && typeof extraSitesRaw !== 'string') {
    throw new Error('jira pack option extraSites must be a comma-separated string of site names')
  }
  const extraSites = (extraSitesRaw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const site = input.instance ?? 'acme'
  for (const name of [site, ...extraSites]) {
    if (!SITE_NAME.test(name)) {
      throw new Error(`jira site "${name}" must be a site name such as "acme" (for acme.atlassian.net)`)
    }
  }
  const refreshTokenEra = options.choice('refreshTokenEra')
  checkPolicy(
    input.policy,
    refreshTokenEra === 'early-rollout' ? ATLASSIAN_EARLY_ROLLOUT_POLICY : ATLASSIAN_POLICY,
  )
  const refreshFailureShape = options.choice('refreshFailureShape')
  const clientAuthFailureShape = options.choice('clientAuthFailureShape')
  const codeFailureShape = options.choice('codeFailureShape')
  const tokenType = options.choice('tokenType')
  const tokenBody = options.choice('tokenBody')
  const accessType = options.choice('accessType')
  return createJiraMock({
    clock: input.clock,
    ids: input.ids,
    ...input.runtime,
    issuer: input.issuer,
    site,
    extraSites,
    ...(input.approvalRequired ? { approvalRequired: true } : {}),
    ...(refreshFailureShape ? { refreshFailureShape } : {}),
    ...(clientAuthFailureShape ? { clientAuthFailureShape } : {}),
    ...(codeFailureShape ? { codeFailureShape } : {}),
    ...(tokenType ? { tokenType } : {}),
    ...(tokenBody ? { tokenBody } : {}),
    ...(accessType ? { accessType } : {}),
    ...(refreshTokenEra ? { refreshTokenEra } : {}),
  })
}

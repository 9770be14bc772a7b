/**
 * The spec authorization server's HTTP face: parses requests, calls the core's decisions, renders
 * results in a dialect at configurable paths. A provider mock builds this with its own dialect and
 * paths and then adds its own routes to the returned app (every middleware below applies to them).
 *
 * Middleware order matters: recording (outermost, so it sees everything) -> body guard -> faults
 * (after the guard, so fault matching can read grant_type from a body that is known to be sane).
 */
import { PatternRouter } from 'hono/router/pattern-router'
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Clock } from '../../src/clock.ts'
import { type BodyRefusal, bodyGuard } from '../body-guard.ts'
import { type FaultQueue, faultMiddleware } from '../faults.ts'
import { mountLabRoutes } from '../lab-routes.ts'
import { type RequestRecorder, recordingMiddleware } from '../recorder.ts'
import { type RecordedEndpoint, requestState } from '../request-state.ts'
import type { ClientRecord } from '../store.ts'
import type { MockControl, MockProviderId } from '../types.ts'
import { type AuthorizationCore, type CoreError, coreError } from './core.ts'
import {
  type AuthorizationServerMetadata,
  NO_STORE_HEADERS,
  type ResponseBodyKind,
  type ResponseDialect,
  type WireResponse,
  toResponse,
} from './dialect.ts'
import { type BodyFormat, extractClientCredentials, readOAuthBody, usesBasicAuth } from './params.ts'
import { type SpecPaths, classifyPath, endpointUrl } from './paths.ts'

export interface SpecAppOptions {
  provider: MockProviderId
  issuer: string
  paths: SpecPaths
  dialect: ResponseDialect
  core: AuthorizationCore
  control: MockControl
  faults: FaultQueue
  recorder: RequestRecorder
  clock: Clock
  maxBodyBytes: number
  /** See MockRuntimeOptions.lifetime. */
  lifetime: 'world' | 'server'
  /** Body formats the token and revocation endpoints accept (Atlassian takes JSON). */
  tokenBodyFormats: readonly BodyFormat[]
  /** The grant a token request without grant_type means (Slack: a code exchange when `code` is sent). */
  inferGrantType?: (params: Readonly<Record<string, string>>) => string | undefined
  /** Told the content type of every token or revocation body it could read (Jira counts JSON bodies). */
  onTokenBody?: (contentType: string | undefined) => void
  /** Classifies a provider's own routes before the standard paths are tried. */
  classify?: (path: string) => RecordedEndpoint | undefined
  /** Realm in WWW-Authenticate challenges; defaults to the provider id. */
  realm?: string
  /** A scope the protected resource demands (403 insufficient_scope without it). Default: none. */
  apiRequiredScope?: string
  /** A revocation route the provider mounts itself (paths.revoke null), advertised in discovery. */
  revocationPath?: string
  metadataExtras?: (issuer: string) => Record<string, unknown>
  /** The mock's default PKCE requirement (discovery says S256 either way). */
  pkce?: 'required' | 'optional'
}

export interface MetadataOptions {
  revocationPath?: string
  extras?: (issuer: string) => Record<string, unknown>
}

export function buildMetadata(
  issuer: string,
  paths: SpecPaths,
  options: MetadataOptions = {},
): AuthorizationServerMetadata {
  const authMethods = ['client_secret_basic', 'client_secret_post']
  const revoke = paths.revoke ?? options.revocationPath ?? null
  return {
    issuer,
    authorization_endpoint: endpointUrl(issuer, paths.authorize),
    token_endpoint: endpointUrl(issuer, paths.token),
    ...(revoke === null
      ? {}
      : {
          revocation_endpoint: endpointUrl(issuer, revoke),
          revocation_endpoint_auth_methods_supported: authMethods,
        }),
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    ...(options.extras?.(issuer) ?? {}),
  }
}

export function createSpecApp(options: SpecAppOptions): Hono {
  const { paths, dialect, core } = options
  const realm = options.realm ?? options.provider
  const app = options.lifetime === 'server' ? new Hono() : new Hono({ router: new PatternRouter() })
  const bodyKind: ResponseBodyKind = options.lifetime === 'server' ? 'native' : 'string'
  const respond = (wire: WireResponse, extraHeaders: Readonly<Record<string, string>> = {}): Response =>
    toResponse(wire, extraHeaders, bodyKind)

  const oauthEndpoint = (c: Context): 'token' | 'revoke' | 'other' => {
    const endpoint = requestState(c).endpoint
    return endpoint === 'token' || endpoint === 'revoke' ? endpoint : 'other'
  }

  /** Token and revocation responses are never cacheable, errors included (RFC 6749 §5.1, §5.2). */
  const oauthResponse = (c: Context, wire: WireResponse): Response =>
    respond(wire, oauthEndpoint(c) === 'other' ? {} : NO_STORE_HEADERS)

  const oauthFailure = (c: Context, error: CoreError, grantType?: string): Response => {
    requestState(c).error = error.error
    return oauthResponse(
      c,
      dialect.oauthError({
        ...error,
        endpoint: oauthEndpoint(c),
        ...(grantType === undefined ? {} : { grantType }),
        basicAuthUsed: usesBasicAuth(c.req.header('authorization')),
        realm,
      }),
    )
  }

  const refuseBody = (c: Context, refusal: BodyRefusal): Response =>
    oauthFailure(
      c,
      coreError(
        'invalid_request',
        refusal.status === 413 ? 'body_too_large' : 'malformed_body',
        refusal.description,
        {
          status: refusal.status,
        },
      ),
    )

  app.use(
    '*',
    recordingMiddleware({
      recorder: options.recorder,
      clock: options.clock,
      classify: (path) => classifyPath(paths, path, options.classify),
    }),
  )
  app.use('*', bodyGuard({ maxBodyBytes: options.maxBodyBytes, refuse: refuseBody }))
  app.use(
    '*',
    faultMiddleware({
      faults: options.faults,
      clock: options.clock,
      renderHttpError: (_c, fault, endpoint) => {
        const wire = dialect.httpFault({
          status: fault.status,
          endpoint,
          ...(fault.body === undefined ? {} : { body: fault.body }),
          ...(fault.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: fault.retryAfterSeconds }),
        })
        return endpoint === 'token' || endpoint === 'revoke' ? respond(wire, NO_STORE_HEADERS) : respond(wire)
      },
    }),
  )

  const metadataOptions: MetadataOptions = {
    ...(options.revocationPath ? { revocationPath: options.revocationPath } : {}),
    ...(options.metadataExtras ? { extras: options.metadataExtras } : {}),
  }
  app.get(paths.metadata, () =>
    respond(dialect.metadata(buildMetadata(options.issuer, paths, metadataOptions))),
  )

  app.get(paths.authorize, (c) => {
    const outcome = core.authorize(c.req.queries())
    if (outcome.kind === 'redirect')
      return new Response(null, { status: 302, headers: { Location: outcome.location } })
    requestState(c).error = outcome.error
    return respond(
      dialect.authorizePage({
        status: outcome.status,
        error: outcome.error,
        description: outcome.description,
      }),
    )
  })

  /** Reads the body and authenticates the client, the first half of both token and revocation requests. */
  async function authenticatedRequest(
    c: Context,
  ): Promise<
    { ok: true; params: Record<string, string>; client: ClientRecord } | { ok: false; response: Response }
  > {
    const body = await readOAuthBody(c, options.tokenBodyFormats)
    if (!body.ok) return { ok: false, response: oauthFailure(c, body) }
    options.onTokenBody?.(c.req.header('content-type'))
    const params = body.params
    if (params['grant_type'] === undefined && oauthEndpoint(c) === 'token') {
      const inferred = options.inferGrantType?.(params)
      if (inferred !== undefined) params['grant_type'] = inferred
    }
    const grantType = params['grant_type']
    if (oauthEndpoint(c) === 'token') {
      if (grantType === undefined) {
        return {
          ok: false,
          response: oauthFailure(
            c,
            coreError('invalid_request', 'missing_parameter', 'grant_type is missing'),
          ),
        }
      }
      if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
        return {
          ok: false,
          response: oauthFailure(
            c,
            coreError(
              'unsupported_grant_type',
              'unsupported_grant_type',
              `grant_type ${grantType} is not supported`,
            ),
            grantType,
          ),
        }
      }
    }
    const credentials = extractClientCredentials(c.req.header('authorization'), params)
    if (!credentials.ok) {
      const error =
        credentials.error.error === 'invalid_client'
          ? core.clientAuthFailed(
              credentials.clientId,
              credentials.error.reason,
              credentials.error.description,
            )
          : credentials.error
      return { ok: false, response: oauthFailure(c, error, grantType) }
    }
    const auth = core.authenticateClient(credentials.clientId, credentials.clientSecret)
    if (!auth.ok) return { ok: false, response: oauthFailure(c, auth, grantType) }
    return { ok: true, params, client: auth.client }
  }

  const missing = (name: string): CoreError =>
    coreError('invalid_request', 'missing_parameter', `${name} is missing`)

  app.post(paths.token, async (c) => {
    const request = await authenticatedRequest(c)
    if (!request.ok) return request.response
    const { params, client } = request
    const grantType = params['grant_type']
    let outcome: ReturnType<AuthorizationCore['refresh']>
    if (grantType === 'authorization_code') {
      const code = params['code']
      const codeVerifier = params['code_verifier']
      if (code === undefined) return oauthFailure(c, missing('code'), grantType)
      outcome = core.exchangeCode(client, {
        code,
        codeVerifier,
        redirectUri: params['redirect_uri'],
        tokenRequest: params,
      })
    } else {
      const refreshToken = params['refresh_token']
      if (refreshToken === undefined) return oauthFailure(c, missing('refresh_token'), grantType)
      outcome = core.refresh(
        client,
        { refreshToken, scope: params['scope'], tokenRequest: params },
        requestState(c).fault,
      )
    }
    if (!outcome.ok) return oauthFailure(c, outcome, grantType)
    return oauthResponse(c, dialect.tokenSuccess(outcome.issued))
  })

  const methodNotAllowed = (c: Context): Response => {
    const response = oauthFailure(
      c,
      coreError('invalid_request', 'method_not_allowed', `use POST for ${new URL(c.req.url).pathname}`, {
        status: 405,
      }),
    )
    response.headers.set('Allow', 'POST')
    return response
  }
  app.all(paths.token, methodNotAllowed)

  const revokePath = paths.revoke
  if (revokePath !== null) {
    app.post(revokePath, async (c) => {
      const request = await authenticatedRequest(c)
      if (!request.ok) return request.response
      const token = request.params['token']
      if (token === undefined) return oauthFailure(c, missing('token'))
      // token_type_hint is only a hint (RFC 7009 §2.1): the token itself says what it is.
      core.revoke(request.client, token)
      return oauthResponse(c, dialect.revokeSuccess())
    })
    app.all(revokePath, methodNotAllowed)
  }

  app.get(paths.api, (c) => {
    const header = c.req.header('authorization')
    if (header === undefined || !/^bearer\b/i.test(header.trim())) {
      return respond(dialect.apiRejected({ kind: 'missing', realm }))
    }
    const token = /^bearer +(\S+) *$/i.exec(header.trim())?.[1]
    if (token === undefined) {
      return respond(
        dialect.apiRejected({
          kind: 'invalid',
          realm,
          check: { reason: 'malformed', description: 'The Authorization header is not a Bearer token' },
        }),
      )
    }
    const check = core.validateAccessToken(token)
    if (!check.ok) return respond(dialect.apiRejected({ kind: 'invalid', realm, check }))
    const required = options.apiRequiredScope
    if (required !== undefined && !check.scope.includes(required)) {
      return respond(dialect.apiRejected({ kind: 'insufficient_scope', realm, scope: required }))
    }
    return respond(dialect.apiSuccess({ login: check.login, clientId: check.clientId, scope: check.scope }))
  })

  mountLabRoutes(app, paths.lab, options.control)

  app.notFound(() => respond(dialect.notFound()))
  // Reaching this is a bug in the mock: answer in RFC shape and say nothing about the request.
  app.onError((_error, c) => oauthResponse(c, dialect.serverError()))

  return app
}

/**
 * Real OAuth clients, unmodified, against `serve` over sockets on 127.0.0.1: openid-client 6.9.0 and
 * oauth4webapi 3.8.8 (plain http allowed with their named opt-ins, nothing else changed). Per
 * provider that speaks standard OAuth: discovery where the provider publishes it (configured
 * endpoints where it does not, as real integrations do), the code grant with and without PKCE,
 * refresh, revocation where the provider has an RFC 7009 endpoint, and `openid` with id_token
 * validation (the library's claim checks plus a jose signature check against jwks_uri). Slack's
 * quirks are asserted to break a standard client in the documented way.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import * as client from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProviderId } from '../../manager/contract.ts'
import type { ServeConfig } from './serve-config.ts'
import { type RunningServers, startServers } from './serve.ts'

const REDIRECT = 'http://127.0.0.1:9/callback'
const SECRET = 'interop-secret'

interface Case {
  provider: ProviderId
  /** Where discovery lives (undefined: the provider publishes none; endpoints are configured). */
  discovery?: { issuer: (base: string) => string; algorithm: 'oauth2' | 'oidc' }
  endpoints?: (base: string) => { authorization_endpoint: string; token_endpoint: string }
  scope: string
  extra?: Record<string, string>
  refresh: boolean
  revocation: boolean
  openid?: string
  /** PKCE is optional on this provider as configured (Databricks: required by default). */
  pkceOptional: boolean
}

const CASES: Case[] = [
  {
    provider: 'baseline',
    discovery: { issuer: (b) => b, algorithm: 'oauth2' },
    scope: 'read',
    refresh: true,
    revocation: true,
    pkceOptional: false,
  },
  {
    provider: 'google',
    discovery: { issuer: (b) => b, algorithm: 'oidc' },
    scope: 'https://www.googleapis.com/auth/gmail.readonly',
    // prompt=consent: Google returns a refresh token on first consent only (connectors.md §4).
    extra: { access_type: 'offline', prompt: 'consent' },
    refresh: true,
    revocation: true,
    openid: 'openid email',
    pkceOptional: true,
  },
  {
    provider: 'salesforce',
    discovery: { issuer: (b) => b, algorithm: 'oidc' },
    scope: 'api refresh_token',
    refresh: true,
    revocation: true,
    openid: 'openid api',
    pkceOptional: true,
  },
  {
    provider: 'databricks',
    discovery: { issuer: (b) => `${b}/oidc`, algorithm: 'oidc' },
    scope: 'all-apis offline_access',
    refresh: true,
    revocation: false,
    openid: 'openid all-apis',
    pkceOptional: false,
  },
  {
    provider: 'jira',
    endpoints: (b) => ({ authorization_endpoint: `${b}/authorize`, token_endpoint: `${b}/oauth/token` }),
    scope: 'read:jira-user offline_access',
    extra: { audience: 'api.atlassian.com', prompt: 'consent' },
    refresh: true,
    revocation: false,
    pkceOptional: true,
  },
  {
    provider: 'zendesk',
    endpoints: (b) => ({
      authorization_endpoint: `${b}/oauth/authorizations/new`,
      token_endpoint: `${b}/oauth/tokens`,
    }),
    scope: 'read',
    refresh: true,
    revocation: false,
    pkceOptional: true,
  },
]

let servers: RunningServers
beforeAll(async () => {
  const providers: ServeConfig['providers'] = {}
  for (const p of [...CASES.map((c) => c.provider), 'slack' as const])
    providers[p] = { clients: [{ clientId: `${p}-app`, clientSecret: SECRET, redirectUris: [REDIRECT] }] }
  servers = await startServers({
    port: 0,
    host: '127.0.0.1',
    config: { config: { providers }, locate: () => undefined, file: 'interop' },
  })
}, 60_000)
afterAll(async () => {
  await servers?.close()
})

async function follow(url: URL | string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (location === null) throw new Error(`no redirect from ${String(url)}: ${res.status} ${await res.text()}`)
  return new URL(location)
}

async function openidConfig(c: Case): Promise<client.Configuration> {
  const base = servers.urls[c.provider]!
  if (c.discovery) {
    return client.discovery(new URL(c.discovery.issuer(base)), `${c.provider}-app`, SECRET, undefined, {
      algorithm: c.discovery.algorithm,
      execute: [client.allowInsecureRequests],
    })
  }
  const endpoints = c.endpoints!(base)
  const config = new client.Configuration({ issuer: base, ...endpoints }, `${c.provider}-app`, SECRET)
  client.allowInsecureRequests(config)
  return config
}

async function verifySignature(config: client.Configuration, idToken: string): Promise<void> {
  const meta = config.serverMetadata()
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri!))
  const { payload } = await jwtVerify(idToken, jwks, {
    issuer: meta.issuer,
    audience: config.clientMetadata().client_id,
  })
  expect(payload.sub).toBeTruthy()
}

describe.each(CASES)('openid-client against serve: $provider', (c) => {
  it('discovery (or configured endpoints), code grant with PKCE, refresh, revocation', async () => {
    const config = await openidConfig(c)
    if (c.discovery)
      expect(config.serverMetadata().issuer).toBe(c.discovery.issuer(servers.urls[c.provider]!))
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: c.scope,
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...c.extra,
    })
    const tokens = await client.authorizationCodeGrant(config, await follow(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    })
    expect(tokens.access_token).toBeTruthy()
    expect(tokens.token_type.toLowerCase()).toBe('bearer')
    if (c.refresh) {
      expect(tokens.refresh_token).toBeTruthy()
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
      expect(refreshed.access_token).not.toBe(tokens.access_token)
    }
    if (c.revocation) {
      const meta = config.serverMetadata()
      expect(meta.revocation_endpoint).toBeTruthy()
      await client.tokenRevocation(config, tokens.refresh_token ?? tokens.access_token)
    } else if (c.discovery) {
      expect(config.serverMetadata().revocation_endpoint).toBeUndefined()
    }
  })

  it('code grant without PKCE: works where the provider allows it, refused in its words where not', async () => {
    const config = await openidConfig(c)
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: c.scope,
      state,
      ...c.extra,
    })
    const callback = await follow(url)
    if (c.pkceOptional) {
      const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state })
      expect(tokens.access_token).toBeTruthy()
    } else {
      expect(callback.searchParams.get('error')).toBe('invalid_request')
      const error = await client
        .authorizationCodeGrant(config, callback, { expectedState: state })
        .catch((e) => e)
      expect(error).toBeInstanceOf(client.AuthorizationResponseError)
      expect(error).toMatchObject({
        error: 'invalid_request',
        error_description: 'code_challenge is required (PKCE)',
      })
    }
  })

  it.runIf(c.openid !== undefined)(
    'openid: a signed id_token whose iss is the discovery issuer',
    async () => {
      const config = await openidConfig(c)
      const verifier = client.randomPKCECodeVerifier()
      const nonce = client.randomNonce()
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: c.openid!,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...c.extra,
      })
      const tokens = await client.authorizationCodeGrant(config, await follow(url), {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        idTokenExpected: true,
      })
      const claims = tokens.claims()
      expect(claims?.iss).toBe(config.serverMetadata().issuer)
      expect(claims?.nonce).toBe(nonce)
      await verifySignature(config, tokens.id_token!)
    },
  )
})

describe.each(CASES)('oauth4webapi against serve: $provider', (c) => {
  const opts = { [oauth.allowInsecureRequests]: true } as const
  async function server(): Promise<oauth.AuthorizationServer> {
    const base = servers.urls[c.provider]!
    if (!c.discovery) return { issuer: base, ...c.endpoints!(base) }
    const issuer = new URL(c.discovery.issuer(base))
    return oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: c.discovery.algorithm, ...opts }),
    )
  }

  it('code grant (PKCE, and none where allowed), refresh, revocation, openid', async () => {
    const as = await server()
    const cl: oauth.Client = { client_id: `${c.provider}-app` }
    const auth = oauth.ClientSecretBasic(SECRET)
    const run = async (scope: string, pkce: boolean) => {
      const verifier = oauth.generateRandomCodeVerifier()
      const state = oauth.generateRandomState()
      const url = new URL(as.authorization_endpoint!)
      url.searchParams.set('client_id', cl.client_id)
      url.searchParams.set('redirect_uri', REDIRECT)
      url.searchParams.set('response_type', 'code')
      url.searchParams.set('scope', scope)
      url.searchParams.set('state', state)
      for (const [k, v] of Object.entries(c.extra ?? {})) url.searchParams.set(k, v)
      if (pkce) {
        url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
        url.searchParams.set('code_challenge_method', 'S256')
      }
      const params = oauth.validateAuthResponse(as, cl, await follow(url), state)
      const res = await oauth.authorizationCodeGrantRequest(
        as,
        cl,
        auth,
        params,
        REDIRECT,
        pkce ? verifier : oauth.nopkce,
        opts,
      )
      return oauth.processAuthorizationCodeResponse(as, cl, res)
    }
    const tokens = await run(c.scope, true)
    expect(tokens.access_token).toBeTruthy()
    if (c.pkceOptional) expect((await run(c.scope, false)).access_token).toBeTruthy()
    if (c.refresh) {
      const res = await oauth.refreshTokenGrantRequest(as, cl, auth, tokens.refresh_token!, opts)
      expect((await oauth.processRefreshTokenResponse(as, cl, res)).access_token).toBeTruthy()
    }
    if (c.revocation) {
      const res = await oauth.revocationRequest(as, cl, auth, tokens.access_token, opts)
      await oauth.processRevocationResponse(res)
    }
    if (c.openid) {
      const withId = await run(c.openid, true)
      const claims = oauth.getValidatedIdTokenClaims(withId)
      expect(claims?.iss).toBe(as.issuer)
      expect(claims?.aud).toBe(cl.client_id)
    }
  })
})

/** An error's message with its causes' (openid-client wraps oauth4webapi's errors). */
function describeError(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  while (current instanceof Error) {
    parts.push(current.message)
    current = current.cause
  }
  return parts.join(' <- ')
}

describe('Slack breaks standard clients the documented way', () => {
  const config = () => {
    const base = servers.urls['slack']!
    const cfg = new client.Configuration(
      {
        issuer: base,
        authorization_endpoint: `${base}/oauth/v2/authorize`,
        token_endpoint: `${base}/api/oauth.v2.access`,
      },
      'slack-app',
      SECRET,
    )
    client.allowInsecureRequests(cfg)
    return cfg
  }

  it('no discovery document: Slack publishes none', async () => {
    await expect(
      client.discovery(new URL(servers.urls['slack']!), 'slack-app', SECRET, undefined, {
        algorithm: 'oauth2',
        execute: [client.allowInsecureRequests],
      }),
    ).rejects.toThrow()
  })

  it('a successful install has token_type "bot" (not Bearer): openid-client refuses it', async () => {
    const cfg = config()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(cfg, { redirect_uri: REDIRECT, scope: 'chat:write', state })
    const error = await client
      .authorizationCodeGrant(cfg, await follow(url), { expectedState: state })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'OAUTH_UNSUPPORTED_OPERATION' })
    expect(describeError(error)).toMatch(/token_type/)
  })

  it('an error is HTTP 200 {ok:false}: the client sees no access_token, not an OAuth error', async () => {
    const cfg = config()
    const res = await fetch(`${servers.urls['slack']}/api/oauth.v2.access`, {
      method: 'POST',
      body: new URLSearchParams({ code: 'bogus', client_id: 'slack-app', client_secret: SECRET }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_code' })
    const callback = new URL(`${REDIRECT}?code=bogus`)
    const error = await client.authorizationCodeGrant(cfg, callback).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    // Not a ResponseBodyError with .error: the library cannot read Slack's dialect as an OAuth error.
    expect(error).not.toBeInstanceOf(client.ResponseBodyError)
    expect(error).toMatchObject({ code: 'OAUTH_INVALID_RESPONSE' })
    expect(describeError(error)).toMatch(/access_token/)
  })
})

/** Provider mocks reuse the spec mock through paths, a dialect, hooks and their own routes. */
import { describe, expect, test } from 'vitest'
import { RFC_DIALECT, type ResponseDialect } from './dialect.ts'
import { REDIRECT_URI, basicHeader, connect, obtainCode, setupBaseline, verifierFor } from './test-client.ts'

const SLACKISH: ResponseDialect = {
  ...RFC_DIALECT,
  tokenSuccess: (issued) => ({
    status: 200,
    json: { ok: true, access_token: issued.accessToken, token_type: 'user', scope: issued.scope.join(',') },
  }),
  oauthError: (err) => ({
    status: 200,
    json: { ok: false, error: err.reason === 'bad_client_secret' ? 'bad_client_secret' : err.error },
  }),
}

describe('a provider built on the spec mock', () => {
  test('own paths, own dialect, own routes (classified and recorded)', async () => {
    const h = setupBaseline({
      spec: {
        provider: 'slack',
        issuer: 'http://slack.mock',
        paths: { token: '/api/oauth.v2.access', authorize: '/oauth/v2/authorize', revoke: null },
        dialect: SLACKISH,
        classify: (path) => (path === '/api/auth.test' ? 'api' : undefined),
      },
    })
    h.mock.app.get('/api/auth.test', (c) => {
      const token = c.req.header('authorization')?.replace(/^Bearer /, '') ?? ''
      const check = h.mock.core.validateAccessToken(token)
      return c.json(check.ok ? { ok: true, user: check.login } : { ok: false, error: 'invalid_auth' })
    })
    const tokens = await connect(h, 'ada')
    expect(tokens).toMatchObject({ token_type: 'user', scope: 'read' })
    const who = await h.mock.fetch('http://slack.mock/api/auth.test', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    expect(await who.json()).toEqual({ ok: true, user: 'ada' })

    const meta = (await (
      await h.mock.fetch('http://slack.mock/.well-known/oauth-authorization-server')
    ).json()) as Record<string, unknown>
    expect(meta['token_endpoint']).toBe('http://slack.mock/api/oauth.v2.access')
    expect(meta).not.toHaveProperty('revocation_endpoint')
    expect((await h.mock.fetch('http://slack.mock/revoke', { method: 'POST' })).status).toBe(404)

    h.mock.control.rotateClientSecret(h.client.clientId)
    const bad = await h.mock.fetch('http://slack.mock/api/oauth.v2.access', {
      method: 'POST',
      headers: { authorization: basicHeader(h.client.clientId, h.client.clientSecret) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
    })
    expect(bad.status).toBe(200)
    expect(bad.headers.get('cache-control')).toBe('no-store')
    expect(await bad.json()).toEqual({ ok: false, error: 'bad_client_secret' })
    const recorded = h.mock.requests()
    expect(recorded.find((r) => r.path === '/api/auth.test')).toMatchObject({ endpoint: 'api' })
    expect(recorded.at(-1)).toMatchObject({ endpoint: 'token', status: 200, error: 'bad_client_secret' })
  })

  test('JSON token bodies where the dialect accepts them', async () => {
    const h = setupBaseline({ spec: { tokenBodyFormats: ['form', 'json'] } })
    const verifier = verifierFor('ada')
    const code = await obtainCode(h, 'ada', verifier)
    const res = await h.mock.fetch(`${h.mock.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    })
    expect(res.status).toBe(200)
    expect(h.mock.requests().at(-1)).toMatchObject({
      grantType: 'authorization_code',
      params: { code: '[redacted]' },
    })
    // Numbers are fine where providers' docs send them (Zendesk: "expires_in": 1800).
    const { refresh_token } = (await res.json()) as { refresh_token: string }
    const refreshed = await h.mock.fetch(`${h.mock.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        client_id: h.client.clientId,
        client_secret: h.client.clientSecret,
        refresh_token,
        expires_in: 1800,
      }),
    })
    expect(refreshed.status).toBe(200)
    const nested = await h.mock.fetch(`${h.mock.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: { nested: true } }),
    })
    expect(nested.status).toBe(400)
  })

  test('hooks: refresh token on first consent only, eviction beyond a cap', async () => {
    const h = setupBaseline({
      spec: {
        hooks: {
          issueRefreshToken: (ctx) =>
            ctx.earlierFamilies.length === 0 || ctx.authorizeQuery['prompt'] === 'consent',
          afterFamilyCreated: (ctx, core) => {
            const families = h.mock.store
              .familiesOf(ctx.login, ctx.clientId)
              .filter((f) => f.endedAtMs === null)
            for (const family of families.slice(0, Math.max(0, families.length - 2)))
              core.endFamily(family.id, 'evicted')
          },
        },
      },
    })
    const first = await connect(h, 'ada')
    expect(first.refresh_token).toEqual(expect.any(String))
    const second = await connect(h, 'ada')
    expect(second).not.toHaveProperty('refresh_token')
    expect(h.mock.control.accessTokenIsLive(first.access_token)).toBe(true)
    await connect(h, 'ada')
    expect(h.mock.control.accessTokenIsLive(first.access_token)).toBe(false)
    const ended = h.mock.control.ledger().filter((e) => e.type === 'family_ended')
    expect(ended).toEqual([expect.objectContaining({ cause: 'evicted' })])
    expect(h.mock.control.grantTruth('ada', h.client.clientId)).toMatchObject({ status: 'alive' })
  })
})

import { INDEXING_USER } from '../../mocks/factory-input.ts'
import type { MockProvider } from '../../mocks/types.ts'
import type { PackDescriptor } from '../manager/contract.ts'
import type { ProviderClient } from '../providers/types.ts'
import { createHash } from 'node:crypto'

/**
 * The search-indexing connector: a second OAuth app in the same source, connected by an admin service
 * user, that has nothing to do with the actions app. The harness drives it directly (no manager), so
 * `indexing-independence` can check that connecting, disconnecting or revoking it leaves actions alone.
 */
export interface IndexingConnector {
  connect(): Promise<void>
  disconnect(): Promise<void>
  revoke(): Promise<void>
}

export function createIndexingConnector(input: {
  mock: MockProvider
  provider: ProviderClient
  fetch: typeof fetch
  redirectBase: string
  packId: string
}): IndexingConnector {
  const { mock, provider } = input
  const redirectUri = `${input.redirectBase}/indexing/${encodeURIComponent(input.packId)}`
  const client = mock.control.createClient({ redirectUris: [redirectUri] })
  mock.control.createUser({ login: INDEXING_USER })
  const pack: PackDescriptor = {
    id: `${input.packId}-indexing`,
    provider: provider.id,
    setup: 'custom',
    baseUrl: mock.issuer,
    endpoints: provider.endpoints(mock.issuer),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri,
    scopes: provider.defaultScopes,
  }
  let refreshToken: string | undefined
  let round = 0

  return {
    async connect() {
      round++
      const verifier = `indexing-verifier-${round}-${'x'.repeat(43)}`
      const challenge = createHash('sha256').update(verifier).digest('base64url')
      const url = new URL(
        provider.authorizationUrl(pack, { state: `indexing-${round}`, codeChallenge: challenge }),
      )
      url.searchParams.set('login_hint', INDEXING_USER)
      // A network failure (an injected reset) leaves the connector unconnected, as a real one would be.
      const res = await input.fetch(url, { redirect: 'manual' }).catch(() => undefined)
      if (!res) return
      await res.body?.cancel()
      const location = res.headers.get('location')
      if (!location) return
      const callback = provider.parseCallback(location)
      if (callback.kind !== 'code') return
      const request = provider.tokenRequest(pack, {
        grantType: 'authorization_code',
        code: callback.code,
        codeVerifier: verifier,
      })
      const tokenRes = await input.fetch(request.url, request.init).catch(() => undefined)
      if (!tokenRes) return
      const parsed = provider.parseTokenResponse(
        tokenRes.status,
        {},
        await tokenRes.json().catch(() => undefined),
      )
      if (parsed.kind === 'success') refreshToken = parsed.token.refreshToken
    },
    async disconnect() {
      // The connector forgets its tokens and, where the source has one, calls its revocation endpoint.
      const endpoint = pack.endpoints.revoke
      if (endpoint && refreshToken) {
        const res = await input
          .fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              token: refreshToken,
              client_id: pack.clientId,
              client_secret: pack.clientSecret,
            }),
          })
          .catch(() => undefined)
        await res?.body?.cancel()
      }
      refreshToken = undefined
    },
    async revoke() {
      mock.control.revokeGrant(INDEXING_USER, client.clientId, 'admin')
    },
  }
}

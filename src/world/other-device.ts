/**
 * A teammate consenting on another device: the same account and OAuth client, but a client that is not
 * the manager under test (a phone, a second laptop). It talks to the source directly, so nothing it
 * does passes through the manager's processes, and the grant it gets is not the manager's.
 */
import type { MockProvider } from '../../mocks/types.ts'
import type { PackDescriptor } from '../manager/contract.ts'

/** One consent (prompt=consent, offline access) and its code exchange. Returns why it failed, if it did. */
export async function consentOnOtherDevice(
  mock: MockProvider,
  pack: PackDescriptor,
  login: string,
): Promise<string | undefined> {
  const url = new URL(pack.endpoints.authorize)
  for (const [k, v] of Object.entries({
    client_id: pack.clientId,
    redirect_uri: pack.redirectUri,
    response_type: 'code',
    scope: pack.scopes.join(' '),
    access_type: 'offline',
    prompt: 'consent',
    login_hint: login,
    state: 'other-device',
  }))
    url.searchParams.set(k, v)
  const authorized = await mock.fetch(url.toString(), { redirect: 'manual' })
  await authorized.body?.cancel()
  const code = new URL(authorized.headers.get('location') ?? 'x:/').searchParams.get('code')
  if (code === null) return `consent on another device got no code (status ${authorized.status})`
  const token = await mock.fetch(pack.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pack.redirectUri,
      client_id: pack.clientId,
      client_secret: pack.clientSecret,
    }).toString(),
  })
  await token.body?.cancel()
  return token.status === 200 ? undefined : `the other device's code exchange answered ${token.status}`
}

import { defineMutant, rewritingTokenResponses } from './mutant.ts'

/** The `exp` claim (seconds, the source's clock) of a JWT, or undefined. */
function jwtExpMs(token: unknown): number | undefined {
  if (typeof token !== 'string') return undefined
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const exp = typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined
    return typeof exp === 'number' ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}

export const mutant = defineMutant({
  id: 'google-expiry-from-id-token-on-local-clock',
  title: "Google expiry taken from the id_token's exp, on the manager's own clock",
  change:
    "It takes the access token's expiry from the id_token's exp claim (the source's clock) and compares it with its own clock, using the token while now < exp; a manager clock that runs behind keeps presenting expired tokens for as long as the skew.",
  models:
    'connectors.md root cause 10 ("refresh scheduled from a skewed clock": workos/authkit-nextjs#470, manfredsteyer/angular-oauth2-oidc#1135)',
  targets: ['google'],
  caughtBy: ['no-expired-token-presented'],
  createManager: rewritingTokenResponses(
    ({ parsed, body, nowMs }) => {
      const exp = jwtExpMs(
        typeof body === 'object' && body !== null ? (body as { id_token?: unknown }).id_token : undefined,
      )
      if (parsed.kind !== 'success' || exp === undefined) return parsed
      return { kind: 'success', token: { ...parsed.token, expiresInMs: exp - (nowMs ?? 0) } }
    },
    {
      parts: {
        needsRefresh: (credential, nowMs) =>
          credential.accessTokenExpiresAt !== undefined && nowMs >= credential.accessTokenExpiresAt,
      },
    },
  ),
})

export const createManager = mutant.createManager

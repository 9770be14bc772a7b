/**
 * Signed JWTs for the mocks: access tokens where the provider's are JWTs (Atlassian, Databricks,
 * Zendesk) and OIDC id_tokens. Compact JWS (RFC 7515), verifiable with jose.
 *
 * Signing is synchronous (node:crypto) because the authorization core mints tokens inside one
 * synchronous decision; jose only offers async signing, so tests verify with jose instead.
 * - `RS256` (serve mode): the providers' own algorithm; a fresh RSA key per mock, its public half
 *   served at the provider's `jwks_uri`. About 1,000 signatures/s.
 * - `HS256` (in-process default): deterministic (the key derives from the issuer, so a run replays
 *   byte for byte) and ~100x cheaper than RS256 with a pre-built KeyObject. The key is not published:
 *   `jwks()` is empty and discovery says HS256; tests verify with `verificationKey()`.
 */
import {
  type KeyObject,
  createHash,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  sign as rsaSign,
} from 'node:crypto'

export type JwtAlgorithm = 'HS256' | 'RS256'

export interface PublicJwk {
  kty: string
  kid: string
  alg: string
  use: 'sig'
  n?: string
  e?: string
}

export interface JwtSigner {
  readonly alg: JwtAlgorithm
  readonly kid: string
  /** Signs `claims` with header `{alg, kid, typ}`. */
  sign(claims: Readonly<Record<string, unknown>>, typ?: string): string
  /** The JWK Set for `jwks_uri`: the public key (RS256), or no keys (HS256 keys are never published). */
  jwks(): { keys: PublicJwk[] }
  /** What verifies this signer's tokens (tests): the RSA public key or the HMAC secret. */
  verificationKey(): KeyObject
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

export function createJwtSigner(alg: JwtAlgorithm, seed: string): JwtSigner {
  if (alg === 'HS256') {
    const secret = createSecretKey(createHash('sha256').update(`reconnect-lab-hs256:${seed}`).digest())
    const kid = createHash('sha256').update(`kid:${seed}`).digest('base64url').slice(0, 16)
    return {
      alg,
      kid,
      sign(claims, typ = 'JWT') {
        const input = `${encode({ alg, kid, typ })}.${encode(claims)}`
        return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
      },
      jwks: () => ({ keys: [] }),
      verificationKey: () => secret,
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = publicKey.export({ format: 'jwk' })
  const kid = createHash('sha256')
    .update(`${jwk.n ?? ''}.${jwk.e ?? ''}`)
    .digest('base64url')
    .slice(0, 16)
  const published: PublicJwk = {
    kty: 'RSA',
    kid,
    alg,
    use: 'sig',
    ...(jwk.n === undefined ? {} : { n: jwk.n }),
    ...(jwk.e === undefined ? {} : { e: jwk.e }),
  }
  return {
    alg,
    kid,
    sign(claims, typ = 'JWT') {
      const input = `${encode({ alg, kid, typ })}.${encode(claims)}`
      return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
    },
    jwks: () => ({ keys: [published] }),
    verificationKey: () => publicKey,
  }
}

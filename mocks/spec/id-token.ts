/**
 * OIDC Core §2 id_tokens for the providers that return one with the `openid` scope (Google,
 * Salesforce, Databricks): signed by the mock's key, `iss` equal to the issuer its own discovery
 * document names, `aud` the client, the authorize request's nonce echoed.
 */
import type { JwtSigner } from '../jwt.ts'
import type { IssuedTokens } from './core.ts'

export const ID_TOKEN_TTL_SEC = 3600

export function signIdToken(
  signer: JwtSigner,
  issuer: string,
  issued: IssuedTokens,
  claims: Readonly<Record<string, unknown>> = {},
): string {
  const iat = Math.floor(issued.issuedAtMs / 1000)
  return signer.sign({
    iss: issuer,
    sub: issued.login,
    aud: issued.clientId,
    azp: issued.clientId,
    iat,
    exp: iat + ID_TOKEN_TTL_SEC,
    ...(issued.nonce === undefined ? {} : { nonce: issued.nonce }),
    ...claims,
  })
}

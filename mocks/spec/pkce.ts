/** RFC 7636 (PKCE) with the S256 method only: `plain` gives no protection, so the baseline refuses it. */
import { createHash } from 'node:crypto'

/** §4.2: BASE64URL(SHA256(verifier)) is always 43 characters without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
/** §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

export function isS256Challenge(value: string): boolean {
  return S256_CHALLENGE.test(value)
}

export function isCodeVerifier(value: string): boolean {
  return VERIFIER.test(value)
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/** §4.6: a malformed verifier fails the same way a wrong one does. */
export function verifyS256(verifier: string, challenge: string): boolean {
  return isCodeVerifier(verifier) && s256Challenge(verifier) === challenge
}

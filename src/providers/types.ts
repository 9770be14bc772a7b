/**
 * Client-side knowledge of one OAuth provider: how a token manager talks to it and how it reads the
 * answers. This is deliberately separate from mocks/ (the server side): if the client and the mock
 * shared a misunderstanding of a provider's dialect, the suite could never catch it.
 *
 * Every function here is pure (no IO, no clock reads): the manager does the HTTP and hands the
 * pieces in, so each dialect can be tested with plain values.
 */
import type { ApiResult, ConnectReason, PackDescriptor, ProviderId } from '../manager/contract.ts'

export interface ProviderEndpoints {
  authorize: string
  token: string
  revoke?: string
  /** The protected resource the agent calls. */
  api: string
}

/** What the manager asks the token endpoint for. */
export type TokenGrant =
  | { grantType: 'authorization_code'; code: string; codeVerifier: string }
  | { grantType: 'refresh_token'; refreshToken: string }

/** A request ready for `fetch(url, init)`. */
export interface TokenHttpRequest {
  url: string
  init: RequestInit
}

/** A successful token response, normalised. Durations are relative: the manager anchors them on its own clock. */
export interface ParsedToken {
  accessToken: string
  /** Absent when the response carried none (not rotated, not issued, or dropped): the manager keeps the stored one. */
  refreshToken?: string
  /** Absent when the source did not say (the AT never expires, or the provider never sends expires_in). */
  expiresInMs?: number
  scopes?: string[]
  /** Non-secret provider extras worth keeping (token_type, instance_url, ...). */
  extras?: Record<string, string>
}

/**
 * Why a token-endpoint exchange failed, in the four classes the manager acts on. `detail` is for
 * humans and reports: it is built from status codes and sanitised error codes only, never from token,
 * code or secret values.
 */
export type FailureClass =
  /** The grant is gone: the teammate must Connect again. */
  | { kind: 'permanent'; reason: ConnectReason; detail: string }
  /** The app's setup is wrong (client id/secret, app not approved): the admin must act; no grant is lost. */
  | { kind: 'configuration'; detail: string }
  /** The source (or our reading of it) misbehaves: malformed or unexpected answers; contact support. */
  | { kind: 'platform'; detail: string }
  /** Try again later: 5xx, 429, network failures, timeouts. Never a prompt, never discards a grant. */
  | { kind: 'transient'; detail: string; retryAfterMs?: number }

export type FailureKind = FailureClass['kind']

export type TokenParse = { kind: 'success'; token: ParsedToken } | { kind: 'failure'; failure: FailureClass }

/** How a protected-resource answer bears on the credential. */
export type ApiClass = 'ok' | 'token_rejected' | 'scope_missing' | 'transient' | 'other'

/** What the source's redirect back to us said. */
export type CallbackParse =
  | { kind: 'code'; code: string; state: string | undefined }
  | { kind: 'error'; error: string; description?: string; state: string | undefined }
  /** Neither a code nor an error (or not a URL at all). */
  | { kind: 'invalid'; detail: string }

/**
 * One provider's client-side dialect. Methods are plain functions (no `this`), so a connector can be
 * built from the baseline by replacing only the pieces where its provider deviates
 * (see `extendBaseline` in baseline.ts).
 *
 * `body` arguments are the decoded response body: the parsed JSON value when the text was JSON,
 * otherwise the raw text (see `decodeResponseBody` in wire.ts). `headers` have lower-case names.
 * `nowMs` (the manager's clock) is only needed to turn an HTTP-date Retry-After into a delay.
 */
export interface ProviderClient {
  readonly id: ProviderId
  /** Scopes a pack asks for when its definition names none. */
  readonly defaultScopes: string[]
  /** The provider's default endpoints for a source instance; packs normally carry these. */
  endpoints(baseUrl: string): ProviderEndpoints
  /** The URL the browser is sent to for Connect (authorization code flow with PKCE S256). */
  authorizationUrl(pack: PackDescriptor, request: { state: string; codeChallenge: string }): string
  /** How this provider wants a code or refresh grant sent (body encoding, client authentication). */
  tokenRequest(pack: PackDescriptor, grant: TokenGrant): TokenHttpRequest
  parseTokenResponse(
    status: number,
    headers: Record<string, string>,
    body: unknown,
    nowMs?: number,
  ): TokenParse
  /** Classifies a failed exchange; `status` is 0 and `networkError` is set when fetch itself rejected. */
  classifyTokenFailure(
    status: number,
    headers: Record<string, string>,
    body: unknown,
    networkError?: unknown,
    nowMs?: number,
  ): FailureClass
  classifyApiResult(result: ApiResult): ApiClass
  parseCallback(url: string): CallbackParse
  /** Classifies an `error=` redirect from the authorization endpoint. */
  classifyCallbackError(error: string, description?: string): FailureClass
}

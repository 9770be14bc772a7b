/** Where a spec mock serves each endpoint. Provider mocks pass their own (Slack's /api/oauth.v2.access, ...). */
import type { RecordedEndpoint } from '../request-state.ts'

export interface SpecPaths {
  /** RFC 8414 metadata document. */
  metadata: string
  authorize: string
  token: string
  /** RFC 7009 revocation; null where the provider has none (Atlassian, Databricks). */
  revoke: string | null
  /** The protected resource that answers who the token belongs to. */
  api: string
  /** Prefix of the control surface over HTTP. */
  lab: string
}

export const BASELINE_PATHS: Readonly<SpecPaths> = Object.freeze({
  metadata: '/.well-known/oauth-authorization-server',
  authorize: '/authorize',
  token: '/token',
  revoke: '/revoke',
  api: '/api/me',
  lab: '/_lab',
})

/**
 * Which recorded endpoint a path is. `extra` lets a provider classify its own routes first (Atlassian's
 * accessible-resources is an `api` call, Slack's auth.revoke a `revoke`).
 */
export function classifyPath(
  paths: SpecPaths,
  path: string,
  extra?: (path: string) => RecordedEndpoint | undefined,
): RecordedEndpoint {
  const custom = extra?.(path)
  if (custom !== undefined) return custom
  if (path === paths.token) return 'token'
  if (path === paths.authorize) return 'authorize'
  if (paths.revoke !== null && path === paths.revoke) return 'revoke'
  if (path === paths.api) return 'api'
  if (path === paths.metadata) return 'metadata'
  if (path === paths.lab || path.startsWith(`${paths.lab}/`)) return 'lab'
  return 'other'
}

/** Joins an issuer and a path without doubling or dropping the slash. */
export function endpointUrl(issuer: string, path: string): string {
  return `${issuer.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`
}

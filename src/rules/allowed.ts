import type { ConnectReason, ProviderId } from '../manager/contract.ts'
import type { AllowedResult, Expectation, GrantEndOrigin, RunSituation } from './types.ts'

/** Every honest reason for a dead grant where the source's answer cannot tell its causes apart. */
export const DEAD_GRANT_REASONS: readonly ConnectReason[] = [
  'grant_expired',
  'grant_revoked',
  'grant_invalid',
  'not_connected',
]

export const OK: AllowedResult = { kind: 'ok' }
export const RETRY: AllowedResult = { kind: 'retry_later' }
export const ASK_ADMIN: AllowedResult = { kind: 'blocked', contact: 'admin' }
export const PROMPT_DEAD: AllowedResult = { kind: 'connect_required', reasons: DEAD_GRANT_REASONS }

/**
 * Whether a provider's refresh-failure answer is the same for an expired and a revoked grant, as
 * connectors.md records it ("Refresh failure shape" and each provider's error table). Where it is,
 * a manager cannot know which happened, and every dead-grant reason is honest. Where it is not, the
 * reason must not name the wrong cause (`grant_invalid`, "the source refused it", and `not_connected`,
 * "nothing usable is stored", stay honest everywhere).
 */
export const DEAD_GRANT_ANSWER: Readonly<Record<ProviderId, { ambiguous: boolean; source: string }>> = {
  baseline: {
    ambiguous: true,
    source:
      'mocks/spec/core.ts: invalid_grant "the refresh token is expired or revoked" (RFC 6749 §5.2 names no cause)',
  },
  jira: {
    ambiguous: true,
    source:
      'connectors.md §1: 403 unauthorized_client "refresh_token is invalid" for expired and revoked alike',
  },
  slack: {
    ambiguous: false,
    source:
      'connectors.md §2: Slack refresh tokens have no lifetime, so only a revocation ends a grant ("invalid_refresh_token" for bad/rotated/revoked; API token_revoked): never "expired"',
  },
  salesforce: {
    ambiguous: true,
    source:
      'connectors.md §3: 400 invalid_grant "expired access/refresh token" for revoked, expired by policy, over the 5-approval cap and "Immediately expire" alike',
  },
  google: {
    ambiguous: true,
    source:
      'connectors.md §4: 400 invalid_grant "Token has been expired or revoked." for revoked, expired, unused, evicted',
  },
  zendesk: {
    ambiguous: true,
    source:
      'connectors.md §5: 400 invalid_grant, wording UNCONFIRMED (so nothing to tell the causes apart by)',
  },
  databricks: {
    ambiguous: true,
    source:
      'connectors.md §6: 400 invalid_request "Refresh token is invalid" for expired, rotated and unknown alike',
  },
}

/** The honest reasons for a prompt about a grant that `origin` ended, on `provider` (see DEAD_GRANT_ANSWER). */
export function deadGrantReasons(provider: ProviderId, origin: GrantEndOrigin): readonly ConnectReason[] {
  const answer = DEAD_GRANT_ANSWER[provider]
  if (answer === undefined || answer.ambiguous) return DEAD_GRANT_REASONS
  const named: ConnectReason | undefined =
    origin === 'revocation' ? 'grant_revoked' : origin === 'policy' ? 'grant_expired' : undefined
  return named === undefined
    ? DEAD_GRANT_REASONS
    : (['grant_invalid', 'not_connected', named] satisfies ConnectReason[])
}

/** A prompt for a dead grant, with the reasons this provider's answer allows. */
export function promptDead(provider: ProviderId, origin: GrantEndOrigin): AllowedResult {
  return { kind: 'connect_required', reasons: deadGrantReasons(provider, origin) }
}

/** Adds the results a transient fault legitimately causes: retry later, never a prompt. */
export function withTransient(s: { transientTrouble: boolean }, expectation: Expectation): Expectation {
  if (!s.transientTrouble) return expectation
  return {
    ...expectation,
    allowed: [...expectation.allowed, RETRY],
    because: `${expectation.because} (a fault was injected, so retry_later is fine)`,
  }
}

/** The grant is alive and the client secret matches: nothing stands between the teammate and a silent run. */
export function healthy(s: RunSituation): boolean {
  return s.holds && s.grant.kind === 'alive' && !s.secretMismatch && !endedByWorldDuringStep(s)
}

/** The grant ended mid-step for a reason outside the manager (e.g. a TTL ran out while a fault added latency). */
export function endedByWorldDuringStep(s: RunSituation): boolean {
  return s.grantAfter.kind === 'ended' && s.grantAfter.origin !== 'manager' && s.grant.kind === 'alive'
}

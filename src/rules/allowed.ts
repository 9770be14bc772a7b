import type { ConnectReason } from '../manager/contract.ts'
import type { AllowedResult, Expectation, RunSituation } from './types.ts'

/** The source answers `invalid_grant` for expired and revoked alike, so any of these is an honest reason. */
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

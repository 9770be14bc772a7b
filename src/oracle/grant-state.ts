import type { GrantEndCause, GrantTruth } from '../../mocks/types.ts'
import type { GrantEndOrigin, GrantState } from '../rules/types.ts'

/**
 * Who is to blame for a grant's end. Revocations and policy are the world's doing, so a prompt is
 * right; reuse detection, a reused code and a client-side revoke are the manager's doing, so a
 * prompt is a bug (rotation-is-durable refines reuse caused by lost responses).
 */
export function originOf(cause: GrantEndCause): GrantEndOrigin {
  switch (cause) {
    case 'revoked_by_user':
    case 'revoked_by_admin':
    case 'secret_rotated':
      return 'revocation'
    case 'refresh_idle_expired':
    case 'refresh_absolute_expired':
    case 'evicted':
    case 'policy':
      return 'policy'
    case 'reuse_detected':
    case 'code_reused':
    case 'revoked_by_client':
      return 'manager'
  }
}

export function grantStateOf(truth: GrantTruth | undefined): GrantState {
  if (!truth || truth.status === 'none') return { kind: 'none' }
  if (truth.status === 'alive') return { kind: 'alive' }
  return { kind: 'ended', cause: truth.cause, origin: originOf(truth.cause) }
}

/**
 * Token policies: the baseline default, how a client's overrides combine with the mock's default,
 * and validation of policy input arriving from the control surface (in-process or /_lab JSON).
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../src/clock.ts'
import type { TokenPolicy } from './types.ts'

/** RFC-typical defaults: 1 h access tokens, rotating refresh tokens that die after 30 idle days. */
export const BASELINE_DEFAULT_POLICY: Readonly<TokenPolicy> = Object.freeze({
  accessTokenTtlMs: HOUR_MS,
  issueRefreshTokens: true,
  refreshIdleTtlMs: 30 * DAY_MS,
  refreshAbsoluteTtlMs: null,
  rotation: true,
  reuseLeewayMs: 0,
  reuseAfterLeeway: 'revoke_family',
  secretRotationEndsGrants: false,
  codeTtlMs: 10 * MINUTE_MS,
})

const POLICY_KEYS: ReadonlyArray<keyof TokenPolicy> = [
  'accessTokenTtlMs',
  'issueRefreshTokens',
  'refreshIdleTtlMs',
  'refreshAbsoluteTtlMs',
  'rotation',
  'reuseLeewayMs',
  'reuseAfterLeeway',
  'secretRotationEndsGrants',
  'codeTtlMs',
]

/** A client's effective policy: each field it overrides wins, every other field follows the default. */
export function resolvePolicy(defaults: TokenPolicy, overrides: Partial<TokenPolicy>): TokenPolicy {
  return { ...defaults, ...withoutUndefined(overrides) }
}

function withoutUndefined(patch: Partial<TokenPolicy>): Partial<TokenPolicy> {
  const out: Record<string, unknown> = {}
  for (const key of POLICY_KEYS) if (patch[key] !== undefined) out[key] = patch[key]
  return out as Partial<TokenPolicy>
}

/** Provider-side (mocks/ imports nothing from src/ but clock and ids), so not src/errors.ts's LabError: a policy the source does not allow, naming the field (a /_lab 400, or the factory's refusal). */
export class PolicyError extends RangeError {
  override name = 'PolicyError'
}

function durationOrNull(value: unknown, key: string): number | null {
  if (value === null) return null
  return duration(value, key)
}

function duration(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PolicyError(
      `policy.${key} must be a finite number of ms >= 0${key.endsWith('TtlMs') ? ' or null' : ''}`,
    )
  }
  return value
}

function flag(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new PolicyError(`policy.${key} must be a boolean`)
  return value
}

/**
 * Checks a policy patch from an untrusted caller (JSON over /_lab, or a scenario file) and returns it
 * typed. Unknown keys are refused so a typo ("rotate") fails loudly instead of silently doing nothing.
 */
export function parsePolicyPatch(input: unknown): Partial<TokenPolicy> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PolicyError('policy must be an object')
  }
  const record = input as Record<string, unknown>
  const out: Partial<TokenPolicy> = {}
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue
    switch (key) {
      case 'accessTokenTtlMs':
        out.accessTokenTtlMs = durationOrNull(value, key)
        break
      case 'refreshIdleTtlMs':
        out.refreshIdleTtlMs = durationOrNull(value, key)
        break
      case 'refreshAbsoluteTtlMs':
        out.refreshAbsoluteTtlMs = durationOrNull(value, key)
        break
      case 'reuseLeewayMs':
        out.reuseLeewayMs = duration(value, key)
        break
      case 'codeTtlMs':
        out.codeTtlMs = duration(value, key)
        break
      case 'issueRefreshTokens':
        out.issueRefreshTokens = flag(value, key)
        break
      case 'rotation':
        out.rotation = flag(value, key)
        break
      case 'secretRotationEndsGrants':
        out.secretRotationEndsGrants = flag(value, key)
        break
      case 'reuseAfterLeeway':
        if (value !== 'reject' && value !== 'revoke_family') {
          throw new PolicyError("policy.reuseAfterLeeway must be 'reject' or 'revoke_family'")
        }
        out.reuseAfterLeeway = value
        break
      default:
        throw new PolicyError(`unknown policy field "${key}"`)
    }
  }
  return out
}

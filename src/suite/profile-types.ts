import type fc from 'fast-check'
import type { ProviderId } from '../manager/contract.ts'
import type { PaceScenario, RuleId } from '../rules/types.ts'
import type { OrgSpec, TimelineEvent } from '../world/types.ts'

export type { PaceScenario } from '../rules/types.ts'

/**
 * How the conformance suite explores one provider: which orgs and policies it generates, which
 * durations are worth jumping by (around the provider's TTLs), and which events a timeline may hold.
 * Connector work adds a profile per provider here.
 */
export interface ProviderProfile {
  provider: ProviderId
  /** The cast generated timelines draw from; an org uses a prefix of it. */
  teammates: readonly string[]
  packIds: readonly string[]
  org: fc.Arbitrary<OrgSpec>
  durationsMs: readonly number[]
  /** Extra event arbitraries on top of the common ones (faults, concurrency, provider events). */
  extraEvents?: ReadonlyArray<{ weight: number; arbitrary: fc.Arbitrary<TimelineEvent> }>
  /** Scripted horizons for `policy-sets-the-pace`: the prompts a policy implies, restated from connectors.md. */
  paceScenarios?: readonly PaceScenario[]
  /**
   * How to set this provider up with rotating refresh tokens, for the scheduled interleavings of
   * `rotation-is-durable` (src/suite/interleavings.ts). Absent: the provider never rotates, or its
   * profile does not say how; the exploration then skips rotation-is-durable for it.
   */
  rotating?: RotatingSetup
  /**
   * Rules that apply to the provider in general but can never arise in its world, with the reason
   * (e.g. Slack refresh tokens have no lifetime, so no policy ever ends a grant). Reported as `skip`
   * with that reason, never as a pass.
   */
  notApplicable?: Partial<Record<RuleId, string>>
}

/** A rotating setup of one provider, for exploring concurrent refreshes, restarts and lost answers. */
export interface RotatingSetup {
  /** Orgs of 1-3 teammates whose single pack rotates refresh tokens (the source's default or a custom app's policy). */
  org: fc.Arbitrary<OrgSpec>
  /**
   * Clock jumps that make a refresh due (the access token inside the manager's refresh margin, or
   * expired; for a source without expires_in, past the session's end) while the grant stays alive.
   */
  refreshDueMs: readonly number[]
}

import type { GrantEndCause } from '../../mocks/types.ts'
import type { BlockedContact, ConnectReason, ProviderId } from '../manager/contract.ts'
import type { CreateManager } from '../manager/contract.ts'
import type { Counterexample } from '../suite/counterexample.ts'
import type { ProviderProfile } from '../suite/profiles.ts'
import type { OrgSpec, StepResult, TraceStep } from '../world/types.ts'

export type RuleId =
  | 'silent-refresh'
  | 'expiry-prompts-once'
  | 'revocation-prompts'
  | 'secret-mismatch-is-admin'
  | 'site-approval-gate'
  | 'pack-isolation'
  | 'admin-reset'
  | 'long-lived-stays-quiet'
  | 'rotation-is-durable'
  | 'policy-sets-the-pace'
  | 'transient-never-prompts'
  | 'connect-resolves'
  | 'unsupported-setup-rejected'
  | 'triage-matches-table'
  | 'no-secret-leaks'

/**
 * Who ended a grant, as far as the rules care. `lost_response`: the source destroyed (or will refuse)
 * a grant whose newest refresh token never durably reached the manager (a dropped answer, a crash
 * before storing, a store outage): the world's doing, see src/rules/ledger-invariants.ts.
 */
export type GrantEndOrigin = 'revocation' | 'policy' | 'manager' | 'lost_response'

export type GrantState =
  | { kind: 'none' }
  | { kind: 'alive' }
  | { kind: 'ended'; cause: GrantEndCause; origin: GrantEndOrigin }

/** Why the teammate's last prompt happened, so "one Connect restores" can name the rule it belongs to. */
export type PromptCause =
  | 'policy'
  | 'revocation'
  | 'reset'
  | 'manager'
  | 'lost_response'
  | 'not_connected'
  | 'other'

/** Everything the oracle's model knows about one run, before looking at what the manager answered. */
export interface RunSituation {
  kind: 'run'
  teammate: string
  pack: string
  provider: ProviderId
  /** The model says the manager should hold credentials: connected, and not cleared since. */
  holds: boolean
  /** The admin cleared this teammate on this pack since their last successful Connect. */
  clearedSelf: boolean
  /** Another teammate on this pack was cleared since this teammate's previous run. */
  othersClearedSinceLastRun: boolean
  grant: GrantState
  grantAfter: GrantState
  secretMismatch: boolean
  /** The admin updated a rotated secret since this teammate's previous run on this pack. */
  secretRepairedSinceLastRun: boolean
  /**
   * The source answered with an injected fault (5xx, 429, reset, latency...) during this step, the
   * credential store failed a write, or a crash or store outage on this pair is recent enough that a
   * lease it left behind may still be held (see Oracle).
   */
  transientTrouble: boolean
  /** This teammate's previous run on this pack had transient trouble. */
  afterTransientTrouble?: boolean
  /** Set on the first run after a successful Connect that followed a prompt. */
  firstRunAfterConnect?: { promptCause: PromptCause }
  /** Something happened on another pack (revoke, reset, secret change, fault, Connect) since this teammate's previous run here. */
  otherPackTouchedSinceLastRun: boolean
  /** The search-indexing connector was connected, disconnected or revoked since this teammate's previous run here. */
  indexingChangedSinceLastRun: boolean
}

export interface ConnectSituation {
  kind: 'connect'
  teammate: string
  pack: string
  provider: ProviderId
  secretMismatch: boolean
  transientTrouble: boolean
  /** The source still needs an admin's approval of the app before anyone can connect. */
  approvalMissing: boolean
  /** The pack needed an approval and an admin has given it. */
  approvedAfterGate: boolean
}

export type Situation = RunSituation | ConnectSituation

/** One acceptable result of a step. */
export type AllowedResult =
  | { kind: 'ok' }
  | { kind: 'connect_required'; reasons: readonly ConnectReason[] }
  | { kind: 'blocked'; contact: BlockedContact }
  | { kind: 'retry_later' }
  | { kind: 'stuck_at_source' }

export interface Expectation {
  allowed: AllowedResult[]
  /** Why these results and no others, in one sentence for the counterexample. */
  because: string
}

export interface Violation {
  rule: RuleId
  stepIndex: number
  because: string
  allowed: AllowedResult[]
  actual: StepResult
}

export interface RuleDefinition {
  id: RuleId
  statement: string
  /** Where the rule comes from: the troubleshooting page's words or a connectors.md section. */
  source: string
  /** The providers whose suite checks this rule. */
  providers: readonly ProviderId[] | 'all'
  /**
   * What the rule checks: the manager under test (default), or reconnect-lab itself (`harness`, e.g.
   * the pack validation of unsupported-setup-rejected). Harness rows are reported apart from the
   * manager's rows and never count as a pass for the manager.
   */
  subject?: 'manager' | 'harness'
  /** Per-step judgement: the results allowed in this situation, or undefined when the rule says nothing here. */
  judge?: (situation: Situation) => Expectation | undefined
  /**
   * Whole-trace judgement, for rules about the source's ledger or the manager's output rather than one
   * step. Called after every step with the trace so far, so a violation is reported where it happens.
   */
  judgeTrace?: (trace: readonly TraceStep[], org: OrgSpec) => Violation[]
  /**
   * A check of its own, outside the generated timelines (scripted horizons, interleaving exploration,
   * setup validation). Runs once per provider the rule applies to.
   */
  standalone?: (context: StandaloneContext) => Promise<StandaloneResult>
}

export interface StandaloneContext {
  provider: ProviderId
  profile: ProviderProfile
  createManager: CreateManager
  seed: number
  runs: number
  /**
   * Scheduled interleavings for rules that explore them (rotation-is-durable, transient-never-prompts).
   * Absent: max(runs, 1000), the full count (`reconnect-lab run`); tests pass fewer.
   */
  interleavings?: number
}

export interface StandaloneResult {
  status: 'pass' | 'fail' | 'skip'
  runs: number
  checks: number
  counterexample?: Counterexample
  note?: string
}

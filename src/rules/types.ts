import type { GrantEndCause } from '../../mocks/types.ts'
import type { BlockedContact, ConnectReason, ProviderId } from '../manager/contract.ts'
import type { CreateManager } from '../manager/contract.ts'
import type { TriageRow, TriageVerdict } from '../triage.ts'
import type { OrgSpec, PackSpec, StepResult, TimelineEvent, TraceStep } from '../world/types.ts'
import type { TraceIndexes } from './trace-indexes.ts'

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
  | 'no-expired-token-presented'
  | 'zendesk-opts-into-expiring-tokens'

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
  /**
   * The callback reached the manager after the source's authorization code expired (a connect with
   * `callbackDelayMs` past the pack's code lifetime): the exchange must fail, and trying Connect again
   * is the cure (TraceStep.codeExpiredAtCallback).
   */
  codeExpired: boolean
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
   * step. Called after every step with the trace so far, so a violation is reported where it happens;
   * `indexes` holds what the rule builds incrementally over this trace (owned by the run playing it).
   */
  judgeTrace?: (trace: readonly TraceStep[], org: OrgSpec, indexes: TraceIndexes) => Violation[]
  /**
   * For a whole-trace rule: did it have something to say about this step (what `checks` counts)?
   * Absent: every step is one check (rules over every request, log line or outcome).
   */
  judgesStep?: (step: TraceStep, org: OrgSpec) => boolean
  /**
   * A check of its own, outside the generated timelines (scripted horizons, interleaving exploration,
   * setup validation). Runs once per provider the rule applies to.
   */
  standalone?: (context: StandaloneContext) => Promise<StandaloneResult>
}

/**
 * What a standalone check gets. src/rules never imports src/suite (the suite runs the rules): the
 * suite's machinery (scripted play, interleaving exploration) comes in as `harness`.
 */
export interface StandaloneContext {
  provider: ProviderId
  profile: StandaloneProfile
  createManager: CreateManager
  seed: number
  runs: number
  /**
   * Scheduled interleavings for rules that explore them (rotation-is-durable, transient-never-prompts).
   * Absent: max(runs, 1000), the full count (`reconnect-lab run`); tests pass fewer.
   */
  interleavings?: number
  harness: StandaloneHarness
}

/** The parts of a provider's suite profile (src/suite/profiles.ts) that standalone checks read. */
export interface StandaloneProfile {
  packIds: readonly string[]
  /** Scripted horizons for `policy-sets-the-pace`: the prompts a policy implies, restated from connectors.md. */
  paceScenarios?: readonly PaceScenario[]
}

/**
 * One teammate runs every `everyMs` for `horizonMs` and clicks Connect whenever prompted. The number
 * of prompts must equal what the policy implies, computed by the rule from `expected` alone (not from
 * the mock), so a mock and a manager that agree on a wrong lifetime are still caught.
 * Choose `everyMs` longer than the access-token lifetime (every run refreshes) and away from exact
 * TTL multiples (no ties at the boundary).
 */
export interface PaceScenario {
  name: string
  /** The pack (its id must be one of the profile's packIds); usually custom with the policy under test. */
  pack: PackSpec
  everyMs: number
  horizonMs: number
  /** The refresh-token lifetime as the source documents it: from the grant (absolute) and since last use (idle). */
  expected: { absoluteMs: number | null; idleMs: number | null }
  /** connectors.md section and row. */
  source: string
}

/** A timeline played by a script that reacts to outcomes, stopped at the first violation. */
export interface ScriptedRun {
  trace: TraceStep[]
  events: TimelineEvent[]
  violations: Violation[]
}

/** The suite's machinery a standalone check may use, bound by the suite to the provider being checked. */
export interface StandaloneHarness {
  /** Plays a timeline that reacts to outcomes, judging every step against `rules` (src/suite/scripted.ts). */
  playScripted(options: {
    org: OrgSpec
    createManager: CreateManager
    rules: readonly RuleDefinition[]
    script: (play: (event: TimelineEvent) => Promise<StepResult>) => Promise<void>
  }): Promise<ScriptedRun>
  scriptedCounterexample(
    rule: RuleId,
    provider: string,
    org: OrgSpec,
    run: ScriptedRun,
    extra?: Violation[],
    file?: Pick<Counterexample, 'expected' | 'unreplayable'>,
  ): Counterexample
  /**
   * The shared scheduled-interleaving exploration of the rotation and transient rules
   * (src/suite/interleavings.ts), reported for `rule`.
   */
  exploreInterleavings(rule: RuleId): Promise<StandaloneResult>
}

/** A shrunk failing timeline: enough to print it, write it to a scenario file and replay it. */
export interface Counterexample {
  rule: RuleId
  provider: string
  seed: number
  /** fast-check's replay path for the property (seed + path replays the same generation). */
  path: string
  org: OrgSpec
  events: TimelineEvent[]
  /** The readable timeline with outcomes, advances folded into the time column. */
  lines: string[]
  violations: Violation[]
  /** Whether replaying `events` on a fresh world broke the rule again (false means a non-deterministic manager). */
  reproduced: boolean
  /**
   * What a scripted check expected, for its file: a standalone rule has no per-step judge, so the file
   * states what the check expected (the outcome of each step, aligned with `events`, in scenario
   * words such as `ok` or `connect_required`; the triage verdict of the whole timeline) and a replay
   * of the file judges the rule by those expectations (src/scenario/replay.ts).
   */
  expected?: CounterexampleExpectations
  /** Why no scenario file can replay this counterexample as the check played it; the file says so. */
  unreplayable?: string
}

export interface CounterexampleExpectations {
  outcomes?: ReadonlyArray<string | undefined>
  triage?: { verdict: TriageVerdict; row: TriageRow }
}

export interface StandaloneResult {
  status: 'pass' | 'fail' | 'skip'
  runs: number
  checks: number
  counterexample?: Counterexample
  note?: string
}

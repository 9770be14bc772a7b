/**
 * The scenario format, as TypeScript types. A `.yaml` scenario file and a `defineScenario({...})`
 * call have exactly this shape; both are checked by the same schema (scenario-schema.ts).
 *
 * ```yaml
 * id: rotated-refresh-token-lost
 * title: The rotated refresh token was never saved
 * org:
 *   teammates: [alice]
 *   packs:
 *     - id: jira
 *       provider: baseline
 *       setup: custom
 *       policy: { accessTokenTtl: 1h, rotation: true }
 * timeline:
 *   - at: day 1 09:00
 *     connect: alice@jira
 *   - at: day 1 10:01
 *     run: alice@jira
 *   - at: +61m
 *     run: alice@jira
 * expect:
 *   violates: [silent-refresh]
 * ```
 */
import type { MockEndpoint } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { RuleId } from '../rules/types.ts'
import type { TriageRow, TriageVerdict } from '../triage.ts'
import type { ProductSpec } from '../world/product.ts'

/** `alice@jira`: a teammate on a pack. */
export type PairRef = `${string}@${string}`

/** `90d`, `12h`, `10m`, `30s`, `250ms`, `1d12h` (or 0). */
export type Duration = string | 0

/** `day 3 09:00`, `day 3 09:00:30`, or `+12h` after the previous step. */
export type TimeText = string

/** A custom app's token policy in the source (see TokenPolicy in mocks/types.ts). `never` (or null): no limit. */
export interface ScenarioPolicy {
  accessTokenTtl?: Duration | 'never' | null
  refreshIdleTtl?: Duration | 'never' | null
  refreshAbsoluteTtl?: Duration | 'never' | null
  issueRefreshTokens?: boolean
  rotation?: boolean
  reuseLeeway?: Duration
  reuseAfterLeeway?: 'reject' | 'revoke_family'
  secretRotationEndsGrants?: boolean
  codeTtl?: Duration
}

export interface ScenarioPack {
  id: string
  provider: ProviderId
  setup: 'central' | 'custom'
  instance?: string
  policy?: ScenarioPolicy
  scopes?: string[]
  options?: Record<string, string | number | boolean>
  approvalRequired?: boolean
  /**
   * How the product around the manager behaves on this pack (src/world/product.ts), e.g.
   * `{ forgetsCredentialsAfterRun: true }`: the product clears the teammate's stored credentials
   * after every run, as an admin clear would.
   */
  product?: ProductSpec
}

export interface ScenarioOrg {
  teammates: string[]
  packs: ScenarioPack[]
  /** The manager's clock against the sources' clocks: `-2m` behind, `+30s` ahead (default: none). */
  managerClockSkew?: string
}

interface At {
  /** When the step happens; absent: right after the previous step (the first step: day 1 09:00). */
  at?: TimeText
  /**
   * What the step must end in (run and connect steps): `ok`, `connect_required`,
   * `connect_required(grant_expired)`, `blocked`, `blocked(admin)`, `retry_later`, `stuck_at_source`,
   * `crashed`, `manager_error`. `reconnect-lab scenario` exits 1 when a step ends otherwise.
   */
  expect?: StepExpectation
}

/** An outcome kind, optionally with its reason (connect_required) or contact (blocked) in parentheses. */
export type StepExpectation = string

export type FaultKindName = 'connection_reset' | 'commit_then_drop' | 'omit_refresh_token'

/** Exactly one of `http`, `latency` or `kind` says what the fault is. */
export interface FaultStep extends At {
  /** The pack whose source misbehaves. */
  fault: string
  endpoint: MockEndpoint
  /** An HTTP error status (400-599), answered before the source does anything. */
  http?: number
  /** With `http`: a Retry-After header. */
  retryAfter?: Duration
  /** With `http`: the body to answer instead of the provider's usual error body. */
  body?: unknown
  /** The source answers this much later (virtual time). */
  latency?: Duration
  kind?: FaultKindName
  /** How many matching requests it applies to (default 1). */
  times?: number
}

export type ScenarioStep =
  | (At & { run: PairRef })
  /**
   * `callbackAfter`: the source's redirect reaches the manager this long after the consent (a consent
   * tab left open, a slow redirect); time moves on meanwhile. Past the source's code lifetime
   * (10m on most sources, 15m on Salesforce) the code exchange is refused.
   */
  | (At & { connect: PairRef; callbackAfter?: Duration })
  | (At & { revoke: PairRef; by?: 'user' | 'admin' })
  | (At & { clear_credentials: PairRef })
  | (At & { rotate_secret: string })
  | (At & { update_secret: string })
  | (At & { approve_app: string })
  | FaultStep
  /** Runs started together; a run may name the manager process (instance) it goes to; `crash` kills one process mid-way. */
  | (At & {
      concurrently: Array<PairRef | { run: PairRef; instance: number }>
      /** Kill this process during the runs (it restarts with empty memory). */
      crash?: number
      /** ...at its Nth operation (store read or write, request sent, answer received); 1 = before any. */
      crashAtIo?: number
    })
  /** The shared credential store fails the next N writes. */
  | (At & { store_fault: number; afterWrites?: number })
  | (At & { restart_manager: true | null })
  | (At & { indexing: string; action: 'connect' | 'disconnect' | 'revoke' })
  /**
   * The teammate signs in to the same app on `count` other devices, apart from the product (the
   * source's per-account limits count them: Google's 100 live tokens, Salesforce's 5 approvals).
   */
  | (At & { other_devices: PairRef; count: number })

export interface ScenarioExpect {
  violates?: RuleId[]
  keeps?: RuleId[]
  triage?: TriageVerdict | { verdict: TriageVerdict; row?: TriageRow }
}

/** Where a generated counterexample came from (informational; replay never loads code named here). */
export interface ScenarioOrigin {
  rule?: RuleId
  provider?: string
  manager?: string
  seed?: number
  path?: string
  runs?: number
  tool?: string
}

export interface ScenarioDefinition {
  /** Lowercase letters, digits and dashes. */
  id: string
  title?: string
  description?: string
  org: ScenarioOrg
  /** Manager processes sharing the credential store (default 1). */
  instances?: number
  /**
   * A recorded interleaving: the scheduler's choices that order the concurrent operations of the
   * timeline (written by the interleaving exploration; leave it out when writing a timeline by hand).
   * A scheduled timeline starts with every teammate connecting to every pack, in org order.
   */
  schedule?: number[]
  timeline: ScenarioStep[]
  /** The rules that judge this timeline (default: every rule that applies to the org's providers). */
  rules?: RuleId[]
  /**
   * What playing the file must show. `violates`: exactly these rules break (`[]`: none does); `keeps`:
   * these rules must not break; `triage`: the verdict (and optionally the table row) triage gives.
   */
  expect?: ScenarioExpect
  origin?: ScenarioOrigin
}

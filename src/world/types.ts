import type {
  Fault,
  GrantTruth,
  LedgerEvent,
  MockEndpoint,
  RecordedRequest,
  TokenPolicy,
} from '../../mocks/types.ts'
import type { Outcome, ProviderId } from '../manager/contract.ts'

/** One action pack as the org's admin defined it. */
export interface PackSpec {
  id: string
  provider: ProviderId
  setup: 'central' | 'custom'
  /** The source instance (Jira site, Salesforce org, Zendesk subdomain, Databricks workspace). */
  instance?: string
  /** A custom app's token policy in the source; a central app always runs on the provider's defaults. */
  policy?: Partial<TokenPolicy>
  scopes?: string[]
  /** Provider-specific setup (e.g. Jira deployment 'cloud' | 'data_center'); validated when the pack is defined. */
  options?: Record<string, string | number | boolean>
  /**
   * The source needs an admin's approval before teammates can connect (Jira site admin authorization,
   * Salesforce app install / admin approval, Slack app approval). Starts unapproved.
   */
  approvalRequired?: boolean
}

export interface OrgSpec {
  teammates: string[]
  packs: PackSpec[]
}

export type TimelineEvent =
  | { type: 'advance'; ms: number }
  | { type: 'run'; teammate: string; pack: string }
  | { type: 'connect'; teammate: string; pack: string }
  | { type: 'revoke'; teammate: string; pack: string; by: 'user' | 'admin' }
  | { type: 'rotate_secret'; pack: string }
  | { type: 'update_secret'; pack: string }
  | { type: 'clear_credentials'; teammate: string; pack: string }
  | { type: 'fault'; pack: string; endpoint: MockEndpoint; fault: Fault; times: number }
  /**
   * Several runs started together (agents of one teammate, or teammates at once). Each run goes to
   * manager instance `instance` (default: its position, modulo the number of instances). With `crash`,
   * that instance's process dies at some point during the runs (chosen by the interleaving) and is
   * restarted: its runs end in `crashed`, its in-flight requests and writes are lost, the store survives.
   */
  | {
      type: 'concurrent_runs'
      runs: Array<{ teammate: string; pack: string; instance?: number }>
      crash?: number
      /**
       * With `crash`: the process dies as it reaches its n-th IO point in this step (a store read or
       * write, a request leaving, an answer arriving; 1 = before any). Without: where the interleaving
       * puts it. A process that finishes its runs first dies right after.
       */
      crashAtIo?: number
    }
  /**
   * The shared credential store fails `failures` writes (compare-and-set), after letting `afterWrites`
   * more succeed (default 0). With afterWrites 1, a refresh claims the credential, the source rotates,
   * and the write of the rotated token fails: connectors.md root cause 6.
   */
  | { type: 'store_fault'; failures: number; afterWrites?: number }
  /** The manager process restarts: memory is lost, the credential store survives. */
  | { type: 'restart_manager' }
  /** An admin approves the app in the source (Jira site admin authorizes it, Salesforce installs it, Slack approves it). */
  | { type: 'approve_app'; pack: string }
  /** The search-indexing connector's own OAuth app, beside the actions app in the same source (Salesforce). */
  | { type: 'indexing'; pack: string; action: 'connect' | 'disconnect' | 'revoke' }

export type TimelineEventType = TimelineEvent['type']

/** What a step ended in, from the harness's point of view. */
export type StepResult =
  | { kind: 'outcome'; outcome: Outcome }
  /** The manager threw or returned something that is not an Outcome: always a failure. */
  | { kind: 'manager_error'; message: string }
  /** Connect never got back to the product: the source showed an error page instead of redirecting. */
  | { kind: 'stuck_at_source'; status: number }
  /** The run's process crashed before it answered (concurrent_runs with `crash`): nobody saw an outcome. */
  | { kind: 'crashed' }
  | { kind: 'none' }

export interface TraceStep {
  index: number
  /** World time when the step began, and how far into the timeline that is. */
  atMs: number
  elapsedMs: number
  event: TimelineEvent
  result: StepResult
  /** For concurrent_runs: one result per run, in the event's order. */
  results?: StepResult[]
  /** The teammate's grant in the source before and after the step (events naming a teammate and pack). */
  truthBefore?: GrantTruth
  truthAfter?: GrantTruth
  /** For concurrent_runs: the grant of each run's teammate and pack, before and after the step. */
  truths?: Array<{ before: GrantTruth; after: GrantTruth }>
  /** What each pack's source saw during this step. */
  requests: Array<RecordedRequest & { pack: string }>
  ledger: Array<LedgerEvent & { pack: string }>
  /** What the manager's processes did during this step, in the order it happened (see IoEvent). */
  io?: IoEvent[]
}

/** A manager process: instance index (one per simulated process) and incarnation (bumped by each crash/restart). */
export interface ProcRef {
  instance: number
  generation: number
}

/** The run an IO event belongs to (through single-flight, the run that started the shared work). */
export interface RunRef {
  id: number
  teammate: string
  pack: string
}

/**
 * One thing a manager process did, as the harness saw it on the wire and at the store. Tokens appear
 * only as harness labels (`RT3`, `AT7`: the order in which the harness first saw each value), never
 * as values. `seq` orders events across the whole world run.
 */
export type IoEvent =
  | {
      kind: 'token_request'
      seq: number
      atMs: number
      /** When the process sent it (the log's last seq then, and the clock): it arrives at `seq`/`atMs`. */
      sentAfterSeq: number
      sentAtMs: number
      pack: string
      proc: ProcRef
      run?: RunRef
      grantType?: string
      /** The refresh token presented (refresh_token grant). */
      presented?: string
      /** The source answered (status) or the response was dropped on the way (commit_then_drop, reset). */
      status?: number
      dropped: boolean
      fault?: Fault['kind']
      /** The source's ledger entries this request produced. */
      ledger: LedgerEvent[]
      /** What a successful answer carried, when the harness could read it (labels). */
      issued?: { refreshToken?: string; accessToken?: string }
      retryAfterMs?: number
      /** The source's policy for this pack's client, as created. */
      rotation: boolean
      reuseLeewayMs: number
    }
  /** The response to token request `requestSeq` reached the process (delivered) or did not (the process died first). */
  | {
      kind: 'token_delivered' | 'token_lost'
      seq: number
      atMs: number
      requestSeq: number
      proc: ProcRef
      run?: RunRef
    }
  | {
      kind: 'api_request'
      seq: number
      atMs: number
      pack: string
      proc: ProcRef
      run?: RunRef
      accessToken: string
      status?: number
    }
  | {
      kind: 'store_read'
      seq: number
      atMs: number
      proc: ProcRef
      run?: RunRef
      key: string
      version?: number
      refreshToken?: string
      leased?: boolean
    }
  | {
      kind: 'store_write'
      seq: number
      atMs: number
      proc: ProcRef
      run?: RunRef
      key: string
      expectedVersion: number
      result: 'ok' | 'conflict' | 'failed'
      /** The row written: deleted, or a credential holding this refresh token (label), possibly a lease. */
      deletes: boolean
      refreshToken?: string
      leased?: boolean
    }
  /** The process died (concurrent_runs `crash`, or restart_manager); `runs` were in progress on it. */
  | { kind: 'crash'; seq: number; atMs: number; proc: ProcRef; runs: RunRef[] }
  | { kind: 'run_start'; seq: number; atMs: number; proc: ProcRef; run: RunRef }
  | { kind: 'run_end'; seq: number; atMs: number; proc: ProcRef; run: RunRef; result: StepResult }

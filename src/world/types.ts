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
  /** Several runs started together (agents of one teammate, or teammates at once). */
  | { type: 'concurrent_runs'; runs: Array<{ teammate: string; pack: string }> }
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
}

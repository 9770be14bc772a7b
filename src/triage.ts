import type { GrantEndCause, GrantTruth } from '../mocks/types.ts'
import type { ProviderId } from './manager/contract.ts'
import type { OrgSpec, PackSpec, StepResult, TimelineEvent, TraceStep } from './world/types.ts'

/**
 * Who should act, from a trace alone, following the troubleshooting page's table
 * ("When to contact your admin vs. Glean Support"):
 *
 *   prompted, and one Connect resolves it                    -> no action (normal after a token expires)
 *   prompted every time: prompts that come back after Connect -> the admin (OAuth config or token policy)
 *   clicking Connect fails or shows no authorization screen   -> the admin (misconfigured app, missing approval)
 *   many teammates affected at the same time                  -> support (a platform-level issue)
 *
 * Pure: it reads the steps' results (what teammates saw), the timeline's own events (what support
 * wrote down: revokes, resets, secret rotations, approvals) and the source's truth recorded in the
 * trace. It works on any manager's trace, ours or a user's.
 */
export type TriageVerdict = 'no_action' | 'admin' | 'support'

/** The table row a finding comes from; `quiet` means nobody was prompted or blocked. */
export type TriageRow =
  | 'connect-resolves'
  | 'prompted-every-time'
  | 'connect-fails'
  | 'many-teammates'
  | 'quiet'

export const TRIAGE_ROWS: Record<TriageRow, { verdict: TriageVerdict; words: string }> = {
  'connect-resolves': {
    verdict: 'no_action',
    words: "You're prompted to reconnect and clicking Connect resolves it: no action needed",
  },
  'prompted-every-time': {
    verdict: 'admin',
    words: "You're prompted to reconnect every time you run the action: your admin",
  },
  'connect-fails': {
    verdict: 'admin',
    words: "Clicking Connect fails or doesn't show an authorization screen: your admin",
  },
  'many-teammates': {
    verdict: 'support',
    words: 'Multiple teammates across your organization are affected at the same time: support',
  },
  quiet: { verdict: 'no_action', words: 'Nobody was prompted or blocked: no action needed' },
}

export interface TriageFinding {
  verdict: TriageVerdict
  row: TriageRow
  teammate?: string
  pack?: string
  /** What was seen, in the table's terms. */
  why: string
  /** The most likely cause and what to do, in words a support engineer can paste into a ticket. */
  cause: string
}

export interface TriageReport {
  verdict: TriageVerdict
  /** The row of the deciding finding. */
  row: TriageRow
  /** The deciding finding's cause, ready to paste. */
  cause: string
  findings: TriageFinding[]
}

export interface TriageOptions {
  /** Teammates hit by trouble within this window count as "at the same time". */
  sameTimeWindowMs?: number
  /** How many distinct teammates make it "multiple teammates across your organization". */
  manyTeammates?: number
}

export const SAME_TIME_WINDOW_MS = 60 * 60 * 1000
export const MANY_TEAMMATES = 2

/** One teammate-visible step on one teammate and pack. */
interface Seen {
  index: number
  atMs: number
  teammate: string
  pack: string
  kind: 'run' | 'connect'
  result: StepResult
  truthBefore?: GrantTruth
}

function seenSteps(trace: readonly TraceStep[]): Seen[] {
  const out: Seen[] = []
  for (const step of trace) {
    const { event } = step
    if (event.type === 'run' || event.type === 'connect') {
      out.push({
        index: step.index,
        atMs: step.atMs,
        teammate: event.teammate,
        pack: event.pack,
        kind: event.type,
        result: step.result,
        ...(step.truthBefore ? { truthBefore: step.truthBefore } : {}),
      })
    }
    if (event.type === 'concurrent_runs') {
      for (const [i, r] of event.runs.entries()) {
        const truth = step.truths?.[i]?.before
        out.push({
          index: step.index,
          atMs: step.atMs,
          teammate: r.teammate,
          pack: r.pack,
          kind: 'run',
          result: step.results?.[i] ?? { kind: 'none' },
          ...(truth ? { truthBefore: truth } : {}),
        })
      }
    }
  }
  return out
}

const isPrompt = (r: StepResult) => r.kind === 'outcome' && r.outcome.kind === 'connect_required'
const isOk = (r: StepResult) => r.kind === 'outcome' && r.outcome.kind === 'ok'
const isAdminBlock = (r: StepResult) =>
  r.kind === 'outcome' && r.outcome.kind === 'blocked' && r.outcome.contact === 'admin'
/** Trouble that is nobody's configuration: the source or the product is down or erring. */
const isPlatformTrouble = (r: StepResult) =>
  r.kind === 'manager_error' ||
  r.kind === 'crashed' ||
  (r.kind === 'outcome' &&
    (r.outcome.kind === 'retry_later' || (r.outcome.kind === 'blocked' && r.outcome.contact === 'support')))
/** Connect did not connect, and not because the source was briefly down. */
const connectFailed = (r: StepResult) =>
  r.kind === 'stuck_at_source' || isAdminBlock(r) || isPrompt(r) || r.kind === 'manager_error'

/**
 * Did the product itself clear this teammate's stored credentials after a run (PackSpec.product,
 * TraceStep.productClears)? Such clears never explain a prompt (nobody chose them: they come back after
 * every Connect), but they name the cause.
 */
function productForgot(trace: readonly TraceStep[], teammate: string, pack: string): boolean {
  return trace.some((step) =>
    (step.productClears ?? []).some(
      (c) => c.teammate === teammate && c.pack === pack && c.error === undefined,
    ),
  )
}

/** Does `event` explain a later prompt of `teammate` on `pack` (someone ended or cleared the grant on purpose)? */
function explainsPrompt(event: TimelineEvent, teammate: string, pack: string): boolean {
  if (event.type === 'revoke' || event.type === 'clear_credentials')
    return event.teammate === teammate && event.pack === pack
  return false
}

export function triageTrace(
  trace: readonly TraceStep[],
  org?: OrgSpec,
  options: TriageOptions = {},
): TriageReport {
  const windowMs = options.sameTimeWindowMs ?? SAME_TIME_WINDOW_MS
  const many = options.manyTeammates ?? MANY_TEAMMATES
  const packOf = (id: string) => org?.packs.find((p) => p.id === id)
  const seen = seenSteps(trace)
  const findings: TriageFinding[] = []

  // Many teammates in trouble within one window: support, whatever else is going on. Trouble is a
  // platform error, or a prompt while the source still honoured the grant (nobody's policy did it).
  const troubled = seen.filter(
    (s) =>
      isPlatformTrouble(s.result) ||
      (s.kind === 'run' && isPrompt(s.result) && s.truthBefore?.status === 'alive'),
  )
  for (const s of troubled) {
    const together = [
      ...new Set(troubled.filter((x) => Math.abs(x.atMs - s.atMs) <= windowMs).map((x) => x.teammate)),
    ]
    if (together.length >= many) {
      findings.push({
        verdict: 'support',
        row: 'many-teammates',
        why: `${together.length} teammates affected at the same time (${together.join(', ')})`,
        cause:
          `${together.length} teammates (${together.join(', ')}) hit errors within ${formatWindow(windowMs)} of each other ` +
          'while nothing in their own setup changed. This looks like a platform-level issue: contact support ' +
          'with the time it started and the affected action packs.',
      })
      break
    }
  }

  const pairs = new Map<string, Seen[]>()
  for (const s of seen) {
    const key = `${s.pack}\u0000${s.teammate}`
    const list = pairs.get(key)
    if (list) list.push(s)
    else pairs.set(key, [s])
  }
  for (const list of pairs.values()) {
    const { teammate, pack } = list[0]!
    const spec = packOf(pack)
    const finding = triagePair(trace, list, spec)
    if (finding) findings.push({ ...finding, teammate, pack })
  }

  const deciding =
    findings.find((f) => f.verdict === 'support') ??
    findings.find((f) => f.verdict === 'admin') ??
    findings.find((f) => f.row === 'connect-resolves')
  if (!deciding) {
    return {
      verdict: 'no_action',
      row: 'quiet',
      cause: 'Nobody was prompted or blocked: no action needed.',
      findings,
    }
  }
  return { verdict: deciding.verdict, row: deciding.row, cause: deciding.cause, findings }
}

/** One teammate on one pack: which row of the table their story falls in, if any. */
function triagePair(
  trace: readonly TraceStep[],
  list: readonly Seen[],
  spec: PackSpec | undefined,
): Omit<TriageFinding, 'teammate' | 'pack'> | undefined {
  const { teammate, pack } = list[0]!
  const failedConnect = list.find((s) => s.kind === 'connect' && connectFailed(s.result))
  if (failedConnect) {
    return {
      verdict: 'admin',
      row: 'connect-fails',
      why: 'clicking Connect failed or showed no authorization screen',
      cause: connectFailureCause(trace, failedConnect, spec),
    }
  }
  const blockedRun = list.find((s) => s.kind === 'run' && isAdminBlock(s.result))
  if (blockedRun) {
    return {
      verdict: 'admin',
      row: 'prompted-every-time',
      why: 'runs are blocked on the action pack’s configuration',
      cause: connectFailureCause(trace, blockedRun, spec),
    }
  }

  // Prompts that nobody caused on purpose, after the teammate had connected: they come back.
  let connectedOnce = false
  let explained = false
  let justConnected = false
  const recurring: Seen[] = []
  let stuckRightAfterConnect: Seen | undefined
  let prompts = 0
  let previousIndex = -1
  for (const s of list) {
    for (let i = previousIndex + 1; i < s.index; i++) {
      const e = trace[i]?.event
      if (e && explainsPrompt(e, teammate, pack)) explained = true
      // Time passed: a prompt now is a later episode (expiry), not "Connect did not stick".
      if (e?.type === 'advance' && e.ms > 0) justConnected = false
    }
    previousIndex = s.index
    if (s.kind === 'connect') {
      if (isOk(s.result)) {
        connectedOnce = true
        explained = false
        justConnected = true
      }
      continue
    }
    if (isPrompt(s.result)) {
      prompts++
      if (connectedOnce && !explained) {
        recurring.push(s)
        if (justConnected) stuckRightAfterConnect ??= s
      }
      // Later prompts before the next Connect are the same episode: the teammate has not clicked yet.
      explained = true
    }
    justConnected = false
  }
  if (stuckRightAfterConnect || recurring.length >= 2) {
    const why = stuckRightAfterConnect
      ? 'prompted to reconnect again right after a successful Connect'
      : `prompted to reconnect ${recurring.length} times, each after a successful Connect`
    return {
      verdict: 'admin',
      row: 'prompted-every-time',
      why,
      cause: recurringPromptCause(recurring, spec, productForgot(trace, teammate, pack)),
    }
  }
  if (prompts > 0) {
    return {
      verdict: 'no_action',
      row: 'connect-resolves',
      why: 'prompted to reconnect and Connect resolved it',
      cause:
        'The teammate was asked to reconnect once and Connect resolved it: this is normal after a token expires or is revoked. No action needed.',
    }
  }
  return undefined
}

/** Why Connect (or a run) points at the admin, from what the timeline did to the pack. */
function connectFailureCause(trace: readonly TraceStep[], at: Seen, spec: PackSpec | undefined): string {
  const before = trace.slice(0, at.index).map((s) => s.event)
  let secretStale = false
  let approved = false
  for (const e of before) {
    if (e.type === 'rotate_secret' && e.pack === at.pack) secretStale = true
    if (e.type === 'update_secret' && e.pack === at.pack) secretStale = false
    if (e.type === 'approve_app' && e.pack === at.pack) approved = true
  }
  if (secretStale) {
    return (
      'The custom OAuth app’s client secret was rotated in the source system but not updated in the admin console. ' +
      'An admin must paste the new secret into the action pack (Admin Console → Platform → Actions → the pack); ' +
      'teammates then run again without reconnecting.'
    )
  }
  if (spec?.approvalRequired && !approved) return approvalAdvice(spec.provider)
  return (
    'The OAuth app may be misconfigured or need a site- or org-level approval. An admin should check the action pack’s ' +
    'OAuth app (client id, secret, redirect URL, scopes)' +
    (spec ? ` and the app's settings in ${providerName(spec.provider)}.` : '.')
  )
}

function approvalAdvice(provider: ProviderId): string {
  switch (provider) {
    case 'jira':
      return 'A Jira site admin must authorize the OAuth app for the Atlassian site first; until then other teammates see authorization errors when they connect.'
    case 'salesforce':
      return 'A Salesforce admin must install (or approve) the connected app in the org before teammates can authorize it.'
    case 'slack':
      return 'A Slack workspace admin must approve the app ("Require App Approval" is on) before teammates can install it.'
    case 'google':
      return 'A Google Workspace admin must allow the app in API Controls; until then consent ends in admin_policy_enforced.'
    default:
      return `An admin must approve the OAuth app in ${providerName(provider)} before teammates can connect.`
  }
}

/** Why prompts keep coming back, from what the source said about the grant before each prompt. */
function recurringPromptCause(
  prompts: readonly Seen[],
  spec: PackSpec | undefined,
  productForgot = false,
): string {
  const causes = new Set<GrantEndCause | 'alive' | 'none'>()
  for (const p of prompts) {
    const t = p.truthBefore
    causes.add(t === undefined ? 'none' : t.status === 'ended' ? t.cause : t.status)
  }
  const provider = spec?.provider
  const custom = spec?.setup === 'custom'
  if (productForgot && [...causes].every((c) => c === 'alive' || c === 'none'))
    return (
      'After every run the product cleared the teammate’s stored credentials for this action pack, while ' +
      `${provider ? providerName(provider) : 'the source'} still honoured the grant, so each run asks to Connect again. ` +
      'This comes from the product or the workspace’s configuration, not from the source’s token policy: an admin ' +
      'should verify the action pack’s authentication configuration (nothing should clear stored credentials after a run), ' +
      'and contact support if the issue persists.'
    )
  if (causes.has('refresh_idle_expired') || causes.has('refresh_absolute_expired') || causes.has('policy'))
    return policyAdvice(provider, custom)
  if (causes.has('evicted')) {
    if (provider === 'salesforce')
      return 'Salesforce keeps at most 5 approvals per user per connected app: a sixth authorization silently revokes the oldest. Check whether the same Salesforce user is connected from more than five places (a shared integration user), and give each its own user.'
    if (provider === 'google')
      return 'Google keeps at most 100 refresh tokens per account per OAuth client: the 101st silently invalidates the oldest. Check for something minting a new token on every Connect for the same account.'
    return 'The source evicted older grants for this user. Check how many connections share the same account.'
  }
  if (causes.has('reuse_detected')) {
    if (provider === 'slack')
      return 'The Slack app has token rotation enabled and an already-replaced refresh token was presented again. Make sure rotation is configured correctly per the Slack actions setup guide: the product must store every rotated refresh token.'
    return 'The source saw a refresh token it had already replaced and ended the grant: rotated refresh tokens are not being stored reliably (this needs the product’s support if the configuration is right).'
  }
  if (causes.has('alive'))
    return (
      `${provider ? providerName(provider) : 'The source'} still honoured the teammate’s grant when they were asked to reconnect: ` +
      'the prompt comes from the product, not from the source’s token policy. An admin should verify the action pack’s ' +
      'authentication configuration, and contact support if the issue persists.' +
      (provider === 'zendesk'
        ? ' Zendesk access tokens are long-lived, so teammates should not need to reconnect on a daily basis.'
        : '')
    )
  return custom
    ? `Check the refresh token lifetime policy of the custom OAuth app in ${provider ? providerName(provider) : 'the source system'}; extending it reduces how often teammates must reconnect.`
    : 'Check the source system’s token policy and the action pack’s OAuth configuration.'
}

function policyAdvice(provider: ProviderId | undefined, custom: boolean): string {
  switch (provider) {
    case 'databricks':
      return 'The custom OAuth app’s refresh token lifetime ends the teammates’ grants. Extend the refresh token lifetime of the custom app; Databricks recommends about 90 days (the default is 7 days).'
    case 'salesforce':
      return 'The connected app’s refresh token policy ends the grants. Configure the refresh token policy in the connected app settings in Salesforce (for example "Refresh token is valid until revoked", or a longer idle period).'
    case 'google':
      return 'Google ends these refresh tokens by policy. If the OAuth app is in Testing mode, its refresh tokens expire after 7 days: publish the app, then each teammate connects once more. Unused tokens also expire after 6 months.'
    case 'jira':
      return 'Atlassian ends refresh tokens after 90 days without use and 365 days after the first consent; the policy cannot be changed. If prompts come more often, the product is not refreshing (or not storing rotated tokens): contact support.'
    case 'zendesk':
      return 'Zendesk ended the refresh tokens by their lifetime. Zendesk access tokens are long-lived, so teammates should not need to reconnect daily: verify the action pack’s authentication configuration and contact support if it persists.'
    default:
      return custom
        ? 'The source’s refresh token policy ends the grants. Extend the refresh token lifetime of the custom OAuth app; this reduces how often teammates must reconnect.'
        : 'The source’s token policy ends the grants more often than teammates use the action. Check the source system’s token policy.'
  }
}

const PROVIDER_NAMES: Record<ProviderId, string> = {
  baseline: 'the source system',
  jira: 'Jira (Atlassian)',
  slack: 'Slack',
  salesforce: 'Salesforce',
  google: 'Google',
  zendesk: 'Zendesk',
  databricks: 'Databricks',
}

function providerName(provider: ProviderId): string {
  return PROVIDER_NAMES[provider]
}

function formatWindow(ms: number): string {
  return ms % 3_600_000 === 0
    ? `${ms / 3_600_000} hour${ms === 3_600_000 ? '' : 's'}`
    : `${Math.round(ms / 60_000)} minutes`
}

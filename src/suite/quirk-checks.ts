/**
 * Targeted scripted checks for provider quirks that generated timelines cannot reach (the 100-token
 * eviction, a password change, a deleted client, …). Each check plays one short timeline on the world,
 * with the source's own control surface where the timeline language has no event for the situation,
 * judges every step with the rules the oracle models, and asserts what those rules say about the
 * manager there (it prompts with a reason a teammate can fix, one Connect restores silent runs, it
 * never loops). A check passes only if its quirk fired in the mock, so the quirk counts as exercised.
 * `run` plays them after the generated timelines (src/suite/conformance.ts); docs/REPORT.md lists them.
 */
import { GMAIL_READONLY_SCOPE, type GoogleMock } from '../../mocks/google/index.ts'
import type { MockProvider } from '../../mocks/types.ts'
import type { CreateManager, Outcome, PackDescriptor, ProviderId } from '../manager/contract.ts'
import type { SpecMock } from '../../mocks/spec/index.ts'
import { RULES, ruleAppliesTo } from '../rules/catalogue/index.ts'
import type { RuleDefinition, RuleId } from '../rules/types.ts'
import { DAY_MS, HOUR_MS } from '../clock.ts'
import { isLabError, LabError } from '../errors.ts'
import { consentOnOtherDevice } from '../world/other-device.ts'
import type { OrgSpec, StepResult, TimelineEvent } from '../world/types.ts'
import { createSimulation, playAndJudge, type Simulation } from './play.ts'
import { RuleViolationError } from './violation-error.ts'

export interface QuirkCheckRow {
  quirk: string
  provider: ProviderId
  title: string
  status: 'pass' | 'fail'
  /** Steps judged by the rules plus the check's own assertions. */
  checks: number
  note?: string
}

/** What a check's script gets: play an event (judged by the rules), reach the pack's mock, assert. */
export interface CheckContext {
  play(event: TimelineEvent): Promise<StepResult>
  mock(pack: string): MockProvider
  clientId(pack: string): string
  /** What the pack's admin console holds (client secret, redirect URI, endpoints, scopes). */
  descriptor(pack: string): PackDescriptor
  expect(condition: boolean, message: string): void
}

export interface QuirkCheck {
  quirk: string
  provider: ProviderId
  title: string
  org: OrgSpec
  /** false: the oracle does not model this situation (it lives outside the timeline language), only the check's own assertions judge it. */
  judged: boolean
  script(ctx: CheckContext): Promise<void>
}

/** A check's own assertion failed (caught in runQuirkCheck; never leaves this module). */
const checkFailed = (message: string): LabError => new LabError('RULE_VIOLATED', message)

const outcomeOf = (result: StepResult): Outcome | undefined =>
  result.kind === 'outcome' ? result.outcome : undefined
const isOk = (result: StepResult) => outcomeOf(result)?.kind === 'ok'
const prompts = (result: StepResult) => outcomeOf(result)?.kind === 'connect_required'
const show = (result: StepResult): string => JSON.stringify(outcomeOf(result) ?? result)

const run = (teammate: string, pack: string): TimelineEvent => ({ type: 'run', teammate, pack })
const connect = (teammate: string, pack: string): TimelineEvent => ({ type: 'connect', teammate, pack })
const advance = (ms: number): TimelineEvent => ({ type: 'advance', ms })

/** connect-resolves / expiry-prompts-once: after a prompt, one Connect makes the next run silent again. */
async function expectOneConnectRestores(ctx: CheckContext, teammate: string, pack: string): Promise<void> {
  const connected = await ctx.play(connect(teammate, pack))
  ctx.expect(isOk(connected), `connect-resolves: Connect after the prompt answered ${show(connected)}`)
  const after = await ctx.play(run(teammate, pack))
  ctx.expect(isOk(after), `connect-resolves: the run after one Connect answered ${show(after)} (a loop)`)
}

function googleOf(ctx: CheckContext, pack: string): GoogleMock {
  const mock = ctx.mock(pack)
  if (!('google' in mock)) throw checkFailed(`pack ${pack} is not a Google pack`)
  return mock as GoogleMock
}

/** The pack's mock with its store and clock (every shipped mock is built on the spec kit). */
function specOf(ctx: CheckContext, pack: string): SpecMock {
  const mock = ctx.mock(pack)
  if (!('store' in mock) || !('clock' in mock)) throw checkFailed(`pack ${pack}'s mock has no spec-kit store`)
  return mock as SpecMock
}

/** The refresh token the source holds for a teammate's newest grant (what the manager stored). */
function currentRefreshToken(ctx: CheckContext, pack: string, login: string): string | undefined {
  const families = specOf(ctx, pack).store.familiesOf(login, ctx.clientId(pack))
  return families[families.length - 1]?.currentRefreshToken ?? undefined
}

/** The teammate consents on another device (not through the manager): one code exchange at the source. */
async function consentElsewhere(ctx: CheckContext, pack: string, login: string): Promise<void> {
  const failed = await consentOnOtherDevice(ctx.mock(pack), ctx.descriptor(pack), login)
  if (failed !== undefined) throw checkFailed(failed)
}

const GOOGLE_GMAIL: OrgSpec = {
  teammates: ['ana'],
  packs: [
    { id: 'g', provider: 'google', setup: 'central', scopes: ['openid', 'email', GMAIL_READONLY_SCOPE] },
  ],
}

/** A code-exchange quirk (each provider's dialect for a bad, used or expired code) and its pack. */
const LATE_CALLBACK_QUIRKS: ReadonlyArray<{ quirk: string; provider: ProviderId; dialect: string }> = [
  { quirk: 'slack.invalid-code', provider: 'slack', dialect: 'HTTP 200 ok:false "invalid_code"' },
  {
    quirk: 'jira.bad-code-invalid-request',
    provider: 'jira',
    dialect: '400 invalid_request "authorization_code is invalid"',
  },
  { quirk: 'google.code-errors', provider: 'google', dialect: 'invalid_grant "Bad Request"' },
  {
    quirk: 'salesforce.code-errors',
    provider: 'salesforce',
    dialect: 'invalid_grant "authorization code expired"',
  },
  { quirk: 'databricks.code-failure-shape', provider: 'databricks', dialect: '400 invalid_grant' },
]

/** How long the source's authorization codes live for the pack's client (the mock's policy, 10 or 15 minutes). */
function codeLifetimeMs(ctx: CheckContext, pack: string): number {
  return specOf(ctx, pack).store.policyFor(ctx.clientId(pack)).codeTtlMs
}

/**
 * A Connect whose callback reaches the manager a minute after the code expired (the consent tab was
 * left open, a slow redirect): the source refuses the exchange in its own dialect (the quirk). The
 * teammate must be told to Connect again (connect_required, or retry_later), never ok, never sent to
 * an admin or support, never a manager error; then a normal Connect and a run both succeed.
 */
const lateCallbackChecks: QuirkCheck[] = LATE_CALLBACK_QUIRKS.map(
  ({ quirk, provider, dialect }): QuirkCheck => ({
    quirk,
    provider,
    title: `the Connect callback arrives after the code expired: the source answers ${dialect}, the teammate is asked to Connect again; the next Connect and run succeed`,
    // Slack has no central app (unsupported-setup-rejected): the workspace's own.
    org: {
      teammates: ['ana'],
      packs: [{ id: 'p', provider, setup: provider === 'slack' ? 'custom' : 'central' }],
    },
    // connect-resolves models it: a callback past the code lifetime allows a prompt or retry_later only.
    judged: true,
    async script(ctx) {
      const late = await ctx.play({
        type: 'connect',
        teammate: 'ana',
        pack: 'p',
        callbackDelayMs: codeLifetimeMs(ctx, 'p') + 60_000,
      })
      const o = outcomeOf(late)
      ctx.expect(
        o?.kind === 'connect_required' || o?.kind === 'retry_later',
        `connect-resolves: a Connect whose code expired before the callback answered ${show(late)}, expected connect_required or retry_later (the teammate tries Connect again)`,
      )
      await expectOneConnectRestores(ctx, 'ana', 'p')
    },
  }),
)

export const QUIRK_CHECKS: readonly QuirkCheck[] = [
  {
    quirk: 'google.live-token-limit-100',
    provider: 'google',
    title:
      'the account signs in on 100 other devices: the 101st token evicts the manager’s, which prompts once and one Connect restores',
    org: { teammates: ['ana'], packs: [{ id: 'g', provider: 'google', setup: 'central' }] },
    // The oracle reads the grant the manager holds (src/world/held-grants.ts), not the other devices'.
    judged: true,
    async script(ctx) {
      await ctx.play(connect('ana', 'g'))
      ctx.expect(isOk(await ctx.play(run('ana', 'g'))), 'the first run after Connect is silent')
      const mock = specOf(ctx, 'g')
      // 99 other live tokens of the same account and client, then a 100th other one through the real
      // consent flow: the live count passes 100 there and the oldest (the manager's) is evicted.
      for (let i = 0; i < 99; i++) {
        mock.store.createFamily({
          id: `other-device-${i}`,
          grantId: '',
          login: 'ana',
          clientId: ctx.clientId('g'),
          scope: 'openid email',
          createdAtMs: mock.clock.now(),
          hasRefreshToken: true,
        })
      }
      await consentElsewhere(ctx, 'g', 'ana')
      await ctx.play(advance(2 * HOUR_MS))
      const r = await ctx.play(run('ana', 'g'))
      ctx.expect(prompts(r), `expiry-prompts-once: the evicted token made the run ${show(r)}`)
      await expectOneConnectRestores(ctx, 'ana', 'g')
    },
  },
  {
    quirk: 'salesforce.five-approvals-per-user',
    provider: 'salesforce',
    title: 'six approvals for each of two users: each 6th evicts that user’s oldest, runs stay silent',
    org: { teammates: ['ana', 'ben'], packs: [{ id: 'sf', provider: 'salesforce', setup: 'central' }] },
    judged: true,
    async script(ctx) {
      for (let i = 0; i < 6; i++) {
        await ctx.play(connect('ana', 'sf'))
        await ctx.play(connect('ben', 'sf'))
      }
      await ctx.play(advance(3 * HOUR_MS))
      for (const who of ['ana', 'ben']) {
        const r = await ctx.play(run(who, 'sf'))
        ctx.expect(isOk(r), `silent-refresh: ${who}'s newest approval is alive, the run answered ${show(r)}`)
      }
    },
  },
  {
    quirk: 'jira.absolute-expiry-365-days',
    provider: 'jira',
    title:
      'a run every 30 days for 13 months: the grant dies at day 365 (never idle), one prompt, one Connect',
    org: { teammates: ['ana'], packs: [{ id: 'j', provider: 'jira', setup: 'central' }] },
    judged: true,
    async script(ctx) {
      await ctx.play(connect('ana', 'j'))
      let promptsSeen = 0
      for (let day = 30; day <= 390; day += 30) {
        await ctx.play(advance(30 * DAY_MS))
        const r = await ctx.play(run('ana', 'j'))
        if (prompts(r)) {
          promptsSeen++
          ctx.expect(day > 365, `silent-refresh: prompted on day ${day}, before the 365-day expiry`)
          await expectOneConnectRestores(ctx, 'ana', 'j')
        } else ctx.expect(isOk(r), `day ${day}: the run answered ${show(r)}`)
      }
      ctx.expect(promptsSeen === 1, `policy-sets-the-pace: ${promptsSeen} prompts in 390 days, expected 1`)
    },
  },
  {
    quirk: 'jira.reuse-after-leeway-revokes-family',
    provider: 'jira',
    title:
      'a stale copy of a retired refresh token is replayed 11 minutes after its rotation: Atlassian ends the family, the next run prompts once, one Connect restores',
    org: { teammates: ['ana'], packs: [{ id: 'j', provider: 'jira', setup: 'central' }] },
    // The oracle reads the grant the manager holds (src/world/held-grants.ts): the family's death is visible to it.
    judged: true,
    async script(ctx) {
      await ctx.play(connect('ana', 'j'))
      const retired = currentRefreshToken(ctx, 'j', 'ana')
      ctx.expect(retired !== undefined, 'the source holds a refresh token after Connect')
      await ctx.play(advance(2 * HOUR_MS))
      ctx.expect(isOk(await ctx.play(run('ana', 'j'))), 'the run that rotates the refresh token is silent')
      ctx.expect(currentRefreshToken(ctx, 'j', 'ana') !== retired, 'the refresh rotated the token')
      // Another copy of the credential (a restored backup, a second deployment) replays the retired token
      // after the 10-minute leeway: Auth0's breach detection ends every token of the family.
      await ctx.play(advance(11 * 60_000))
      const d = ctx.descriptor('j')
      const answer = await ctx.mock('j').fetch(d.endpoints.token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'refresh_token',
          refresh_token: retired,
          client_id: d.clientId,
          client_secret: d.clientSecret,
        }),
      })
      ctx.expect(
        answer.status === 403,
        `the replay answered ${answer.status}, Atlassian refuses a refresh with 403`,
      )
      await ctx.play(advance(2 * HOUR_MS))
      const r = await ctx.play(run('ana', 'j'))
      ctx.expect(prompts(r), `revocation-prompts: the ended family made the run ${show(r)}`)
      await expectOneConnectRestores(ctx, 'ana', 'j')
    },
  },
  {
    quirk: 'slack.concurrent-refresh-divergent',
    provider: 'slack',
    title: 'a refresh answer lost, the retry within 1 s with the same token gets a divergent pair; no prompt',
    org: {
      teammates: ['ana'],
      packs: [
        {
          id: 's',
          provider: 'slack',
          setup: 'custom',
          options: { tokenRotation: true, concurrentRefresh: 'divergent' },
        },
      ],
    },
    judged: true,
    async script(ctx) {
      await ctx.play(connect('ana', 's'))
      await ctx.play(advance(13 * HOUR_MS))
      await ctx.play({
        type: 'fault',
        pack: 's',
        endpoint: 'token',
        fault: { kind: 'commit_then_drop' },
        times: 1,
      })
      const first = await ctx.play(run('ana', 's'))
      ctx.expect(!prompts(first), `transient-never-prompts: a lost answer made the run ${show(first)}`)
      await ctx.play(advance(13 * HOUR_MS))
      const later = await ctx.play(run('ana', 's'))
      ctx.expect(isOk(later), `silent-refresh: the installation is alive, the run answered ${show(later)}`)
    },
  },
  {
    quirk: 'google.password-change-revokes-gmail',
    provider: 'google',
    title: 'a password change ends the Gmail grant: the next run prompts, one Connect restores',
    org: GOOGLE_GMAIL,
    judged: true,
    async script(ctx) {
      await ctx.play(connect('ana', 'g'))
      ctx.expect(isOk(await ctx.play(run('ana', 'g'))), 'the first run after Connect is silent')
      googleOf(ctx, 'g').google.changePassword('ana')
      await ctx.play(advance(2 * HOUR_MS))
      const r = await ctx.play(run('ana', 'g'))
      ctx.expect(prompts(r), `expiry-prompts-once: the ended grant made the run ${show(r)}`)
      await expectOneConnectRestores(ctx, 'ana', 'g')
    },
  },
  {
    quirk: 'google.deleted-client',
    provider: 'google',
    title: 'the OAuth client is deleted: the teammate is sent to the admin, never asked to reconnect',
    org: { teammates: ['ana'], packs: [{ id: 'g', provider: 'google', setup: 'custom' }] },
    judged: false,
    async script(ctx) {
      await ctx.play(connect('ana', 'g'))
      googleOf(ctx, 'g').google.deleteClient(ctx.clientId('g'))
      await ctx.play(advance(2 * HOUR_MS))
      for (let i = 0; i < 2; i++) {
        const r = await ctx.play(run('ana', 'g'))
        const o = outcomeOf(r)
        ctx.expect(
          o?.kind === 'blocked' && o.contact === 'admin',
          `secret-mismatch-is-admin: a deleted client is the admin's to fix, the run answered ${show(r)}`,
        )
      }
      googleOf(ctx, 'g').google.restoreClient(ctx.clientId('g'))
      const back = await ctx.play(run('ana', 'g'))
      ctx.expect(isOk(back), `the restored client works without a reconnect, the run answered ${show(back)}`)
    },
  },
  {
    quirk: 'google.admin-policy-enforced',
    provider: 'google',
    title:
      'a Workspace admin restricts the app: prompt, Connect stops at admin_policy_enforced, trust restores',
    org: { teammates: ['ana'], packs: [{ id: 'g', provider: 'google', setup: 'central' }] },
    judged: false,
    async script(ctx) {
      await ctx.play(connect('ana', 'g'))
      const google = googleOf(ctx, 'g').google
      google.restrictApp()
      await ctx.play(advance(2 * HOUR_MS))
      const r = await ctx.play(run('ana', 'g'))
      const o = outcomeOf(r)
      ctx.expect(
        o?.kind === 'connect_required' || (o?.kind === 'blocked' && o.contact === 'admin'),
        `revocation-prompts: the admin ended the grant, the run answered ${show(r)}`,
      )
      const stuck = await ctx.play(connect('ana', 'g'))
      ctx.expect(
        stuck.kind === 'stuck_at_source' || (outcomeOf(stuck)?.kind ?? 'ok') !== 'ok',
        `site-approval-gate: Connect while the app is restricted answered ${show(stuck)}`,
      )
      google.trustApp()
      await expectOneConnectRestores(ctx, 'ana', 'g')
    },
  },
  {
    quirk: 'slack.app-approval-gate',
    provider: 'slack',
    title:
      'consent denial: before the admin approves the app Connect fails; after, a teammate who clicks Deny is told so; Connect then restores',
    org: {
      teammates: ['ana'],
      packs: [{ id: 's', provider: 'slack', setup: 'custom', approvalRequired: true }],
    },
    judged: false,
    async script(ctx) {
      const gated = await ctx.play(connect('ana', 's'))
      ctx.expect(!isOk(gated), `site-approval-gate: Connect before the approval answered ${show(gated)}`)
      await ctx.play({ type: 'approve_app', pack: 's' })
      await expectOneConnectRestores(ctx, 'ana', 's')
      const mock = ctx.mock('s')
      mock.control.setConsentAnswer('ana', {
        kind: 'deny_redirect',
        error: 'access_denied',
        description: 'The user denied the request',
      })
      const denied = outcomeOf(await ctx.play(connect('ana', 's')))
      ctx.expect(
        denied?.kind === 'connect_required' && denied.reason === 'consent_denied',
        `connect-resolves: a denied consent answered ${JSON.stringify(denied)}, expected connect_required consent_denied`,
      )
      mock.control.setConsentAnswer('ana', { kind: 'allow' })
      await expectOneConnectRestores(ctx, 'ana', 's')
    },
  },
  ...(['google', 'salesforce'] as const).map(
    (provider): QuirkCheck => ({
      quirk: `${provider}.revoke-endpoint`,
      provider,
      title:
        'the refresh token is revoked at the provider’s own revocation endpoint: prompt, one Connect restores',
      org: { teammates: ['ana'], packs: [{ id: 'p', provider, setup: 'central' }] },
      judged: true,
      async script(ctx) {
        await ctx.play(connect('ana', 'p'))
        const token = currentRefreshToken(ctx, 'p', 'ana')
        ctx.expect(token !== undefined, 'the source holds a refresh token after Connect')
        const mock = ctx.mock('p')
        const path = provider === 'google' ? '/revoke' : '/services/oauth2/revoke'
        const answer = await mock.fetch(`${mock.issuer}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: token ?? '' }).toString(),
        })
        ctx.expect(answer.status === 200, `the revocation endpoint answered ${answer.status}`)
        await ctx.play(advance(3 * HOUR_MS))
        const r = await ctx.play(run('ana', 'p'))
        ctx.expect(prompts(r), `revocation-prompts: the revoked grant made the run ${show(r)}`)
        await expectOneConnectRestores(ctx, 'ana', 'p')
      },
    }),
  ),
  ...lateCallbackChecks,
]

function judgingRules(provider: ProviderId): RuleDefinition[] {
  return RULES.filter(
    (r) => ruleAppliesTo(r, provider) && (r.judge !== undefined || r.judgeTrace !== undefined),
  )
}

/** Plays one check; it passes only if its own assertions and the rules hold and its quirk fired. */
export async function runQuirkCheck(check: QuirkCheck, createManager: CreateManager): Promise<QuirkCheckRow> {
  const sim: Simulation = createSimulation({
    org: check.org,
    createManager,
    rules: check.judged ? judgingRules(check.provider) : [],
  })
  let checks = 0
  const ctx: CheckContext = {
    async play(event) {
      const step = await playAndJudge(sim, event)
      checks++
      return step.result
    },
    mock: (pack) => sim.world.pack(pack).mock,
    clientId: (pack) => sim.world.pack(pack).clientId,
    descriptor: (pack) => sim.world.pack(pack).descriptor,
    expect(condition, message) {
      checks++
      if (!condition) throw checkFailed(message)
    },
  }
  const base = { quirk: check.quirk, provider: check.provider, title: check.title }
  try {
    await check.script(ctx)
    const fired = firedIn(sim)
    if (fired === 0)
      return {
        ...base,
        status: 'fail',
        checks,
        note: `the quirk ${check.quirk} never fired: the check proves nothing`,
      }
    return { ...base, status: 'pass', checks }
  } catch (error) {
    if (error instanceof RuleViolationError)
      return {
        ...base,
        status: 'fail',
        checks,
        note: error.violations.map((v) => `${v.rule} at step ${v.stepIndex}: ${v.because}`).join('; '),
      }
    if (isLabError(error, 'RULE_VIOLATED')) return { ...base, status: 'fail', checks, note: error.message }
    return {
      ...base,
      status: 'fail',
      checks,
      note: `the check crashed: ${error instanceof Error ? error.message : String(error)}`,
    }
  } finally {
    await sim.world.close()
  }

  function firedIn(s: Simulation): number {
    let n = 0
    for (const pack of s.world.packIds()) n += s.world.pack(pack).mock.quirks?.counts()[check.quirk] ?? 0
    return n
  }
}

export interface QuirkCheckOptions {
  createManager: CreateManager
  providers: readonly ProviderId[]
  /** A `--rule` selection: the checks judge with every rule, so a selective run plays none. */
  rules?: readonly RuleId[]
}

/** Runs the checks of the given providers, in catalogue order (none when the run selects rules). */
export async function runQuirkChecks(options: QuirkCheckOptions): Promise<QuirkCheckRow[]> {
  if (options.rules) return []
  const rows: QuirkCheckRow[] = []
  for (const check of QUIRK_CHECKS)
    if (options.providers.includes(check.provider))
      rows.push(await runQuirkCheck(check, options.createManager))
  return rows
}

/**
 * Quirk coverage: how many times each provider quirk (mocks/<provider>/quirks.ts) fired in the
 * timelines a run played, read from what the sources recorded (requests, error codes, ledgers) and the
 * packs' options, never from inside a mock. A quirk no generated timeline can reach is listed as
 * `unreachable` with the reason; one the harness cannot yet see is `undetected`, never counted as fired.
 */
import { allQuirks } from '../../mocks/quirk-registry.ts'
import type { Quirk } from '../../mocks/quirk.ts'
import type { LedgerEvent, RecordedRequest } from '../../mocks/types.ts'
import type { OrgSpec, PackSpec, TraceStep } from '../world/types.ts'

type Req = RecordedRequest & { pack: string }
type Ledger = LedgerEvent & { pack: string }

/** One way to see a quirk fire in a step, on one pack of the quirk's provider. */
type Detector =
  /** Every answer of this endpoint is shaped by the quirk (a default shape). */
  | { on: 'endpoint'; endpoint: RecordedRequest['endpoint']; grantType?: string; path?: RegExp }
  /** An answer carried this error code. */
  | { on: 'error'; codes: readonly string[]; endpoint?: RecordedRequest['endpoint'] }
  /** The source ended a family for this cause. */
  | { on: 'ended'; causes: readonly string[] }
  /** A refresh presented a token the source had already replaced. */
  | { on: 'presented'; presented: 'retired_within_leeway' | 'retired_after_leeway' }
  /** The pack selected this option value (any non-default value when `value` is absent), and its source answered. */
  | { on: 'option'; name: string; value?: string; endpoint?: RecordedRequest['endpoint'] }
  /** A refresh was issued (the rotation shape) on a pack whose options match. */
  | { on: 'refresh'; option?: { name: string; value: string } }
  /** A scripted fault of this kind was applied to an answer of the source. */
  | { on: 'fault'; kind: string }
  /** The pack needs an admin's approval and someone went to the source's consent page. */
  | { on: 'approval' }
  | { on: 'unreachable'; reason: string }

const token: Detector = { on: 'endpoint', endpoint: 'token' }
const authorize: Detector = { on: 'endpoint', endpoint: 'authorize' }
const api: Detector = { on: 'endpoint', endpoint: 'api' }
const refresh: Detector = { on: 'endpoint', endpoint: 'token', grantType: 'refresh_token' }
const code: Detector = { on: 'endpoint', endpoint: 'token', grantType: 'authorization_code' }
const control = (what: string): Detector => ({
  on: 'unreachable',
  reason: `only through the mock's control surface (${what}), which generated timelines do not use`,
})
const construction = (what: string): Detector => ({
  on: 'unreachable',
  reason: `checked when the mock or pack is created (${what}): rule unsupported-setup-rejected and the mock's own tests`,
})

/**
 * How each quirk is seen. Quirks absent here fall back to their option (an `option` quirk fires when a
 * pack selected a non-default value and its source answered) or are reported `undetected`.
 */
const DETECTORS: Readonly<Record<string, readonly Detector[]>> = {
  'jira.json-token-body': [token],
  'jira.authorize-audience': [authorize],
  'jira.offline-access-for-refresh-token': [code],
  'jira.rotating-refresh-tokens': [refresh],
  'jira.reuse-leeway-10-minutes': [{ on: 'presented', presented: 'retired_within_leeway' }],
  'jira.reuse-after-leeway-revokes-family': [{ on: 'ended', causes: ['reuse_detected'] }],
  'jira.idle-expiry-90-days': [{ on: 'ended', causes: ['refresh_idle_expired'] }],
  'jira.absolute-expiry-365-days': [{ on: 'ended', causes: ['refresh_absolute_expired'] }],
  'jira.refresh-failure-unauthorized-client': [
    { on: 'error', codes: ['unauthorized_client', 'invalid_grant'], endpoint: 'token' },
  ],
  'jira.wrong-secret-access-denied': [
    { on: 'error', codes: ['access_denied', 'invalid_client'], endpoint: 'token' },
  ],
  'jira.bad-code-invalid-request': [{ on: 'error', codes: ['invalid_request'], endpoint: 'token' }],
  'jira.token-type-observed': [token],
  'jira.jwt-access-token': [token],
  'jira.omitted-refresh-token': [{ on: 'fault', kind: 'omit_refresh_token' }],
  'jira.site-admin-approval-gate': [{ on: 'approval' }],
  'jira.accessible-resources-lists-all-sites': [
    { on: 'endpoint', endpoint: 'other', path: /accessible-resources/ },
  ],
  'jira.one-grant-reaches-all-sites': [code],
  'jira.api-via-cloud-id': [{ on: 'endpoint', endpoint: 'api', path: /\/ex\/jira\// }],
  'jira.scope-mismatch-401': [
    {
      on: 'unreachable',
      reason:
        'the manager always asks for the scopes the agent needs; a token without read:jira-user needs a scripted consent that unticks it',
    },
  ],
  'jira.no-revocation-endpoint': [
    {
      on: 'unreachable',
      reason:
        'a property of the source (no route); revocation happens in the world (revoke events), never through an endpoint',
    },
  ],
  'jira.cloud-only': [construction('options.deployment data_center')],
  'slack.http-200-errors': [
    {
      on: 'error',
      codes: [
        'invalid_refresh_token',
        'bad_client_secret',
        'invalid_code',
        'token_revoked',
        'invalid_auth',
        'token_expired',
      ],
    },
  ],
  'slack.form-only-token-body': [token],
  'slack.token-formats': [token],
  'slack.install-nests-user-token': [code],
  'slack.user-scope-only-install': [code],
  'slack.refresh-flat-with-token-type': [refresh],
  'slack.comma-separated-scopes': [authorize],
  'slack.team-in-install-response': [code],
  'slack.invalid-refresh-token': [{ on: 'error', codes: ['invalid_refresh_token'] }],
  'slack.bad-client-secret': [{ on: 'error', codes: ['bad_client_secret'] }],
  'slack.invalid-client-id': [{ on: 'error', codes: ['invalid_client_id'] }],
  'slack.invalid-code': [{ on: 'error', codes: ['invalid_code'] }],
  'slack.bad-redirect-uri': [{ on: 'error', codes: ['bad_redirect_uri'] }],
  'slack.invalid-grant-type': [{ on: 'error', codes: ['invalid_grant_type'] }],
  'slack.api-ok-false': [api],
  'slack.auth-revoke': [{ on: 'endpoint', endpoint: 'revoke' }],
  'slack.refresh-token-never-expires': [{ on: 'refresh', option: { name: 'tokenRotation', value: 'true' } }],
  'slack.token-rotation': [{ on: 'option', name: 'tokenRotation', value: 'true', endpoint: 'token' }],
  'slack.non-expiring-without-rotation': [
    { on: 'option', name: 'tokenRotation', value: 'false', endpoint: 'api' },
  ],
  'slack.concurrent-refresh-divergent': [
    { on: 'option', name: 'concurrentRefresh', value: 'divergent', endpoint: 'token' },
  ],
  'slack.app-approval-gate': [{ on: 'approval' }],
  'salesforce.no-expires-in': [token],
  'salesforce.issued-at-ms-string': [token],
  'salesforce.signature': [token],
  'salesforce.instance-url-and-id': [token],
  'salesforce.refresh-token-needs-scope': [code],
  'salesforce.refresh-omits-refresh-token': [{ on: 'refresh', option: { name: 'rtr', value: 'false' } }],
  'salesforce.rtr-reuse-revokes-family': [{ on: 'ended', causes: ['reuse_detected'] }],
  'salesforce.five-approvals-per-user': [{ on: 'ended', causes: ['evicted'] }],
  'salesforce.invalid-session-id': [
    { on: 'error', codes: ['INVALID_SESSION_ID', 'invalid_token'], endpoint: 'api' },
  ],
  'salesforce.token-errors-are-400': [
    { on: 'error', codes: ['invalid_grant', 'invalid_client', 'invalid_client_id'], endpoint: 'token' },
  ],
  'salesforce.wrong-secret-invalid-client-credentials': [
    { on: 'error', codes: ['invalid_client'], endpoint: 'token' },
  ],
  'salesforce.unknown-client-invalid-client-id': [{ on: 'error', codes: ['invalid_client_id'] }],
  'salesforce.dead-refresh-token-message': [{ on: 'error', codes: ['invalid_grant'], endpoint: 'token' }],
  'salesforce.code-errors': [{ on: 'error', codes: ['invalid_grant'], endpoint: 'token' }],
  'salesforce.revoke-endpoint': [{ on: 'endpoint', endpoint: 'revoke' }],
  'salesforce.user-and-admin-revocation': [{ on: 'ended', causes: ['revoked_by_user', 'revoked_by_admin'] }],
  'salesforce.connected-apps-are-independent': [
    { on: 'option', name: 'indexingConnector', value: 'true', endpoint: 'token' },
  ],
  'google.refresh-token-never-rotates': [refresh],
  'google.refresh-token-on-first-consent-only': [code],
  'google.offline-access-required': [authorize],
  'google.access-token-shape': [token],
  'google.unused-six-months': [{ on: 'ended', causes: ['refresh_idle_expired'] }],
  'google.testing-mode-spares-sign-in-scopes': [
    { on: 'option', name: 'publishingStatus', value: 'testing', endpoint: 'token' },
  ],
  'google.live-token-limit-100': [{ on: 'ended', causes: ['evicted'] }],
  'google.password-change-revokes-gmail': [control('google.changePassword')],
  'google.invalid-rapt': [{ on: 'ended', causes: ['policy'] }],
  'google.wrong-secret-401-unauthorized': [{ on: 'error', codes: ['invalid_client'], endpoint: 'token' }],
  'google.unknown-client-not-found': [
    {
      on: 'unreachable',
      reason:
        "the harness always registers the pack's client; an unknown client id needs a misconfigured pack, refused earlier",
    },
  ],
  'google.deleted-client': [control('google.deleteClient')],
  'google.dead-refresh-token-message': [{ on: 'error', codes: ['invalid_grant'], endpoint: 'token' }],
  'google.code-errors': [{ on: 'error', codes: ['invalid_grant'], endpoint: 'token' }],
  'google.revoke-endpoint': [{ on: 'endpoint', endpoint: 'revoke' }],
  'google.api-error-shapes': [
    { on: 'error', codes: ['UNAUTHENTICATED', 'invalid_token'], endpoint: 'api' },
    api,
  ],
  'google.admin-policy-enforced': [
    { on: 'option', name: 'adminPolicyEnforced', value: 'true', endpoint: 'authorize' },
  ],
  'google.no-domain-wide-delegation': [construction('options.domainWideDelegation')],
  'zendesk.subdomain-endpoints': [token],
  'zendesk.token-type-lowercase': [token],
  'zendesk.legacy-opt-in-with-expires-in': [
    { on: 'option', name: 'tokens', value: 'legacy', endpoint: 'token' },
  ],
  'zendesk.at-jwt-access-tokens': [{ on: 'option', name: 'tokens', value: 'expiring', endpoint: 'token' }],
  'zendesk.expires-in-only-when-requested': [token],
  'zendesk.default-lifetimes': [{ on: 'option', name: 'tokens', value: 'expiring', endpoint: 'token' }],
  'zendesk.requested-lifetimes-clamped': [token],
  'zendesk.refresh-deletes-previous-tokens': [refresh],
  'zendesk.refresh-failure-invalid-grant': [{ on: 'error', codes: ['invalid_grant'], endpoint: 'token' }],
  'zendesk.invalid-client': [{ on: 'error', codes: ['invalid_client'], endpoint: 'token' }],
  'zendesk.api-invalid-token': [{ on: 'error', codes: ['invalid_token'], endpoint: 'api' }],
  'zendesk.revoke-by-token-id': [{ on: 'endpoint', endpoint: 'revoke' }],
  'zendesk.revoke-current-no-op': [{ on: 'endpoint', endpoint: 'revoke' }],
  'zendesk.new-authorization-keeps-old-tokens': [code],
  'databricks.workspace-oidc-endpoints': [token],
  'databricks.oidc-discovery': [{ on: 'endpoint', endpoint: 'metadata' }],
  'databricks.ttl-policy-ranges': [construction('the token access policy of a custom app integration')],
  'databricks.default-lifetimes': [token],
  'databricks.refresh-ttl-from-issuance': [
    { on: 'refresh', option: { name: 'singleUseRefreshTokens', value: 'false' } },
  ],
  'databricks.absolute-session-lifetime': [{ on: 'ended', causes: ['refresh_absolute_expired'] }],
  'databricks.offline-access-for-refresh-token': [code],
  'databricks.token-response-shape': [token],
  'databricks.refresh-failure-invalid-request': [
    { on: 'error', codes: ['invalid_request', 'invalid_grant'], endpoint: 'token' },
  ],
  'databricks.client-auth-failure-error-id': [{ on: 'error', codes: ['invalid_client'], endpoint: 'token' }],
  'databricks.code-failure-shape': [
    { on: 'error', codes: ['invalid_grant', 'invalid_request'], endpoint: 'token' },
  ],
  'databricks.api-invalid-token-403': [{ on: 'endpoint', endpoint: 'api' }],
}

/** What `quirkCoverage` in the report holds (counts sum across shards). */
export interface QuirkCoverage {
  /** Quirk id -> times it fired (steps in which it was seen, summed over every timeline). */
  fired: Record<string, number>
  /** Quirks no generated timeline can reach, with the reason. */
  unreachable: Record<string, string>
  /** Quirks the harness has no way to see yet: neither fired nor explained. */
  undetected: string[]
}

function optionValue(pack: PackSpec, name: string): string | undefined {
  const v = pack.options?.[name]
  return v === undefined ? undefined : String(v)
}

function detectorsOf(quirk: Quirk): readonly Detector[] {
  const own = DETECTORS[quirk.id]
  if (own) return own
  if (quirk.kind === 'option' && quirk.option) return [{ on: 'option', name: quirk.option.name }]
  return []
}

function fires(
  detector: Detector,
  quirk: Quirk,
  pack: PackSpec,
  requests: readonly Req[],
  ledger: readonly Ledger[],
): boolean {
  switch (detector.on) {
    case 'endpoint':
      return requests.some(
        (r) =>
          r.endpoint === detector.endpoint &&
          (detector.grantType === undefined || r.grantType === detector.grantType) &&
          (detector.path === undefined || detector.path.test(r.path)),
      )
    case 'error':
      return requests.some(
        (r) =>
          r.error !== undefined &&
          (detector.codes.length === 0 || detector.codes.includes(r.error)) &&
          (detector.endpoint === undefined || r.endpoint === detector.endpoint),
      )
    case 'ended':
      return ledger.some((e) => e.type === 'family_ended' && detector.causes.includes(e.cause))
    case 'presented':
      return ledger.some((e) => e.type === 'refresh' && e.presented === detector.presented)
    case 'option': {
      const value = optionValue(pack, detector.name)
      const chosen =
        detector.value !== undefined
          ? value === detector.value || (value === undefined && quirk.option?.default === detector.value)
          : value !== undefined && value !== quirk.option?.default
      return (
        chosen && requests.some((r) => detector.endpoint === undefined || r.endpoint === detector.endpoint)
      )
    }
    case 'refresh': {
      const o = detector.option
      const value = o === undefined ? undefined : (optionValue(pack, o.name) ?? 'false')
      return (
        (o === undefined || value === o.value) &&
        ledger.some((e) => e.type === 'refresh' && e.result === 'issued')
      )
    }
    case 'fault':
      return requests.some((r) => r.fault === detector.kind)
    case 'approval':
      return pack.approvalRequired === true && requests.some((r) => r.endpoint === 'authorize')
    case 'unreachable':
      return false
  }
}

/** Accumulates quirk firings over the traces a run plays (one collector per run, or per shard). */
export class QuirkCoverageCollector {
  private readonly fired = new Map<string, number>()
  private readonly quirks = allQuirks()

  observe(trace: readonly TraceStep[], org: OrgSpec): void {
    for (const pack of org.packs) {
      const quirks = this.quirks.filter((q) => q.provider === pack.provider)
      if (quirks.length === 0) continue
      for (const step of trace) {
        const requests = step.requests.filter((r) => r.pack === pack.id)
        const ledger = step.ledger.filter((e) => e.pack === pack.id)
        if (requests.length === 0 && ledger.length === 0) continue
        for (const quirk of quirks) {
          if (detectorsOf(quirk).some((d) => fires(d, quirk, pack, requests, ledger)))
            this.fired.set(quirk.id, (this.fired.get(quirk.id) ?? 0) + 1)
        }
      }
    }
  }

  /** The counts so far, as plain data (a timeline chunk's share; crosses worker threads and shards). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.fired)
  }

  /** Adds counts another collector recorded (a chunk, a worker, a shard). */
  add(counts: Readonly<Record<string, number>>): void {
    for (const [id, n] of Object.entries(counts)) this.fired.set(id, (this.fired.get(id) ?? 0) + n)
  }

  /** The coverage of the providers that were run (their quirks only). */
  report(providers: readonly string[]): QuirkCoverage {
    const coverage: QuirkCoverage = { fired: {}, unreachable: {}, undetected: [] }
    for (const quirk of this.quirks.filter((q) => providers.includes(q.provider))) {
      const n = this.fired.get(quirk.id) ?? 0
      const unreachable = detectorsOf(quirk).find((d) => d.on === 'unreachable')
      if (n > 0) coverage.fired[quirk.id] = n
      else if (unreachable?.on === 'unreachable') coverage.unreachable[quirk.id] = unreachable.reason
      else if (detectorsOf(quirk).length === 0) coverage.undetected.push(quirk.id)
      else coverage.fired[quirk.id] = 0
    }
    return coverage
  }
}

import type { TimelineEvent } from '../../world/types.ts'
import type { OrgSpec } from '../../world/types.ts'
import { type TriageVerdict, triageTrace } from '../../triage.ts'
import type { RuleDefinition } from '../types.ts'

interface TableRow {
  row: string
  verdict: TriageVerdict
  teammates: string[]
  /** Needs a custom pack (secret rotation). */
  custom: boolean
  events: (pack: string) => TimelineEvent[]
}

/** One scripted timeline per row of the troubleshooting page's "admin vs support" table. */
const ROWS: TableRow[] = [
  {
    row: "You're prompted to reconnect and clicking Connect resolves it: no action needed",
    verdict: 'no_action',
    teammates: ['alice'],
    custom: false,
    events: (pack) => [
      { type: 'connect', teammate: 'alice', pack },
      { type: 'revoke', teammate: 'alice', pack, by: 'user' },
      { type: 'run', teammate: 'alice', pack },
      { type: 'connect', teammate: 'alice', pack },
      { type: 'run', teammate: 'alice', pack },
    ],
  },
  {
    row: "Clicking Connect fails or doesn't show an authorization screen: your admin",
    verdict: 'admin',
    teammates: ['alice'],
    custom: true,
    events: (pack) => [
      { type: 'rotate_secret', pack },
      { type: 'connect', teammate: 'alice', pack },
    ],
  },
  {
    row: 'Multiple teammates across your organization are affected at the same time: Glean Support',
    verdict: 'support',
    teammates: ['alice', 'bob', 'carol'],
    custom: false,
    events: (pack) => [
      ...['alice', 'bob', 'carol'].map((t) => ({ type: 'connect' as const, teammate: t, pack })),
      { type: 'fault', pack, endpoint: 'api', fault: { kind: 'http_error', status: 503 }, times: 3 },
      ...['alice', 'bob', 'carol'].map((t) => ({ type: 'run' as const, teammate: t, pack })),
    ],
  },
]

export const triageMatchesTable: RuleDefinition = {
  id: 'triage-matches-table',
  statement:
    "Triage over a trace matches the source's table: one prompt fixed by Connect is no action; a prompt on every run, or Connect failing, is admin; many teammates at once is support.",
  source: 'Troubleshooting page, "When to contact your admin vs. Glean Support".',
  providers: 'all',
  async standalone({ provider, profile, createManager, harness }) {
    const pack = profile.packIds[0]!
    let checks = 0
    for (const row of ROWS) {
      const org: OrgSpec = {
        teammates: row.teammates,
        packs: [{ id: pack, provider, setup: row.custom || provider === 'slack' ? 'custom' : 'central' }],
      }
      const run = await harness.playScripted({
        org,
        createManager,
        rules: [],
        async script(play) {
          for (const event of row.events(pack)) await play(event)
        },
      })
      checks++
      const triage = triageTrace(run.trace, org)
      if (triage.verdict !== row.verdict) {
        const because = `table row "${row.row}": triage said ${triage.verdict} (${triage.findings.map((f) => f.why).join('; ') || 'no findings'})`
        return {
          status: 'fail',
          runs: checks,
          checks,
          counterexample: harness.scriptedCounterexample('triage-matches-table', provider, org, run, [
            {
              rule: 'triage-matches-table',
              stepIndex: run.trace.length - 1,
              because,
              allowed: [],
              actual: { kind: 'none' },
            },
          ]),
          note: because,
        }
      }
    }
    return { status: 'pass', runs: checks, checks }
  },
}

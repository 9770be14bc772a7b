import { DAY_MS } from '../../clock.ts'
import type { CreateManager } from '../../manager/contract.ts'
import type { OrgSpec, TimelineEvent } from '../../world/types.ts'
import { TRIAGE_ROWS, type TriageReport, type TriageRow, triageTrace } from '../../triage.ts'
import type { RuleDefinition } from '../types.ts'

interface TableRow {
  row: TriageRow
  teammates: string[]
  /** Needs a custom pack (secret rotation). */
  custom: boolean
  events: (pack: string) => TimelineEvent[]
  /** How the product behaves in this row; default: the manager under test as it is. */
  product?: (inner: CreateManager) => CreateManager
}

/**
 * A product whose configuration loses every teammate's credentials after each run (a misconfigured
 * action pack): Connect fixes it, and the next run prompts again. Built on the manager under test, so
 * the row is played on that manager's dialect of the source.
 */
const forgetsAfterEveryRun =
  (inner: CreateManager): CreateManager =>
  (env) => {
    const manager = inner(env)
    return {
      ...manager,
      async run(teammate, pack, callApi) {
        const outcome = await manager.run(teammate, pack, callApi)
        await manager.clearCredentials(teammate, pack)
        return outcome
      },
    }
  }

/** One scripted timeline per row of the troubleshooting page's "admin vs support" table. */
const ROWS: TableRow[] = [
  {
    row: 'connect-resolves',
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
    row: 'connect-fails',
    teammates: ['alice'],
    custom: true,
    events: (pack) => [
      { type: 'rotate_secret', pack },
      { type: 'connect', teammate: 'alice', pack },
    ],
  },
  {
    row: 'many-teammates',
    teammates: ['alice', 'bob', 'carol'],
    custom: false,
    events: (pack) => [
      ...['alice', 'bob', 'carol'].map((t) => ({ type: 'connect' as const, teammate: t, pack })),
      { type: 'fault', pack, endpoint: 'api', fault: { kind: 'http_error', status: 503 }, times: 3 },
      ...['alice', 'bob', 'carol'].map((t) => ({ type: 'run' as const, teammate: t, pack })),
    ],
  },
  {
    row: 'prompted-every-time',
    teammates: ['alice'],
    custom: false,
    product: forgetsAfterEveryRun,
    events: (pack) => [
      { type: 'connect', teammate: 'alice', pack },
      ...[1, 2, 3].flatMap((): TimelineEvent[] => [
        { type: 'run', teammate: 'alice', pack },
        { type: 'advance', ms: DAY_MS },
        { type: 'run', teammate: 'alice', pack },
        { type: 'connect', teammate: 'alice', pack },
      ]),
    ],
  },
]

export type Triage = (trace: Parameters<typeof triageTrace>[0], org: OrgSpec) => TriageReport

/**
 * The rule checks triage itself (a harness function) against the four rows of the page's table, each
 * played on the manager under test. `triage` is a parameter so a test can show the rule failing on a
 * broken triage.
 */
export function createTriageMatchesTable(triage: Triage = triageTrace): RuleDefinition {
  return {
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
          createManager: row.product ? row.product(createManager) : createManager,
          rules: [],
          async script(play) {
            for (const event of row.events(pack)) await play(event)
          },
        })
        checks++
        const report = triage(run.trace, org)
        const want = TRIAGE_ROWS[row.row]
        if (report.verdict !== want.verdict || report.row !== row.row) {
          const because = `table row "${want.words}": triage said ${report.verdict} (${report.row}: ${report.findings.map((f) => f.why).join('; ') || 'no findings'})`
          return {
            status: 'fail',
            runs: checks,
            checks,
            counterexample: harness.scriptedCounterexample(
              'triage-matches-table',
              provider,
              org,
              run,
              [
                {
                  rule: 'triage-matches-table',
                  stepIndex: run.trace.length - 1,
                  because,
                  allowed: [],
                  actual: { kind: 'none' },
                },
              ],
              {
                expected: { triage: { verdict: want.verdict, row: row.row } },
                ...(row.product
                  ? {
                      unreplayable: `the "${row.row}" row plays the manager wrapped to forget every teammate's credentials after each run (a misconfigured pack), which a scenario file cannot say: the file replays the manager as it is`,
                    }
                  : {}),
              },
            ),
            note: because,
          }
        }
      }
      return { status: 'pass', runs: checks, checks }
    },
  }
}

export const triageMatchesTable: RuleDefinition = createTriageMatchesTable()

import { DAY_MS, HOUR_MS } from '../../clock.ts'
import type { ProductSpec } from '../../world/product.ts'
import type { OrgSpec, TimelineEvent } from '../../world/types.ts'
import { TRIAGE_ROWS, type TriageReport, type TriageRow, triageTrace } from '../../triage.ts'
import type { RuleDefinition } from '../types.ts'

interface TableRow {
  row: TriageRow
  teammates: string[]
  /** Needs a custom pack (secret rotation). */
  custom: boolean
  events: (pack: string) => TimelineEvent[]
  /**
   * How the product around the manager behaves in this row (PackSpec.product); default: it keeps what
   * the manager stored. A pack setting, so the row's counterexample is a scenario file that replays.
   */
  product?: ProductSpec
}

/**
 * A product that loses every teammate's credentials after each run (a misbehaving product or a
 * misconfigured workspace): Connect fixes it, and the next run prompts again. The world clears the
 * store through the console's path, so the manager under test plays the row in its own dialect.
 */
const FORGETS_AFTER_EVERY_RUN: ProductSpec = { forgetsCredentialsAfterRun: true }

const CAST = ['alice', 'bob', 'carol'] as const

/** The first `n` of the cast: alice is the one the row is about, the others are bystanders. */
const castOf = (n: number): string[] => CAST.slice(0, n)

/** Bystanders connect and run once, quietly, before the row's trouble: they must not change the verdict. */
const bystanders = (teammates: readonly string[], pack: string): TimelineEvent[] =>
  teammates
    .filter((t) => t !== 'alice')
    .flatMap((t): TimelineEvent[] => [
      { type: 'connect', teammate: t, pack },
      { type: 'run', teammate: t, pack },
    ])

const gapEvents = (ms: number): TimelineEvent[] => (ms > 0 ? [{ type: 'advance', ms }] : [])

/**
 * Scripted timelines for each row of the troubleshooting page's "admin vs support" table, each row in
 * several distinct situations (what ended the grant, who else is in the org, how long between steps,
 * which 5xx, how many attempts), so the rule's pass says something about each row.
 */
function tableRows(): TableRow[] {
  const rows: TableRow[] = []
  // One prompt, fixed by one Connect: a revocation (by the user or an admin) or an admin reset.
  const causes: Array<(pack: string) => TimelineEvent> = [
    (pack) => ({ type: 'revoke', teammate: 'alice', pack, by: 'user' }),
    (pack) => ({ type: 'revoke', teammate: 'alice', pack, by: 'admin' }),
    (pack) => ({ type: 'clear_credentials', teammate: 'alice', pack }),
  ]
  for (const cause of causes)
    for (const size of [1, 2, 3]) {
      // An hour between the trouble and the run in the two-teammate org (each row costs a world).
      const gap = size === 2 ? HOUR_MS : 0
      const teammates = castOf(size)
      rows.push({
        row: 'connect-resolves',
        teammates,
        custom: false,
        events: (pack) => [
          { type: 'connect', teammate: 'alice', pack },
          ...bystanders(teammates, pack),
          cause(pack),
          ...gapEvents(gap),
          { type: 'run', teammate: 'alice', pack },
          { type: 'connect', teammate: 'alice', pack },
          { type: 'run', teammate: 'alice', pack },
        ],
      })
    }
  // Connect fails: the source no longer takes the secret the console holds.
  for (const before of [false, true])
    for (const attempts of [1, 2])
      for (const gap of [0, HOUR_MS])
        rows.push({
          row: 'connect-fails',
          teammates: ['alice'],
          custom: true,
          events: (pack) => [
            ...(before
              ? ([
                  { type: 'connect', teammate: 'alice', pack },
                  { type: 'run', teammate: 'alice', pack },
                ] satisfies TimelineEvent[])
              : []),
            { type: 'rotate_secret', pack },
            ...gapEvents(gap),
            ...Array.from(
              { length: attempts },
              (): TimelineEvent => ({ type: 'connect', teammate: 'alice', pack }),
            ),
          ],
        })
  // Many teammates at once: the source's API erring for everyone.
  for (const status of [500, 502, 503, 504])
    for (const size of [2, 3]) {
      const teammates = castOf(size)
      rows.push({
        row: 'many-teammates',
        teammates,
        custom: false,
        events: (pack) => [
          ...teammates.map((t): TimelineEvent => ({ type: 'connect', teammate: t, pack })),
          { type: 'fault', pack, endpoint: 'api', fault: { kind: 'http_error', status }, times: size },
          ...teammates.map((t): TimelineEvent => ({ type: 'run', teammate: t, pack })),
        ],
      })
    }
  // Prompted every time: a product that loses the credentials after each run.
  for (const cycles of [2, 3])
    for (const gap of [HOUR_MS, DAY_MS])
      for (const size of [1, 2]) {
        const teammates = castOf(size)
        rows.push({
          row: 'prompted-every-time',
          teammates,
          custom: false,
          product: FORGETS_AFTER_EVERY_RUN,
          events: (pack) => [
            { type: 'connect', teammate: 'alice', pack },
            ...bystanders(teammates, pack),
            ...Array.from({ length: cycles }).flatMap((): TimelineEvent[] => [
              { type: 'run', teammate: 'alice', pack },
              { type: 'advance', ms: gap },
              { type: 'run', teammate: 'alice', pack },
              { type: 'connect', teammate: 'alice', pack },
            ]),
          ],
        })
      }
  return rows
}

const ROWS: readonly TableRow[] = tableRows()

/**
 * Why a catch of a triage other than the real one says its file is no faithful replay: the file's
 * expectations are judged by the real triage (replay.ts), so on it the same trace passes.
 */
export const BROKEN_TRIAGE =
  'the triage under test, not the manager, broke the rule; a scenario file replays managers, and its expected verdict is judged by the real triage'

export type Triage = (trace: Parameters<typeof triageTrace>[0], org: OrgSpec) => TriageReport

/**
 * The rule checks triage itself (a harness function) against the four rows of the page's table, each
 * row in several situations (ROWS: 33 scripted timelines, one check each), played on the manager under
 * test. `triage` is a parameter so a test can show the rule failing on a broken triage; such a catch
 * is the triage's, which no scenario file replays (BROKEN_TRIAGE).
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
          packs: [
            {
              id: pack,
              provider,
              setup: row.custom || provider === 'slack' ? 'custom' : 'central',
              ...(row.product ? { product: row.product } : {}),
            },
          ],
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
                ...(triage !== triageTrace ? { unreplayable: BROKEN_TRIAGE } : {}),
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

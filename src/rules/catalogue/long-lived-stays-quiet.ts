import { DAY_MS, HOUR_MS } from '../../clock.ts'
import type { OrgSpec } from '../../world/types.ts'
import { OK } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

const DAYS = 365

/** Every run of a daily Zendesk user must succeed: the quiet the troubleshooting page promises. */
const everyRunOk: RuleDefinition = {
  id: 'long-lived-stays-quiet',
  statement: '',
  source: '',
  providers: ['zendesk'],
  judge: (s) =>
    s.kind === 'run'
      ? { allowed: [OK], because: 'a teammate who uses Zendesk daily is never asked to reconnect' }
      : undefined,
}

/**
 * Its power is the scripted year of daily use (legacy and expiring tokens), which generated timelines
 * never reach. Its former per-run judge was silent-refresh narrowed to Zendesk, so it could fail only
 * where silent-refresh fails: it was dropped (docs/RULES.md).
 */
export const longLivedStaysQuiet: RuleDefinition = {
  id: 'long-lived-stays-quiet',
  statement:
    'Zendesk teammates who use it daily are not asked to reconnect, on legacy non-expiring and on new expiring tokens alike.',
  source:
    'Troubleshooting page, Zendesk: "Zendesk access tokens are long-lived, so teammates should not need to reconnect Zendesk actions on a daily basis."',
  providers: ['zendesk'],
  async standalone({ provider, profile, createManager, harness }) {
    const pack = profile.packIds[0]!
    let checks = 0
    for (const tokens of ['legacy', 'expiring'] as const) {
      const org: OrgSpec = {
        teammates: ['alice'],
        packs: [{ id: pack, provider, setup: 'custom', options: { tokens } }],
      }
      const run = await harness.playScripted({
        org,
        createManager,
        rules: [everyRunOk],
        async script(play) {
          await play({ type: 'connect', teammate: 'alice', pack })
          for (let day = 1; day <= DAYS; day++) {
            // Daily, at a slightly different hour each day, as people do.
            await play({ type: 'advance', ms: DAY_MS + ((day % 5) - 2) * HOUR_MS })
            await play({ type: 'run', teammate: 'alice', pack })
            checks++
          }
        },
      })
      if (run.violations.length > 0) {
        return {
          status: 'fail',
          runs: 2,
          checks,
          // Every run of the year must be silent: the file says so of each run, and its replay judges by it.
          counterexample: harness.scriptedCounterexample('long-lived-stays-quiet', provider, org, run, [], {
            expected: { outcomes: run.events.map((e) => (e.type === 'run' ? 'ok' : undefined)) },
          }),
          note: `a daily user on ${tokens} tokens was asked to reconnect`,
        }
      }
    }
    return { status: 'pass', runs: 2, checks }
  },
}

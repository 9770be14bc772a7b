import type { CreateManager, ProviderId } from '../manager/contract.ts'
import { RULES, ruleAppliesTo, ruleIsChecked } from '../rules/catalogue/index.ts'
import type { RuleDefinition, RuleId } from '../rules/types.ts'
import { LabError } from '../errors.ts'
import { checkProvider, type RuleOutcome } from './check-provider.ts'
import { profileFor, profiledProviders } from './profiles.ts'
import { type QuirkCheckRow, runQuirkChecks } from './quirk-checks.ts'
import { collectQuirkTally, type QuirkCoverage } from './quirk-coverage.ts'

export const TOOL_NAME = 'reconnect-lab'
export const TOOL_VERSION = '0.1.0'

export interface ConformanceOptions {
  createManager: CreateManager
  /** What the report calls the manager: `reference` or the module path. */
  managerLabel: string
  seed: number
  runs: number
  /** Scheduled interleavings per provider for the rules that explore them; absent: max(runs, 1000). */
  interleavings?: number
  providers?: readonly ProviderId[]
  rules?: readonly RuleId[]
  onProgress?: (event: ProgressEvent) => void
}

export type ProgressEvent =
  | { type: 'provider_start'; provider: ProviderId; rules: number; runs: number }
  | { type: 'run'; provider: ProviderId }
  | { type: 'provider_done'; provider: ProviderId; outcomes: RuleOutcome[] }

export interface ConformanceReport {
  tool: string
  version: string
  seed: number
  runs: number
  manager: string
  /** The manager's rule rows; `summary` counts these only. */
  rules: RuleOutcome[]
  summary: { passed: number; failed: number; skipped: number }
  /**
   * Checks of reconnect-lab itself (rules with `subject: 'harness'`, e.g. unsupported-setup-rejected):
   * reported apart, never a pass for the manager. Same row shape as `rules`.
   */
  harness?: RuleOutcome[]
  /** How often each provider quirk fired in this run, counted by the mocks, or why it cannot (quirk-coverage.ts). */
  quirkCoverage?: QuirkCoverage
  /** Scripted checks for quirks generated timelines cannot reach (quirk-checks.ts); a failure fails `run`. */
  quirkChecks?: QuirkCheckRow[]
  /**
   * Passing rule/provider rows with fewer than WEAK_CHECKS checks: exercised, but weakly. `run` warns.
   * (Recomputed from `rules` when reports are merged.)
   */
  weaklyExercised?: Array<{ rule: RuleId; provider: string; checks: number }>
}

/** Fewer checks than this on a passing rule/provider row is a weakly exercised pair. */
export const WEAK_CHECKS = 30

/** Mixes the suite seed with the provider's name, so adding a provider never changes another's timelines. */
export function providerSeed(seed: number, provider: string): number {
  let h = seed | 0
  for (let i = 0; i < provider.length; i++) h = Math.imul(h ^ provider.charCodeAt(i), 0x5bd1e995) | 0
  return h
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const providers = options.providers ?? profiledProviders()
  const outcomes: RuleOutcome[] = []
  const harness: RuleOutcome[] = []
  const quirks = collectQuirkTally()
  for (const provider of providers) {
    const profile = profileFor(provider)
    if (!profile)
      throw new LabError(
        'UNKNOWN_PROVIDER',
        `provider "${provider}" has no conformance profile yet (have: ${profiledProviders().join(', ')})`,
      )
    const applicable = RULES.filter(
      (r) => ruleAppliesTo(r, provider) && (!options.rules || options.rules.includes(r.id)),
    )
    const notApplicable = profile.notApplicable ?? {}
    const checked: RuleDefinition[] = applicable.filter(
      (r) => ruleIsChecked(r) && notApplicable[r.id] === undefined,
    )
    options.onProgress?.({ type: 'provider_start', provider, rules: checked.length, runs: options.runs })
    const results =
      checked.length > 0
        ? await checkProvider({
            profile,
            createManager: options.createManager,
            rules: checked,
            seed: providerSeed(options.seed, provider),
            runs: options.runs,
            ...(options.interleavings !== undefined ? { interleavings: options.interleavings } : {}),
            onRun: () => options.onProgress?.({ type: 'run', provider }),
          })
        : []
    const rows = applicable.map(
      (rule): RuleOutcome =>
        results.find((r) => r.id === rule.id) ?? {
          id: rule.id,
          provider,
          status: 'skip',
          runs: 0,
          checks: 0,
          durationMs: 0,
          note: notApplicable[rule.id] ?? 'no check for this rule on this provider yet',
        },
    )
    options.onProgress?.({ type: 'provider_done', provider, outcomes: rows })
    const harnessIds = new Set(applicable.filter((r) => r.subject === 'harness').map((r) => r.id))
    outcomes.push(...rows.filter((row) => !harnessIds.has(row.id)))
    harness.push(...rows.filter((row) => harnessIds.has(row.id)))
  }
  const quirkChecks = await runQuirkChecks({ ...options, providers })
  return {
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    seed: options.seed,
    runs: options.runs,
    manager: options.managerLabel,
    rules: outcomes,
    summary: {
      passed: outcomes.filter((o) => o.status === 'pass').length,
      failed: outcomes.filter((o) => o.status === 'fail').length,
      skipped: outcomes.filter((o) => o.status === 'skip').length,
    },
    harness,
    quirkCoverage: quirks.coverage(providers),
    quirkChecks,
    weaklyExercised: outcomes
      .filter((o) => o.status === 'pass' && o.checks < WEAK_CHECKS)
      .map((o) => ({ rule: o.id, provider: o.provider, checks: o.checks })),
  }
}

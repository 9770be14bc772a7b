/**
 * `reconnect-lab selfcheck`: mutation testing of the suite itself. Every shipped known-bug manager
 * (scenarios/mutants/) is put under test on the providers that can reveal it; the suite must catch
 * each one. A mutant counts as caught when a rule fails on it with a counterexample; the reference
 * manager must pass the same providers first, or the score means nothing.
 *
 * For speed, each mutant is first checked against the rules it models (its `caughtBy`); only if none
 * of them fails are the provider's other rules tried (a catch by another rule is reported as such).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { MUTANTS, type MutantDefinition } from '../../../scenarios/mutants/index.ts'
import { startStopwatch } from '../../clock.ts'
import type { ProviderId } from '../../manager/contract.ts'
import { createManager as createReferenceManager } from '../../manager/reference-manager.ts'
import { supportedProviderIds } from '../../providers/index.ts'
import { RULES, ruleAppliesTo, ruleIsChecked } from '../../rules/catalogue/index.ts'
import type { RuleDefinition, RuleId } from '../../rules/types.ts'
import { counterexampleFile } from '../../scenario/counterexample-file.ts'
import { checkProvider, type RuleOutcome } from '../../suite/check-provider.ts'
import { providerSeed, runConformance, TOOL_NAME, TOOL_VERSION } from '../../suite/conformance.ts'
import { profileFor, profiledProviders } from '../../suite/profiles.ts'
import { providersWithMocks } from '../../world/mock-registry.ts'
import { LabError } from '../../errors.ts'
import { type CliIo, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { resolveManager } from '../manager-option.ts'
import { DEFAULT_RUNS } from './run.ts'

/** Fixed, so the score is reproducible; `--seed` explores others. */
export const DEFAULT_SELFCHECK_SEED = 20261128

export interface SelfcheckOptions {
  seed?: number
  runs?: number
  /** Only these mutants (ids). */
  mutants?: readonly string[]
  /** Where `selfcheck/<mutant>/<rule>-<provider>.yaml` and `selfcheck.json` go; nothing is written when absent. */
  reportDir?: string
  /** For tests: a different mutant list. */
  catalogue?: readonly MutantDefinition[]
  /**
   * Check first that the reference manager passes the mutants' providers (default true). The score
   * means nothing if it does not; a test that checks the reference elsewhere may skip it.
   */
  checkReference?: boolean
  /** For tests: the providers treated as available (default: runnableProviders()). */
  available?: ReadonlySet<ProviderId>
  /**
   * `--manager-cmd`: a command template in which `{mutant}` is replaced by each mutant's id (and by
   * `none` for the reference check), so the mutants are the command's own, reached over the manager
   * protocol: `node --import tsx examples/protocol-shim/shim.ts --mutant {mutant}` serves the shipped
   * ones, `python3 examples/python/adapter.py --bug {mutant}` the Python example's.
   */
  managerCmd?: string
  callTimeoutMs?: number
  /** Where a mutant that is not in the catalogue (only with managerCmd) is checked; default: every runnable provider. */
  providers?: readonly ProviderId[]
  /** Where the command runs (default: the current directory). */
  cwd?: string
}

/** The placeholder of a `--manager-cmd` template that names the mutant. */
export const MUTANT_PLACEHOLDER = '{mutant}'
/** What the placeholder becomes for the reference check: the command's manager without a bug. */
export const NO_MUTANT = 'none'

/** A mutant the command knows and the catalogue does not: any rule may catch it. */
function externalMutant(id: string, targets: readonly ProviderId[]): MutantDefinition {
  return {
    id,
    title: `${id} (a mutant of the --manager-cmd command)`,
    change: 'defined by the command',
    models: 'defined by the command',
    targets,
    caughtBy: [],
    createManager: () => {
      throw new LabError('USAGE', `mutant ${id} runs only through --manager-cmd`)
    },
  }
}

export interface MutantCatch {
  rule: RuleId
  provider: ProviderId
  /** One of the rules the mutant says it models. */
  expected: boolean
  /** Timeline steps in the counterexample file (waits are not steps). */
  steps: number
  /** Events in the shrunk timeline, waits included. */
  events: number
  /** Real time to find and shrink it. */
  durationMs: number
  /** Replaying the written counterexample file broke the rule again. */
  replays: boolean
  file?: string
}

export interface MutantResult {
  id: string
  title: string
  models: string
  targets: readonly ProviderId[]
  status: 'caught' | 'survived' | 'not_runnable'
  /** Targets with no mock, client or suite profile in this build. */
  missing: ProviderId[]
  caught?: MutantCatch
  /** Real time spent on this mutant. */
  durationMs: number
  note?: string
}

export interface SelfcheckResult {
  seed: number
  runs: number
  /** Whether the reference manager passes the same providers (unchecked: not run, assumed). */
  reference: {
    checked: boolean
    passed: boolean
    providers: ProviderId[]
    failures: string[]
    durationMs: number
  }
  mutants: MutantResult[]
  score: { caught: number; runnable: number; total: number; notRunnable: number }
  durationMs: number
}

/** Providers the suite can run end to end: a mock, a client dialect and a profile. */
export function runnableProviders(): Set<ProviderId> {
  const mocks = new Set(providersWithMocks())
  const clients = new Set(supportedProviderIds())
  return new Set(profiledProviders().filter((p) => mocks.has(p) && clients.has(p)))
}

function checkedRules(provider: ProviderId): RuleDefinition[] {
  return RULES.filter((r) => ruleAppliesTo(r, provider) && ruleIsChecked(r))
}

/** The failing row to report: the shortest counterexample wins. */
function bestFailure(outcomes: readonly RuleOutcome[]): RuleOutcome | undefined {
  const failed = outcomes.filter((o) => o.status === 'fail' && o.counterexample)
  failed.sort((a, b) => (a.counterexample?.events.length ?? 0) - (b.counterexample?.events.length ?? 0))
  return failed[0]
}

async function checkMutant(
  mutant: MutantDefinition,
  providers: readonly ProviderId[],
  options: { seed: number; runs: number; dir?: string; managerLabel?: string },
): Promise<Pick<MutantResult, 'status' | 'caught' | 'note'>> {
  const notes: string[] = []
  // Phase 1: the rules the mutant models, on each target; phase 2: every other rule, on each target.
  for (const phase of ['expected', 'others'] as const) {
    for (const provider of providers) {
      const profile = profileFor(provider)
      if (!profile) continue
      const rules = checkedRules(provider).filter((r) => profile.notApplicable?.[r.id] === undefined)
      const set = rules.filter((r) => mutant.caughtBy.includes(r.id) === (phase === 'expected'))
      if (set.length === 0) continue
      const outcomes = await checkProvider({
        profile,
        createManager: mutant.createManager,
        rules: set,
        seed: providerSeed(options.seed, provider),
        runs: options.runs,
      })
      const crashed = outcomes.find((o) => o.status === 'fail' && !o.counterexample)
      if (crashed?.note) notes.push(`${provider}: ${crashed.note}`)
      const best = bestFailure(outcomes)
      if (!best?.counterexample) continue
      const file = await counterexampleFile(best.counterexample, {
        createManager: mutant.createManager,
        manager: options.managerLabel ?? `scenarios/mutants/${mutant.id}.ts`,
        runs: options.runs,
        tool: `${TOOL_NAME} ${TOOL_VERSION}`,
      })
      let written: string | undefined
      if (options.dir) {
        const dir = join(options.dir, mutant.id)
        await mkdir(dir, { recursive: true })
        await writeFile(join(dir, file.name), file.text)
        written = join(mutant.id, file.name)
      }
      return {
        status: 'caught',
        caught: {
          rule: best.id,
          provider,
          expected: mutant.caughtBy.includes(best.id),
          steps: file.steps,
          events: best.counterexample.events.length,
          durationMs: best.durationMs,
          replays: file.reproduced,
          ...(written !== undefined ? { file: written } : {}),
        },
      }
    }
  }
  return { status: 'survived', ...(notes.length > 0 ? { note: notes.join('; ') } : {}) }
}

export async function runSelfcheck(
  options: SelfcheckOptions,
  onProgress: (line: string) => void = () => {},
): Promise<SelfcheckResult> {
  const elapsed = startStopwatch()
  const seed = options.seed ?? DEFAULT_SELFCHECK_SEED
  const runs = options.runs ?? DEFAULT_RUNS
  const catalogue = options.catalogue ?? MUTANTS
  const command = options.managerCmd
  if (command !== undefined && !command.includes(MUTANT_PLACEHOLDER))
    throw new LabError(
      'USAGE',
      `selfcheck --manager-cmd: the command must contain ${MUTANT_PLACEHOLDER}, replaced by each mutant's id (and by "${NO_MUTANT}" for the reference check), e.g. "python3 examples/python/adapter.py --bug ${MUTANT_PLACEHOLDER}"`,
    )
  const available = options.available ?? runnableProviders()
  const unknown = (options.mutants ?? []).filter((id) => !catalogue.some((m) => m.id === id))
  if (unknown.length > 0 && command === undefined)
    throw new LabError(
      'USAGE',
      `--mutant: unknown mutant ${unknown.join(', ')} (known: ${catalogue.map((m) => m.id).join(', ')})`,
    )
  const externalTargets = (options.providers ?? [...available]).filter((p) => available.has(p))
  const selected = options.mutants
    ? options.mutants.map((id) => catalogue.find((m) => m.id === id) ?? externalMutant(id, externalTargets))
    : catalogue
  // One manager process per mutant (and one for the reference), closed when its check ends.
  const start = (id: string) =>
    resolveManager(
      {
        managerCmd: (command as string).split(MUTANT_PLACEHOLDER).join(id),
        ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
      },
      { cwd: options.cwd ?? process.cwd(), probeProviders: [] },
    )
  const needed = [...new Set(selected.flatMap((m) => m.targets))].filter((p) => available.has(p))

  let referenceFailures: string[] = []
  const checkReference = options.checkReference ?? true
  let referenceMs = 0
  if (checkReference) {
    const referenceElapsed = startStopwatch()
    onProgress(`reference manager on ${needed.join(', ') || 'no provider'}...`)
    const manager = command === undefined ? undefined : await start(NO_MUTANT)
    try {
      const reference = await runConformance({
        createManager: manager?.createManager ?? createReferenceManager,
        managerLabel: manager?.label ?? 'reference',
        seed,
        runs,
        providers: needed,
      })
      referenceFailures = reference.rules
        .filter((r) => r.status === 'fail')
        .map((r) => `${r.id} on ${r.provider}`)
    } finally {
      await manager?.close()
    }
    referenceMs = referenceElapsed()
  }

  const dir = options.reportDir !== undefined ? resolve(options.reportDir, 'selfcheck') : undefined
  if (dir) await rm(dir, { recursive: true, force: true })
  const results: MutantResult[] = []
  for (const mutant of selected) {
    const started = startStopwatch()
    const missing = mutant.targets.filter((p) => !available.has(p))
    const providers = mutant.targets.filter((p) => available.has(p))
    const base = {
      id: mutant.id,
      title: mutant.title,
      models: mutant.models,
      targets: mutant.targets,
      missing,
    }
    if (providers.length === 0) {
      results.push({ ...base, status: 'not_runnable', durationMs: 0 })
      onProgress(`${mutant.id}: not runnable (provider ${missing.join(', ')} missing)`)
      continue
    }
    onProgress(`${mutant.id}: checking ${providers.join(', ')}...`)
    let manager: Awaited<ReturnType<typeof start>> | undefined
    try {
      manager = command === undefined ? undefined : await start(mutant.id)
    } catch (error) {
      const note = `the command did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`
      results.push({ ...base, status: 'not_runnable', durationMs: started(), note })
      onProgress(`${mutant.id}: ${note}`)
      continue
    }
    try {
      const outcome = await checkMutant(
        manager ? { ...mutant, createManager: manager.createManager } : mutant,
        providers,
        { seed, runs, ...(dir ? { dir } : {}), ...(manager ? { managerLabel: manager.label } : {}) },
      )
      results.push({ ...base, ...outcome, durationMs: started() })
    } finally {
      await manager?.close()
    }
  }
  const runnable = results.filter((r) => r.status !== 'not_runnable').length
  return {
    seed,
    runs,
    reference: {
      checked: checkReference,
      passed: referenceFailures.length === 0,
      providers: needed,
      failures: referenceFailures,
      durationMs: referenceMs,
    },
    mutants: results,
    score: {
      caught: results.filter((r) => r.status === 'caught').length,
      runnable,
      total: results.length,
      notRunnable: results.length - runnable,
    },
    durationMs: elapsed(),
  }
}

const secondsText = (ms: number) => `${(ms / 1000).toFixed(1)}s`

export function renderSelfcheck(result: SelfcheckResult): string {
  const idWidth = Math.max(6, ...result.mutants.map((m) => m.id.length))
  const lines = [`${'mutant'.padEnd(idWidth)}  result`]
  for (const m of result.mutants) {
    let text: string
    if (m.status === 'not_runnable')
      text = m.note ? `not runnable: ${m.note}` : `not runnable: provider ${m.missing.join(', ')} missing`
    else if (m.status === 'survived')
      text = `SURVIVED on ${m.targets.filter((t) => !m.missing.includes(t)).join(', ')}${m.note ? ` (${m.note})` : ''}`
    else {
      const c = m.caught as MutantCatch
      text =
        `caught by ${c.rule} on ${c.provider}${c.expected ? '' : ' (not a rule it models)'}: ` +
        `${c.steps} steps, found in ${secondsText(c.durationMs)}${c.replays ? ', replays' : ', DOES NOT REPLAY'}`
      if (m.missing.length > 0) text += ` (not run on ${m.missing.join(', ')}: missing)`
    }
    lines.push(`${m.id.padEnd(idWidth)}  ${text}`)
  }
  const { score } = result
  const pct = (a: number, b: number) => (b === 0 ? 0 : Math.round((100 * a) / b))
  lines.push('')
  if (result.reference.checked && result.reference.passed)
    lines.push(
      `✓ the reference manager passes ${result.reference.providers.join(', ')} (${secondsText(result.reference.durationMs)})`,
    )
  if (!result.reference.passed)
    lines.push(
      `✗ the reference manager fails ${result.reference.failures.join(', ')}: the score below means nothing until it passes`,
    )
  const head =
    score.notRunnable === 0
      ? `mutation score: ${score.caught}/${score.total} caught (${pct(score.caught, score.total)}%)`
      : `mutation score: ${score.caught}/${score.runnable} runnable mutants caught (${pct(score.caught, score.runnable)}%); ` +
        `${score.notRunnable} of ${score.total} not runnable (their providers are missing), so ${score.caught}/${score.total} overall`
  lines.push(`${score.caught === score.runnable && result.reference.passed ? '✓' : '✗'} ${head}`)
  lines.push(
    `  seed ${result.seed}, ${result.runs} timelines per provider, ${secondsText(result.durationMs)} in all`,
  )
  return lines.join('\n')
}

/** The CLI command: prints the table, writes selfcheck.json and the counterexamples, exit 1 unless every runnable mutant was caught. */
export async function selfcheckCommand(
  options: SelfcheckOptions,
  io: CliIo,
): Promise<{ exitCode: number; result: SelfcheckResult }> {
  const absolute = options.reportDir !== undefined ? resolve(io.cwd, options.reportDir) : undefined
  const result = await runSelfcheck(
    { cwd: io.cwd, ...options, ...(absolute ? { reportDir: absolute } : {}) },
    (line) => io.err(`${line}\n`),
  )
  io.out(`${renderSelfcheck(result)}\n`)
  if (absolute !== undefined) {
    const dir = absolute
    await mkdir(join(dir, 'selfcheck'), { recursive: true })
    await writeFile(join(dir, 'selfcheck', 'selfcheck.json'), `${JSON.stringify(result, null, 2)}\n`)
    io.err(`selfcheck report written to ${options.reportDir}/selfcheck/\n`)
  }
  const ok = result.reference.passed && result.score.caught === result.score.runnable
  return { exitCode: ok ? EXIT_OK : EXIT_RULE_FAILED, result }
}

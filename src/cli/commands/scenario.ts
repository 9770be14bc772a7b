import { basename, extname, join } from 'node:path'
import type { CreateManager } from '../../manager/contract.ts'
import { supportedProviderIds } from '../../providers/index.ts'
import { redactSecrets } from '../../redact.ts'
import { loadScenarioFile, type Scenario } from '../../scenario/load.ts'
import { formatOutcomeExpectation, outcomeMatches } from '../../scenario/outcome-expectation.ts'
import { replayScenario, type ScenarioReplay } from '../../scenario/replay.ts'
import type { CompiledScenario } from '../../scenario/scenario-schema.ts'
import { storyLines, summaryLines, triageLines, formatResult, verdictWords } from '../../scenario/story.ts'
import { triageTrace } from '../../triage.ts'
import { LabError } from '../../errors.ts'
import { providersWithMocks } from '../../world/mock-registry.ts'
import type { StepResult, TraceStep } from '../../world/types.ts'
import { type CliIo, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { resolveManager, type ResolvedManager } from '../manager-option.ts'
import { scenarioSection, writeScenarioTimeline } from './timeline-output.ts'
import { formatPackBrief } from '../../world/timeline-format.ts'

export interface ScenarioCommandOptions {
  files: string[]
  managerPath?: string
  /** A manager in any language, over the manager protocol (docs/PROTOCOL.md). */
  managerCmd?: string
  callTimeoutMs?: number
  /** For tests: a manager instead of a module path. */
  createManager?: CreateManager
  managerLabel?: string
  /** Where each file's timeline picture goes, as `<dir>/<file>.html` (default reports/latest/timelines). */
  timelineDir?: string
}

/** The manager a scenario is played on: `--manager`, or the reference. Refuses providers this build cannot simulate. */
export async function scenarioManager(
  scenario: CompiledScenario,
  label: string,
  options: Pick<
    ScenarioCommandOptions,
    'managerPath' | 'managerCmd' | 'callTimeoutMs' | 'createManager' | 'managerLabel'
  >,
  io: Pick<CliIo, 'cwd'>,
): Promise<ResolvedManager> {
  const mocks = new Set(providersWithMocks())
  const clients = new Set(supportedProviderIds())
  for (const pack of scenario.org.packs) {
    if (!mocks.has(pack.provider) || !clients.has(pack.provider)) {
      throw new LabError(
        'UNKNOWN_PROVIDER',
        `${label}: pack "${pack.id}" uses provider "${pack.provider}", which this build of reconnect-lab cannot simulate yet`,
      )
    }
  }
  return resolveManager(options, {
    cwd: io.cwd,
    probeProviders: [...new Set(scenario.org.packs.map((p) => p.provider))],
    ...(options.createManager ? { fallback: options.createManager } : {}),
    ...(options.managerLabel !== undefined ? { fallbackLabel: options.managerLabel } : {}),
  })
}

/**
 * `reconnect-lab scenario <file...>`: plays each scenario file's whole timeline (it does not stop at
 * the first broken rule), prints one line per step per teammate and pack, a summary per teammate
 * and pack, and the triage verdict, then checks the file's `expect:`. Exit 0 when every expectation
 * holds (with none stated: when no rule broke), 1 when one does not, 2 for a bad file.
 */
export async function scenarioCommand(options: ScenarioCommandOptions, io: CliIo): Promise<number> {
  // Every file is checked before anything plays: a typo in the third file is exit 2, not a half run.
  const scenarios: Scenario[] = []
  for (const file of options.files) scenarios.push(await loadScenarioFile(file, io.cwd))
  let exit = EXIT_OK
  for (const [i, scenario] of scenarios.entries()) {
    const label = scenario.file ?? options.files[i]!
    const resolved = await scenarioManager(scenario, label, options, io)
    const managerLabel = resolved.label
    let result: ScenarioStory
    try {
      result = await playScenarioStory(scenario, resolved.createManager)
    } finally {
      await resolved.close()
    }
    const { definition } = scenario
    const packs = scenario.org.packs.map(formatPackBrief).join(', ')
    const lines = [
      `${label}${definition.title ? `: ${definition.title}` : ''}`,
      `org: ${scenario.org.teammates.join(', ')}; packs ${packs}; manager ${managerLabel}`,
      '',
      ...result.story.map((l) => `  ${l}`),
      '',
      'summary:',
      ...result.summary.map((l) => `  ${l}`),
      '',
      ...result.triage,
      '',
      result.broken.length > 0 ? `rules broken: ${result.broken.join(', ')}` : 'rules broken: none',
      ...(result.crash ? [`✗ the play stopped: ${result.crash}`] : []),
      ...result.verdicts,
      '',
    ]
    io.out(`${redactSecrets(lines.join('\n'))}\n`)
    // The picture of the whole play, one page per file (what replay draws, without stopping early).
    const picture = await writeScenarioTimeline(
      label,
      {
        title: `reconnect-lab timeline: ${label}`,
        subtitle: [`manager ${managerLabel}`],
        sections: [
          scenarioSection(definition.title ?? label, scenario.org, result.replay, [
            ...result.verdicts,
            ...(result.crash ? [`the play stopped: ${result.crash}`] : []),
          ]),
        ],
      },
      {
        cwd: io.cwd,
        ...(options.timelineDir !== undefined
          ? { target: join(options.timelineDir, `${basename(label, extname(label))}.html`) }
          : {}),
      },
    )
    io.err(`timeline: ${picture}\n`)
    if (!result.passed) exit = EXIT_RULE_FAILED
  }
  return exit
}

export interface ScenarioStory {
  /** The play itself (the whole timeline, every broken rule kept). */
  replay: ScenarioReplay
  trace: TraceStep[]
  story: string[]
  summary: string[]
  triage: string[]
  broken: string[]
  crash?: string
  /** One line per expectation of the file (✓ or ✗). */
  verdicts: string[]
  passed: boolean
}

/** Plays a scenario to its end and checks its expectations. Pure but for the play itself. */
export async function playScenarioStory(
  scenario: CompiledScenario,
  createManager: CreateManager,
): Promise<ScenarioStory> {
  const replay = await replayScenario(scenario, { createManager, keepGoing: true })
  const triage = triageTrace(replay.trace, scenario.org)
  const broken = [...new Set(replay.violations.map((v) => v.rule))]
  const expect = scenario.definition.expect
  const verdicts: string[] = []
  let passed = true
  const check = (ok: boolean, text: string) => {
    verdicts.push(`${ok ? '✓' : '✗'} ${text}`)
    if (!ok) passed = false
  }

  // Step expectations: each run/connect step that says `expect:` is compared with its own result.
  const unmet = new Map<number, string[]>()
  const lastTraceOf = new Map<number, number>()
  for (const [traceIndex, stepIndex] of (replay.stepOfTrace ?? []).entries())
    lastTraceOf.set(stepIndex, traceIndex)
  let stepChecks = 0
  let stepFailures = 0
  for (const [index, step] of scenario.steps.entries()) {
    if (!step.expect) continue
    stepChecks++
    const traceIndex = lastTraceOf.get(index)
    const played = traceIndex !== undefined ? replay.trace[traceIndex] : undefined
    const result: StepResult = played?.result ?? { kind: 'none' }
    if (played && outcomeMatches(step.expect, result)) continue
    stepFailures++
    const where = step.line !== undefined ? `line ${step.line}` : `timeline[${index}]`
    const text = `expected ${formatOutcomeExpectation(step.expect)}, got ${played ? formatResult(result) : 'nothing (the step was not played)'} (${where})`
    if (played) unmet.set(played.index, [...(unmet.get(played.index) ?? []), text])
    else verdicts.push(`✗ ${text}`)
  }
  if (stepChecks > 0)
    check(stepFailures === 0, `${stepChecks - stepFailures} of ${stepChecks} step outcomes as expected`)

  if (expect?.violates !== undefined) {
    const want = expect.violates
    const same = want.length === broken.length && want.every((r) => broken.includes(r))
    check(
      same,
      want.length === 0
        ? `expected no rule to break${same ? '' : `; broke ${broken.join(', ')}`}`
        : `expected to break ${want.join(', ')}${same ? '' : `; broke ${broken.length ? broken.join(', ') : 'none'}`}`,
    )
  }
  for (const rule of expect?.keeps ?? [])
    check(!broken.includes(rule), `expected ${rule} to hold${broken.includes(rule) ? '; it broke' : ''}`)
  if (expect?.triage !== undefined) {
    const want = typeof expect.triage === 'string' ? { verdict: expect.triage } : expect.triage
    const ok = triage.verdict === want.verdict && (want.row === undefined || want.row === triage.row)
    check(
      ok,
      `expected triage ${verdictWords(want.verdict)}${want.row ? ` (${want.row})` : ''}${ok ? '' : `; triage said ${verdictWords(triage.verdict)} (${triage.row})`}`,
    )
  }
  const stated =
    stepChecks > 0 ||
    expect?.violates !== undefined ||
    (expect?.keeps?.length ?? 0) > 0 ||
    expect?.triage !== undefined
  // With nothing stated, the file passes when no rule broke: the default expectation.
  if (!stated && broken.length > 0) passed = false
  if (replay.crash) passed = false

  return {
    replay,
    trace: replay.trace,
    story: storyLines({ trace: replay.trace, violations: replay.violations, unmet, triage }),
    summary: summaryLines(replay.trace, triage),
    triage: triageLines(triage),
    broken,
    ...(replay.crash ? { crash: `step ${replay.crash.step + 1}: ${replay.crash.message}` } : {}),
    verdicts,
    passed,
  }
}

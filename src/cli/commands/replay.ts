import type { CreateManager } from '../../manager/contract.ts'
import { redactSecrets } from '../../redact.ts'
import { loadScenarioFile } from '../../scenario/load.ts'
import { replayScenario } from '../../scenario/replay.ts'
import { managerFlag } from '../../scenario/write.ts'
import { renderTrace } from '../../suite/counterexample.ts'
import { type CliIo, EXIT_OK, EXIT_RULE_FAILED } from '../io.ts'
import { scenarioManager } from './scenario.ts'
import { scenarioSection, writeScenarioTimeline } from './timeline-output.ts'
import { formatPackBrief } from '../../world/timeline-format.ts'

export interface ReplayCommandOptions {
  file: string
  managerPath?: string
  managerCmd?: string
  callTimeoutMs?: number
  /** For tests: a manager instead of a module path. */
  createManager?: CreateManager
  managerLabel?: string
  /** Where to write the timeline picture (default reports/latest/timelines/<file>.html). */
  timelinePath?: string
}

/**
 * `reconnect-lab replay <file>`: plays a scenario file step by step on the reference manager (or
 * `--manager`), judging each step, and stops at the first broken rule. Exit 1 when a rule broke, 0
 * when none did, 2 when the file or the manager module is bad.
 */
export async function replayCommand(options: ReplayCommandOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenarioFile(options.file, io.cwd)
  const label = scenario.file ?? options.file
  const resolved = await scenarioManager(scenario, label, options, io)
  const { createManager, label: managerLabel } = resolved

  const { definition } = scenario
  let replay: Awaited<ReturnType<typeof replayScenario>>
  try {
    replay = await replayScenario(scenario, { createManager })
  } finally {
    await resolved.close()
  }
  const teammates = scenario.org.teammates.length
  const packs = scenario.org.packs.map(formatPackBrief).join(', ')
  const lines = [
    `replaying ${label}${definition.title ? `: ${definition.title}` : ''}`,
    `org: ${teammates} teammate${teammates === 1 ? '' : 's'}; packs ${packs}; manager ${managerLabel}`,
    `judged by: ${replay.rules.map((r) => r.id).join(', ')}`,
    ...(definition.schedule
      ? [`a recorded interleaving of ${definition.instances ?? 1} manager processes`]
      : []),
    '',
    ...(replay.lines ?? renderTrace(replay.trace, replay.violations)).map((l) => `  ${l}`),
    '',
  ]
  const broken = [...new Set(replay.violations.map((v) => v.rule))]
  const played = replay.stoppedAtStep !== undefined ? replay.stoppedAtStep + 1 : scenario.steps.length
  if (replay.crash) {
    lines.push(
      `✗ the run stopped at step ${replay.crash.step + 1} of ${scenario.steps.length}: ${replay.crash.message}`,
    )
  } else if (broken.length > 0) {
    lines.push(`✗ ${broken.join(', ')} broken at step ${played} of ${scenario.steps.length}`)
  } else {
    lines.push(`✓ no rule broken in ${scenario.steps.length} steps`)
  }
  const expected = definition.expect?.violates
  if (expected !== undefined) {
    const same = expected.length === broken.length && expected.every((r) => broken.includes(r))
    const what = expected.length === 0 ? 'to pass' : `to break ${expected.join(', ')}`
    lines.push(
      same
        ? `  as expected (the file says it is expected ${what})`
        : `  NOT as expected: the file says it is expected ${what}`,
    )
  }
  const origin = definition.origin
  if (
    origin?.manager &&
    origin.manager !== managerLabel &&
    options.managerPath === undefined &&
    options.managerCmd === undefined &&
    broken.length === 0
  ) {
    lines.push(
      `  note: this counterexample was found on ${origin.manager}; replay it there with ${managerFlag(origin.manager)}`,
    )
  }
  io.out(`${redactSecrets(lines.join('\n'))}\n`)
  const picture = await writeScenarioTimeline(
    label,
    {
      title: `reconnect-lab timeline: ${label}`,
      subtitle: [`manager ${managerLabel}`],
      sections: [scenarioSection(definition.title ?? label, scenario.org, replay)],
    },
    { cwd: io.cwd, ...(options.timelinePath !== undefined ? { target: options.timelinePath } : {}) },
  )
  io.err(`timeline: ${picture}\n`)
  return broken.length > 0 || replay.crash ? EXIT_RULE_FAILED : EXIT_OK
}

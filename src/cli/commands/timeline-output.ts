/**
 * Where the timeline pictures go. `run` draws each counterexample file it wrote, as that file
 * replays (so the picture shows exactly what `replay <file>` plays), into one timeline.html, and adds
 * the Markdown summary to summary.md; `replay` draws the scenario it played into its own page.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import type { CreateManager } from '../../manager/contract.ts'
import { renderTimelineHtml, type TimelinePage } from '../../report/timeline-html.ts'
import type { TimelineInput } from '../../report/timeline-model.ts'
import { ruleById } from '../../rules/catalogue/index.ts'
import type { RuleId } from '../../rules/types.ts'
import { loadScenarioFile } from '../../scenario/load.ts'
import { replayScenario, type ScenarioReplay } from '../../scenario/replay.ts'
import type { OrgSpec } from '../../world/types.ts'

export const TIMELINE_FILE = 'timeline.html'
/** Where `replay` writes a scenario's picture unless --timeline says otherwise. */
export const SCENARIO_TIMELINE_DIR = 'reports/latest/timelines'

export interface WrittenCounterexample {
  rule: RuleId
  provider: string
  /** Relative to the report dir. */
  file: string
  reproduced: boolean
  /** The suite's own rendering of the failing timeline (shown when the file did not reproduce it). */
  lines?: readonly string[]
}

/** One section per counterexample file, each replayed from the file as written. */
export async function runTimelinePage(
  files: readonly WrittenCounterexample[],
  options: {
    reportDir: string
    /** The report dir as the user wrote it, for the replay hint. */
    reportLabel?: string
    createManager: CreateManager
    manager: string
    seed: number
  },
): Promise<TimelinePage> {
  const sections: TimelineInput[] = []
  for (const f of files) {
    const notes = [
      `file: ${f.file}${f.reproduced ? '' : ' (the file did NOT reproduce the failure)'}`,
      `replay: reconnect-lab replay ${join(options.reportLabel ?? options.reportDir, f.file)}`,
    ]
    try {
      const scenario = await loadScenarioFile(join(options.reportDir, f.file), options.reportDir)
      const replay = await replayScenario(scenario, {
        createManager: options.createManager,
        rules: [ruleById(f.rule)],
      })
      const section = scenarioSection(`${f.rule} on ${f.provider}`, scenario.org, replay, notes)
      sections.push(
        f.reproduced || !f.lines
          ? section
          : {
              ...section,
              log: {
                title: 'what the suite saw (the file replays differently, drawn above)',
                lines: [...f.lines],
              },
            },
      )
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      sections.push({
        title: `${f.rule} on ${f.provider}`,
        org: { teammates: [], packs: [] },
        trace: [],
        notes: [...notes, `could not replay the file: ${why}`],
      })
    }
  }
  return {
    title: `reconnect-lab timelines: ${files.length} counterexample${files.length === 1 ? '' : 's'}`,
    subtitle: [`manager ${options.manager}, seed ${options.seed}`],
    sections,
    empty: `No rule failed with manager ${options.manager} (seed ${options.seed}): no counterexample to draw. \`reconnect-lab replay <scenario.yaml>\` draws any scenario file.`,
  }
}

export function scenarioSection(
  title: string,
  org: OrgSpec,
  replay: ScenarioReplay,
  notes: string[] = [],
): TimelineInput {
  return {
    title,
    org,
    trace: replay.trace,
    violations: replay.violations,
    ...(replay.instances !== undefined ? { instances: replay.instances } : {}),
    notes: [
      ...notes,
      ...(replay.crash ? [`the run stopped at step ${replay.crash.step + 1}: ${replay.crash.message}`] : []),
      ...(replay.stoppedAtStep !== undefined
        ? [`stopped at step ${replay.stoppedAtStep + 1}: a rule broke`]
        : []),
    ],
  }
}

export async function writeRunTimeline(dir: string, page: TimelinePage): Promise<void> {
  await writeFile(join(dir, TIMELINE_FILE), renderTimelineHtml(page))
}

/** Writes a scenario's picture; returns the path as the user should read it (relative to cwd). */
export async function writeScenarioTimeline(
  scenarioFile: string,
  page: TimelinePage,
  options: { cwd: string; target?: string },
): Promise<string> {
  const stem = basename(scenarioFile, extname(scenarioFile))
  const target = resolve(options.cwd, options.target ?? join(SCENARIO_TIMELINE_DIR, `${stem}.html`))
  await mkdir(dirname(target), { recursive: true })
  await writeFile(target, renderTimelineHtml(page))
  return relative(options.cwd, target) || target
}

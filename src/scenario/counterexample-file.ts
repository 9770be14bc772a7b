/**
 * A counterexample as a replayable file, proven: play the shrunk timeline once to get its times and
 * outcomes, write the scenario text, parse that text back and replay it. `reproduced` says whether the
 * file, as written, breaks the same rule at the same step.
 */
import type { CreateManager } from '../manager/contract.ts'
import { ruleById } from '../rules/catalogue/index.ts'
import type { Counterexample } from '../suite/counterexample.ts'
import { replayTimeline } from '../suite/play.ts'
import type { TimelineEvent } from '../world/types.ts'
import { formatIssue, parseScenario, type Scenario, ScenarioError } from './load.ts'
import { replayScenario } from './replay.ts'
import { counterexampleFileName, counterexampleToYaml } from './write.ts'

export interface CounterexampleFile {
  name: string
  text: string
  /** Replaying the written file broke the rule again, at its last step. */
  reproduced: boolean
  /** Timeline steps in the file (waits are not steps: they are the `at` of the next one). */
  steps: number
  /** When it did not reproduce: what differed, in one line. */
  differed?: string
}

export async function counterexampleFile(
  ce: Counterexample,
  options: { createManager: CreateManager; manager?: string; runs?: number; tool?: string },
): Promise<CounterexampleFile> {
  const rules = [ruleById(ce.rule)]
  let trace: Awaited<ReturnType<typeof replayTimeline>>['trace'] | undefined
  try {
    trace = (
      await replayTimeline({ org: ce.org, createManager: options.createManager, rules, events: ce.events })
    ).trace
  } catch {
    // The manager crashed outside a judged step: write relative times, and say the file did not reproduce.
    trace = undefined
  }
  const text = counterexampleToYaml(ce, {
    ...(trace !== undefined ? { trace } : {}),
    ...(options.manager !== undefined ? { manager: options.manager } : {}),
    ...(options.runs !== undefined ? { runs: options.runs } : {}),
    ...(options.tool !== undefined ? { tool: options.tool } : {}),
  })
  const name = counterexampleFileName(ce)
  let scenario: Scenario
  try {
    scenario = parseScenario(text, name)
  } catch (error) {
    // Our own writer's bug, not the user's input: keep the run and its report, flag this file, say so.
    if (!(error instanceof ScenarioError)) throw error
    const first = error.issues[0]
    const why = first ? formatIssue(name, first) : firstLine(error.message)
    return {
      name,
      text,
      reproduced: false,
      steps: 0,
      differed: `the file does not read back as a scenario (a bug in reconnect-lab, please report it): ${why}`,
    }
  }
  // The file must say exactly what happened: every event, every field (a field the format does not
  // know yet would be dropped silently otherwise).
  const wrote = scenario.steps.map((s) => canonical(s.event))
  const had = ce.events.filter((e) => e.type !== 'advance').map((e) => canonical(normalized(e, scenario)))
  const steps = scenario.steps.length
  const firstOff = wrote.findIndex((w, i) => w !== had[i])
  if (wrote.length !== had.length || firstOff >= 0) {
    const differed =
      wrote.length !== had.length
        ? `the file has ${wrote.length} steps, the timeline ${had.length}`
        : `step ${firstOff + 1} of the file is not the timeline's event`
    return { name, text, reproduced: false, steps, differed }
  }
  // Said in the file too: a replay would play something else than the check did, so it proves nothing.
  if (ce.unreplayable) return { name, text, reproduced: false, steps, differed: ce.unreplayable }
  try {
    const again = await replayScenario(scenario, { createManager: options.createManager, rules })
    const hit = again.violations.find((v) => v.rule === ce.rule)
    if (hit && again.stoppedAtStep === steps - 1) return { name, text, reproduced: true, steps }
    const differed = hit
      ? `replaying the file broke ${ce.rule} at step ${(again.stoppedAtStep ?? 0) + 1} of ${steps}, not at the last step`
      : again.crash
        ? `replaying the file stopped at step ${again.crash.step + 1}: ${firstLine(again.crash.message)}`
        : `replaying the file broke no ${ce.rule} in ${steps} steps${again.violations.length > 0 ? ` (it broke ${[...new Set(again.violations.map((v) => v.rule))].join(', ')})` : ''}`
    return { name, text, reproduced: false, steps, differed }
  } catch (error) {
    return {
      name,
      text,
      reproduced: false,
      steps,
      differed: `replaying the file failed: ${firstLine(error instanceof Error ? error.message : String(error))}`,
    }
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).slice(0, 200)
}

/** JSON with sorted keys, so two equal events compare equal whatever order their fields were built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Process indexes as the file writes them (modulo the scenario's process count). */
function normalized(event: TimelineEvent, scenario: { definition: { instances?: number } }): TimelineEvent {
  if (event.type !== 'concurrent_runs') return event
  const count = scenario.definition.instances ?? 1
  return {
    ...event,
    runs: event.runs.map((r) => (r.instance === undefined ? r : { ...r, instance: r.instance % count })),
    ...(event.crash !== undefined ? { crash: event.crash % count } : {}),
  }
}

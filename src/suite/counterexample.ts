import type { RuleId, Violation } from '../rules/types.ts'
import type { OrgSpec, TimelineEvent, TraceStep } from '../world/types.ts'
import { formatStepLine } from '../world/timeline-format.ts'
import { describeViolation } from './violation-error.ts'

/** A shrunk failing timeline: enough to print it, write it to a scenario file and replay it. */
export interface Counterexample {
  rule: RuleId
  provider: string
  seed: number
  /** fast-check's replay path for the property (seed + path replays the same generation). */
  path: string
  org: OrgSpec
  events: TimelineEvent[]
  /** The readable timeline with outcomes, advances folded into the time column. */
  lines: string[]
  violations: Violation[]
  /** Whether replaying `events` on a fresh world broke the rule again (false means a non-deterministic manager). */
  reproduced: boolean
}

/**
 * Renders a trace as `+3d run(alice, jira) -> connect_required(grant_expired)` lines. Time jumps are
 * folded into the next line's time column; the breaking step is followed by what it broke.
 */
export function renderTrace(trace: readonly TraceStep[], violations: readonly Violation[]): string[] {
  const lines: string[] = []
  for (const step of trace) {
    if (step.event.type === 'advance') continue
    lines.push(formatStepLine(step.elapsedMs, step.event, step.result, step.results))
    for (const v of violations.filter((x) => x.stepIndex === step.index))
      lines.push(`           ✗ ${describeViolation(v)}`)
  }
  return lines
}

export function formatCounterexample(ce: Counterexample): string {
  const org = `org: teammates ${ce.org.teammates.join(', ')}; packs ${ce.org.packs
    .map(
      (p) =>
        `${p.id} (${p.provider}, ${p.setup}${p.instance ? `, instance ${p.instance}` : ''}${p.approvalRequired ? ', approval required' : ''}${
          p.options ? `, options ${JSON.stringify(p.options)}` : ''
        }${p.policy ? `, policy ${JSON.stringify(p.policy)}` : ''})`,
    )
    .join('; ')}`
  return [
    `counterexample for ${ce.rule} on ${ce.provider} (seed ${ce.seed}, path "${ce.path}")${ce.reproduced ? '' : ' [did NOT reproduce on replay]'}`,
    org,
    ...ce.lines.map((l) => `  ${l}`),
  ].join('\n')
}

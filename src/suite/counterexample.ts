import type { Counterexample, Violation } from '../rules/types.ts'
import type { TraceStep } from '../world/types.ts'
import { formatStepLine } from '../world/timeline-format.ts'
import { describeViolation } from './violation-error.ts'

export type { Counterexample } from '../rules/types.ts'

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
        }${p.policy ? `, policy ${JSON.stringify(p.policy)}` : ''}${p.product ? `, product ${JSON.stringify(p.product)}` : ''})`,
    )
    .join('; ')}`
  return [
    `counterexample for ${ce.rule} on ${ce.provider} (seed ${ce.seed}, path "${ce.path}")${ce.reproduced ? '' : ' [did NOT reproduce on replay]'}`,
    org,
    ...ce.lines.map((l) => `  ${l}`),
  ].join('\n')
}

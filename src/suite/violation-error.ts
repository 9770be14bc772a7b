import type { Violation } from '../rules/types.ts'
import type { TraceStep } from '../world/types.ts'
import { formatAllowed } from '../oracle/oracle.ts'
import { formatResult, formatStepLine } from '../world/timeline-format.ts'

/** Thrown inside a property when a step breaks a rule; fast-check shrinks towards the smallest such timeline. */
export class RuleViolationError extends Error {
  override readonly name = 'RuleViolationError'
  constructor(
    readonly violations: Violation[],
    readonly step: TraceStep,
  ) {
    super(describeViolations(violations, step))
  }
}

export function describeViolation(v: Violation): string {
  // A whole-trace rule (judgeTrace) may break on what happened rather than on a result: it says why.
  if (v.allowed.length === 0) return `${v.rule}: ${v.because}`
  return `${v.rule}: got ${formatResult(v.actual)}, expected ${formatAllowed(v.allowed)} because ${v.because}`
}

function describeViolations(violations: Violation[], step: TraceStep): string {
  return [
    formatStepLine(step.elapsedMs, step.event, step.result, step.results),
    ...violations.map((v) => `  broke ${describeViolation(v)}`),
  ].join('\n')
}

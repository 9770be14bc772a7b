import { LabError } from '../errors.ts'
import type { Violation } from '../rules/types.ts'
import type { TraceStep } from '../world/types.ts'
import { formatAllowed } from '../oracle/oracle.ts'
import { formatResult, formatStepLine } from '../world/timeline-format.ts'

/**
 * Thrown inside a property when a step breaks a rule; fast-check shrinks towards the smallest such
 * timeline. A LabError (code RULE_VIOLATED) that carries the violations: the suite catches it and
 * turns it into a verdict, so it is the one subclass, for its payload, not for a second code space.
 */
export class RuleViolationError extends LabError {
  constructor(
    readonly violations: Violation[],
    readonly step: TraceStep,
  ) {
    super('RULE_VIOLATED', describeViolations(violations, step))
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

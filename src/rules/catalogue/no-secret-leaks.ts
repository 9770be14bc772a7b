import { redactSecrets } from '../../redact.ts'
import type { StepResult } from '../../world/types.ts'
import type { RuleDefinition, Violation } from '../types.ts'

function textsOf(result: StepResult): string[] {
  if (result.kind === 'manager_error') return [result.message]
  if (result.kind === 'outcome' && result.outcome.kind !== 'ok') return [result.outcome.reason]
  return []
}

/** Checks the newest step only: called after every step, so the whole trace is covered once. */
export const noSecretLeaks: RuleDefinition = {
  id: 'no-secret-leaks',
  statement: 'No token, code or client secret appears in any report, log line or error message.',
  source: 'DEVELOPERS.md, Standards: "Secrets ... never appear in logs, reports or error messages".',
  providers: 'all',
  judgeTrace(trace) {
    const step = trace[trace.length - 1]
    if (!step) return []
    const violations: Violation[] = []
    const results = [step.result, ...(step.results ?? [])]
    for (const result of results) {
      for (const text of textsOf(result)) {
        if (redactSecrets(text) !== text) {
          violations.push({
            rule: 'no-secret-leaks',
            stepIndex: step.index,
            because: 'an outcome reason or error message carried a token, code or secret',
            allowed: [],
            actual: { kind: 'manager_error', message: redactSecrets(text) },
          })
        }
      }
    }
    const recorded = JSON.stringify(step.requests)
    if (redactSecrets(recorded) !== recorded) {
      violations.push({
        rule: 'no-secret-leaks',
        stepIndex: step.index,
        because: "a mock's request log kept a secret value unredacted",
        allowed: [],
        actual: { kind: 'none' },
      })
    }
    return violations
  },
}

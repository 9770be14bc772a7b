import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'retries-429-without-waiting',
  title: 'A 429 is retried at once',
  change:
    'Backoff is zero and Retry-After is dropped from transient failures, so a 429 is asked again at once.',
  models: 'rule transient-never-prompts (bounded retries honour Retry-After; DESIGN.md section 4)',
  targets: ['baseline'],
  caughtBy: ['transient-never-prompts'],
  createManager: rewritingTokenResponses(
    ({ parsed }) =>
      parsed.kind === 'failure' && parsed.failure.kind === 'transient'
        ? { kind: 'failure', failure: { kind: 'transient', detail: parsed.failure.detail } }
        : parsed,
    { parts: { backoffDelayMs: () => 0 } },
  ),
})

export const createManager = mutant.createManager

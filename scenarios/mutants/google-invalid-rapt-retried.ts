import { safeErrorCode } from '../../src/providers/wire.ts'
import { defineMutant, rewritingTokenResponses } from './mutant.ts'

export const mutant = defineMutant({
  id: 'google-invalid-rapt-retried',
  title: "Google's invalid_rapt read as a passing problem",
  change:
    'A refresh refused with invalid_grant and error_subtype invalid_rapt (the Workspace reauthentication policy wants a new sign-in) is read as transient: the teammate is told to retry later, run after run, and never to reconnect.',
  models:
    'connectors.md root cause 9 (Google Workspace reauth invalid_rapt: openclaw/gogcli#338, salto-io/salto#5872) and section 4 "Workspace session control"',
  targets: ['google'],
  caughtBy: ['expiry-prompts-once', 'policy-sets-the-pace'],
  createManager: rewritingTokenResponses(({ parsed, body }) => {
    const subtype =
      typeof body === 'object' && body !== null
        ? safeErrorCode((body as { error_subtype?: unknown }).error_subtype)
        : undefined
    return subtype === 'invalid_rapt' || subtype === 'rapt_required'
      ? { kind: 'failure', failure: { kind: 'transient', detail: `token endpoint answered ${subtype}` } }
      : parsed
  }),
})

export const createManager = mutant.createManager

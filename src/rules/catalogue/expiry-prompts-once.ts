import { ASK_ADMIN, healthy, OK, promptDead, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const expiryPromptsOnce: RuleDefinition = {
  id: 'expiry-prompts-once',
  statement:
    "When the source's refresh-token policy ends a grant, the next run asks to reconnect, and one Connect restores silent runs.",
  source:
    'Troubleshooting page: "The refresh token expires because of the source system\'s token lifetime policy" and the triage table row "You\'re prompted to reconnect and clicking Connect resolves it: no action needed".',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run') return undefined
    if (s.holds && s.grant.kind === 'ended' && s.grant.origin === 'policy') {
      const prompt = promptDead(s.provider, s.grant.origin)
      const allowed = s.secretMismatch ? [prompt, ASK_ADMIN] : [prompt]
      return withTransient(s, { allowed, because: `the source's policy ended the grant (${s.grant.cause})` })
    }
    if (s.firstRunAfterConnect?.promptCause === 'policy' && healthy(s)) {
      return withTransient(s, {
        allowed: [OK],
        because: 'one Connect after an expiry prompt must restore silent runs',
      })
    }
    return undefined
  },
}

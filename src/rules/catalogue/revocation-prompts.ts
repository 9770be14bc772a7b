import { ASK_ADMIN, healthy, OK, promptDead, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const revocationPrompts: RuleDefinition = {
  id: 'revocation-prompts',
  statement:
    'After the teammate or an admin revokes the app in the source, the next run asks to reconnect; Connect restores.',
  source:
    'Troubleshooting page: "You or an admin revoked the Glean connected app in the source system"; Salesforce and Google notes: "they\'ll need to re-authorize by running an agent ... and clicking Connect".',
  providers: 'all',
  judge(s) {
    if (s.kind !== 'run') return undefined
    if (s.holds && s.grant.kind === 'ended' && s.grant.origin === 'revocation') {
      const prompt = promptDead(s.provider, s.grant.origin)
      const allowed = s.secretMismatch ? [prompt, ASK_ADMIN] : [prompt]
      return withTransient(s, { allowed, because: `the grant was revoked in the source (${s.grant.cause})` })
    }
    if (s.firstRunAfterConnect?.promptCause === 'revocation' && healthy(s)) {
      return withTransient(s, {
        allowed: [OK],
        because: 'one Connect after a revocation prompt must restore silent runs',
      })
    }
    return undefined
  },
}

import type { OrgSpec, TraceStep } from '../../world/types.ts'
import type { RuleDefinition, Violation } from '../types.ts'

/**
 * A Zendesk pack on an OAuth client that still gets legacy, non-expiring tokens (`options.tokens:
 * legacy`, the mock's zendesk.legacy-tokens quirk). Only there does opting in change anything: an
 * enforced client gets expiring tokens whatever the request says.
 */
function legacyZendeskPacks(org: OrgSpec): Set<string> {
  return new Set(
    org.packs.filter((p) => p.provider === 'zendesk' && p.options?.['tokens'] === 'legacy').map((p) => p.id),
  )
}

/** The successful code exchanges a legacy Zendesk client answered in this step: what the rule judges. */
function legacyCodeExchanges(step: TraceStep, org: OrgSpec): TraceStep['requests'] {
  const legacy = legacyZendeskPacks(org)
  if (legacy.size === 0) return []
  return step.requests.filter(
    (r) =>
      legacy.has(r.pack) &&
      r.endpoint === 'token' &&
      r.grantType === 'authorization_code' &&
      r.status >= 200 &&
      r.status < 300,
  )
}

/**
 * Every code exchange a legacy Zendesk client answered in this step that did not send `expires_in`:
 * the grant it created is a legacy one (no refresh token, no expiry), which Zendesk retires.
 */
export function legacyGrantsCreated(step: TraceStep, org: OrgSpec): Violation[] {
  return legacyCodeExchanges(step, org)
    .filter((r) => r.params['expires_in'] === undefined)
    .map((r) => ({
      rule: 'zendesk-opts-into-expiring-tokens' as const,
      stepIndex: step.index,
      because: `${r.pack}'s Zendesk client still issues legacy tokens, and the Connect did not send expires_in: the grant got a non-expiring token without a refresh token, which Zendesk requires every integration to leave (refresh tokens by 1 Apr 2027); send expires_in on the code exchange to opt the grant in`,
      allowed: [],
      actual: step.result,
    }))
}

/**
 * A finding about the future: today a legacy grant works (every outcome is right, so no other rule
 * can see it), and it stops working when Zendesk retires non-expiring tokens (connectors.md root
 * cause 8: "works in testing, dies at first expiry"). It fails rather than warns because nothing else
 * in the report would show it before the deadline, and it is a one-parameter fix (docs/RULES.md).
 */
export const zendeskOptsIntoExpiringTokens: RuleDefinition = {
  id: 'zendesk-opts-into-expiring-tokens',
  statement:
    'On a Zendesk OAuth client that still issues legacy non-expiring tokens, every Connect opts into expiring tokens (sends expires_in), so each grant gets a refresh token before Zendesk retires legacy ones.',
  source:
    'connectors.md §5, "Which clients are enforced | … older clients keep non-expiring tokens unless expires_in is sent (then an RT is also issued)" and "Deadlines | … all customers by 1 Apr 2027"; root cause 8 (Zendesk migration: estuary/connectors#2886, airbyte#65103).',
  providers: ['zendesk'],
  judgeTrace(trace, org) {
    const last = trace[trace.length - 1]
    return last === undefined ? [] : legacyGrantsCreated(last, org)
  },
  // A check is a Connect on a legacy client, not every step.
  judgesStep: (step, org) => legacyCodeExchanges(step, org).length > 0,
}

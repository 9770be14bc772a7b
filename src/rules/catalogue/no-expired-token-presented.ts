import { formatDuration } from '../../clock.ts'
import type { TraceStep } from '../../world/types.ts'
import { defineTraceIndex, type TraceIndexes } from '../trace-indexes.ts'
import type { RuleDefinition, Violation } from '../types.ts'

/**
 * How late a presentation may reach the source and still count as on time: one request's flight
 * (the API call's own latency, up to the 30 s the profiles inject, is inside the log's timestamp).
 * It does not grow with the manager's clock skew on purpose: expires_in is relative, so a manager that
 * anchors expiry on its own clock when it sends the request is skew-proof (src/manager/decisions.ts);
 * the skew the profiles generate (up to 8 minutes either way) is there to expose arithmetic that
 * mixes the manager's clock with the source's (connectors.md root cause 10).
 */
export const IN_FLIGHT_SLACK_MS = 45_000

interface ExpiryIndex {
  upTo: number
  /** Access-token label -> when the source said it expires (world time) and which pack issued it. */
  expiresAt: Map<string, { atMs: number; lifetimeMs: number }>
  /** Manager processes (instance:generation) that crashed: their late requests are not presentations. */
  dead: Set<string>
  violations: Violation[]
}
const EXPIRY_INDEX = defineTraceIndex<ExpiryIndex>('announced expiries', () => ({
  upTo: 0,
  expiresAt: new Map(),
  dead: new Set(),
  violations: [],
}))

/** Every API call that presented an access token after the expiry the source announced for it. */
export function expiredPresentations(trace: readonly TraceStep[], indexes: TraceIndexes): Violation[] {
  const index = indexes.of(EXPIRY_INDEX)
  for (; index.upTo < trace.length; index.upTo++) {
    const step = trace[index.upTo]!
    for (const e of step.io ?? []) {
      if (
        e.kind === 'token_request' &&
        e.issued?.accessToken !== undefined &&
        e.issued.expiresInMs !== undefined
      ) {
        // The source's clock is the world's: it answered at e.atMs, so that is where expires_in counts from.
        index.expiresAt.set(e.issued.accessToken, {
          atMs: e.atMs + e.issued.expiresInMs,
          lifetimeMs: e.issued.expiresInMs,
        })
      }
      // A crashed process's request still in flight reaches the source later: nobody's manager sent it
      // after the expiry, so it is not a presentation (the process that held the token is gone).
      if (e.kind === 'crash') index.dead.add(`${e.proc.instance}:${e.proc.generation}`)
      if (e.kind !== 'api_request') continue
      if (index.dead.has(`${e.proc.instance}:${e.proc.generation}`)) continue
      const expiry = index.expiresAt.get(e.accessToken)
      if (expiry === undefined || e.atMs <= expiry.atMs + IN_FLIGHT_SLACK_MS) continue
      index.violations.push({
        rule: 'no-expired-token-presented',
        stepIndex: step.index,
        because: `${e.accessToken} was presented to ${e.pack}'s API ${formatDuration(e.atMs - expiry.atMs)} after the expiry the source announced for it (expires_in ${formatDuration(expiry.lifetimeMs)}): refresh ahead of expiry, on the manager's own clock`,
        allowed: [],
        actual: step.result,
      })
    }
  }
  return index.violations
}

export const noExpiredTokenPresented: RuleDefinition = {
  id: 'no-expired-token-presented',
  statement:
    'No access token is presented after the expiry the source announced for it (expires_in), whatever the skew between the manager and the source.',
  source:
    'connectors.md, root cause 10 (clock skew / expiry arithmetic: refresh scheduled from a skewed clock or with the skew applied with the wrong sign; angular-oauth2-oidc#1135, workos/authkit-nextjs#470, spring-security#7511) and DESIGN.md section 4 (refresh within a margin of expiry, not only on a 401).',
  providers: 'all',
  judgeTrace(trace, _org, indexes) {
    const last = trace[trace.length - 1]
    return expiredPresentations(trace, indexes).filter((v) => v.stepIndex === last?.index)
  },
}

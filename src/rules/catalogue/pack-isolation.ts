import type { TraceStep } from '../../world/types.ts'
import { healthy, OK, withTransient } from '../allowed.ts'
import { defineTraceIndex, type TraceIndexes } from '../trace-indexes.ts'
import type { RuleDefinition, Violation } from '../types.ts'

/** Which pack's source issued each token label, built once per trace as steps are added. */
interface IssuedIndex {
  upTo: number
  issuedBy: Map<string, string>
  violations: Violation[]
}
const ISSUED_INDEX = defineTraceIndex<IssuedIndex>('issuing packs', () => ({
  upTo: 0,
  issuedBy: new Map(),
  violations: [],
}))

/**
 * Every token presented to a pack's source (an access token to its API, a refresh token to its token
 * endpoint) that another pack's source issued. Tokens are harness labels, unique across the world.
 */
export function crossPackPresentations(trace: readonly TraceStep[], indexes: TraceIndexes): Violation[] {
  const index = indexes.of(ISSUED_INDEX)
  for (; index.upTo < trace.length; index.upTo++) {
    const step = trace[index.upTo]!
    for (const e of step.io ?? []) {
      const presented =
        e.kind === 'api_request' ? e.accessToken : e.kind === 'token_request' ? e.presented : undefined
      const pack = e.kind === 'api_request' || e.kind === 'token_request' ? e.pack : undefined
      if (presented !== undefined && pack !== undefined) {
        const owner = index.issuedBy.get(presented)
        if (owner !== undefined && owner !== pack) {
          index.violations.push({
            rule: 'pack-isolation',
            stepIndex: step.index,
            because: `a token ${owner}'s source issued (${presented}) was presented to ${pack}'s source: the packs share credentials`,
            allowed: [],
            actual: step.result,
          })
        }
      }
      if (e.kind === 'token_request' && e.issued) {
        if (e.issued.accessToken !== undefined) index.issuedBy.set(e.issued.accessToken, e.pack)
        if (e.issued.refreshToken !== undefined) index.issuedBy.set(e.issued.refreshToken, e.pack)
      }
    }
  }
  return index.violations
}

/**
 * Two powers: per run, the outcome on a healthy pack after another pack was touched (silent-refresh's
 * situation, narrowed); and over the IO log, its own: no token one pack's source issued is ever
 * presented to another pack's source. The second catches a manager that mixes the packs' credentials
 * and recovers (falls back after the other site refuses the token), which no outcome shows
 * (mutant access-token-cached-per-teammate).
 */
export const packIsolation: RuleDefinition = {
  id: 'pack-isolation',
  statement:
    "Each pack (one per Jira site) keeps its own credentials; nothing done to one pack changes another's outcomes.",
  source:
    'Troubleshooting page, Jira: "If you manage multiple Jira sites, create a separate action pack per site so each can be bound to its own datasource instance."',
  providers: ['jira'],
  judge(s) {
    if (s.kind !== 'run' || !s.otherPackTouchedSinceLastRun || !healthy(s)) return undefined
    return withTransient(s, {
      allowed: [OK],
      because: 'only another pack was revoked, reset, re-keyed or faulted; this pack is healthy',
    })
  },
  judgeTrace(trace, _org, indexes) {
    // Report each cross-pack presentation once, at the step it happened (the newest step's only).
    const last = trace[trace.length - 1]
    return crossPackPresentations(trace, indexes).filter((v) => v.stepIndex === last?.index)
  },
}

/**
 * Test fixture shared by the protocol tests: teammates refreshing at once on one process, the first
 * refresh answered 429 with Retry-After, judged by the two interleaving rules. Which request the world
 * sees first is what the scheduler, not the gateway's arrival order, must decide.
 */
import { ruleById } from '../../rules/catalogue/index.ts'
import type { OrgSpec, TimelineEvent } from '../../world/types.ts'

export const RATE_LIMITED_ORG: OrgSpec = {
  teammates: ['alice', 'bob'],
  packs: [
    {
      id: 'baseline',
      provider: 'baseline',
      setup: 'custom',
      policy: { accessTokenTtlMs: 3_600_000, rotation: true, reuseLeewayMs: 600_000 },
    },
  ],
}

/** A 429 fault on the token endpoint, an hour for every access token to expire, then these runs at once on process 0. */
export function rateLimitedConcurrentRuns(teammates: readonly string[]): TimelineEvent[] {
  return [
    {
      type: 'fault',
      pack: 'baseline',
      endpoint: 'token',
      fault: { kind: 'http_error', status: 429, retryAfterSeconds: 1 },
      times: 1,
    },
    { type: 'advance', ms: 3_660_000 },
    {
      type: 'concurrent_runs',
      runs: teammates.map((teammate) => ({ teammate, pack: 'baseline', instance: 0 })),
    },
  ]
}

/** The rules that judge it. */
export const interleavingRules = () => [ruleById('transient-never-prompts'), ruleById('rotation-is-durable')]

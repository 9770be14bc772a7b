import type { RuleDefinition } from '../types.ts'

/**
 * Rules from DESIGN.md section 5 whose checks live with the connector, concurrency and CI work.
 * They are listed so `reconnect-lab list` and the report show the whole catalogue; a rule without a
 * judge is reported as `skip`, never as a pass.
 */
export const pendingRules: RuleDefinition[] = [
  {
    id: 'rotation-is-durable',
    statement:
      'With rotating refresh tokens, concurrent runs, restarts and lost responses never make the manager present a refresh token the source already replaced, except where the source itself destroyed the grant.',
    source: 'connectors.md, root causes 1, 2 and 6.',
    providers: ['baseline', 'jira', 'slack', 'salesforce', 'zendesk', 'databricks'],
  },
]

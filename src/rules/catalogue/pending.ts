import type { RuleDefinition } from '../types.ts'

/**
 * Rules from DESIGN.md section 5 whose checks live with the connector, concurrency and CI work.
 * They are listed so `reconnect-lab list` and the report show the whole catalogue; a rule without a
 * judge is reported as `skip`, never as a pass.
 */
export const pendingRules: RuleDefinition[] = []

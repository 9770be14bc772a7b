import { compileDefinition, type Scenario } from './load.ts'
import type { ScenarioDefinition } from './types.ts'

/**
 * A scenario in TypeScript, with the YAML format's exact shape and checks: the object is validated
 * when the module loads, and a problem throws a ScenarioError naming the scenario and the field.
 *
 * ```ts
 * export const lostRotation = defineScenario({
 *   id: 'lost-rotation',
 *   org: { teammates: ['alice'], packs: [{ id: 'jira', provider: 'baseline', setup: 'custom' }] },
 *   timeline: [{ connect: 'alice@jira' }, { at: '+61m', run: 'alice@jira' }],
 * })
 * ```
 */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  return compileDefinition(definition, `scenario "${definition.id}"`)
}

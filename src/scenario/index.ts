/** Scenario files and `defineScenario`: the readable, replayable timeline format (docs/SCENARIO-FORMAT.md). */
export { defineScenario } from './define.ts'
export {
  compileDefinition,
  formatIssues,
  loadScenarioFile,
  parseScenario,
  type Scenario,
  ScenarioError,
} from './load.ts'
export { replayScenario, type ScenarioReplay, timelineRules } from './replay.ts'
export { type CompiledStep, staticEvents } from './scenario-schema.ts'
export type { Issue } from './schema.ts'
export { formatDayTime, parseTimeSpec, type TimeSpec } from './time.ts'
export type * from './types.ts'
export { counterexampleFileName, counterexampleToYaml } from './write.ts'

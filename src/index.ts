/**
 * reconnect-lab's programmatic API. The adapter contract (what a user's token manager implements) is
 * the first block; the rest is for driving the suite from code.
 */
export * from './manager/contract.ts'
export {
  createManager as createReferenceManagerWithDefaults,
  createReferenceManager,
} from './manager/reference-manager.ts'
export type { ReferenceManagerOptions, ManagerParts } from './manager/reference-manager.ts'
export { createMemoryCredentialStore } from './manager/memory-store.ts'
export { ManualClock, OffsetClock, type Clock, DAY_MS, HOUR_MS, MINUTE_MS } from './clock.ts'
export { createWorld, World } from './world/world.ts'
export type { OrgSpec, PackSpec, TimelineEvent, TraceStep, StepResult } from './world/types.ts'
export { exitCodeForError, isLabError, LabError, type LabErrorCode } from './errors.ts'
export { Oracle } from './oracle/oracle.ts'
export { RULES, ruleById } from './rules/catalogue/index.ts'
export type { RuleDefinition, RuleId, Violation } from './rules/types.ts'
export { runConformance, type ConformanceReport, type ConformanceOptions } from './suite/conformance.ts'
export { replayTimeline } from './suite/play.ts'
export { redactSecrets } from './redact.ts'
export {
  defineScenario,
  loadScenarioFile,
  parseScenario,
  replayScenario,
  ScenarioError,
  type Scenario,
  type ScenarioDefinition,
  type ScenarioStep,
  type ScenarioPack,
  type ScenarioPolicy,
} from './scenario/index.ts'
export { guardManager, loadManagerModule, DEFAULT_CALL_TIMEOUT_MS } from './manager/load.ts'

import { rotationIsDurable } from '../rules/catalogue/rotation-is-durable.ts'
import { transientNeverPrompts } from '../rules/catalogue/transient-never-prompts.ts'
import type { StandaloneContext, StandaloneHarness } from '../rules/types.ts'
import { type InterleavingContext, interleavingStandalone } from './interleavings.ts'
import { playScripted, scriptedCounterexample } from './scripted.ts'

/**
 * The rules whose standalone checks share one scheduled-interleaving exploration per provider: both
 * are judged on every explored interleaving, and each reports its own result from it.
 */
const INTERLEAVING_RULES = [rotationIsDurable, transientNeverPrompts]

/**
 * The suite's machinery, bound to one provider, for the rules' standalone checks. It is injected
 * (StandaloneContext.harness) so that src/rules never imports src/suite, which runs the rules.
 */
export function createStandaloneHarness(context: InterleavingContext): StandaloneHarness {
  return {
    playScripted,
    scriptedCounterexample,
    exploreInterleavings: (rule) => interleavingStandalone(rule, context, INTERLEAVING_RULES),
  }
}

/** A StandaloneContext for calling one rule's `standalone` directly (tests, tools). */
export function standaloneContext(context: InterleavingContext): StandaloneContext {
  return { ...context, harness: createStandaloneHarness(context) }
}

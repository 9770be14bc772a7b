/**
 * Known-bug token managers ("mutants"): each is the reference manager with exactly one change, and
 * each models a reconnect bug seen in the wild (connectors.md, "Reconnect-loop root causes") or
 * breaks one rule of DESIGN.md section 5. `reconnect-lab selfcheck` runs the suite on every mutant
 * and reports which rule caught it; a mutant nobody catches means a rule or a mock has a blind spot.
 *
 * Every mutant file also exports `createManager`, so it is a valid adapter module:
 * `reconnect-lab run --manager scenarios/mutants/rotated-refresh-token-not-persisted.ts`.
 */
import type {
  CreateManager,
  CredentialStore,
  ManagerEnv,
  ProviderId,
  TokenManager,
} from '../../src/manager/contract.ts'
import { createMemoryCredentialStore } from '../../src/manager/memory-store.ts'
import type { RuleId } from '../../src/rules/types.ts'

export interface MutantDefinition {
  /** Also the file name: scenarios/mutants/<id>.ts. */
  id: string
  title: string
  /** The one change from the reference manager, in one sentence. */
  change: string
  /** The incident or rule it models: a connectors.md root cause (with its links) or a DESIGN.md rule. */
  models: string
  /** The providers whose suites can reveal it; selfcheck runs only these. */
  targets: readonly ProviderId[]
  /** The rules expected to catch it (selfcheck flags a catch by any other rule). */
  caughtBy: readonly RuleId[]
  createManager: CreateManager
}

export function defineMutant(definition: MutantDefinition): MutantDefinition {
  return Object.freeze({
    ...definition,
    targets: [...definition.targets],
    caughtBy: [...definition.caughtBy],
  })
}

/** The world always passes a store; a mutant that wraps the store needs one even when run elsewhere. */
export function storeOf(env: ManagerEnv): CredentialStore {
  return env.store ?? createMemoryCredentialStore()
}

/** A manager's methods as plain functions, so a mutant can replace one and keep the rest. */
export function methodsOf(manager: TokenManager): TokenManager {
  return {
    run: (teammate, pack, callApi) => manager.run(teammate, pack, callApi),
    beginConnect: (teammate, pack) => manager.beginConnect(teammate, pack),
    completeConnect: (teammate, pack, url) => manager.completeConnect(teammate, pack, url),
    clearCredentials: (teammate, pack) => manager.clearCredentials(teammate, pack),
    updateClientSecret: (pack, secret) => manager.updateClientSecret(pack, secret),
  }
}

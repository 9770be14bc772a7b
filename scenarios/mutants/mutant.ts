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
import { createReferenceManager, type ManagerParts } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient, TokenParse } from '../../src/providers/types.ts'
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

/** One token-endpoint answer: what the provider's client made of it, and what it was made from. */
export interface TokenAnswer {
  parsed: TokenParse
  status: number
  headers: Record<string, string>
  body: unknown
  nowMs: number | undefined
  provider: ProviderId
}

/**
 * The reference manager with the providers' `parseTokenResponse` result rewritten: the shape of every
 * mutant whose one change is how it reads the token endpoint's answer. `only`: just this provider's
 * answers (the others are read as the reference does); `parts`: other reference parts the same bug
 * replaces (e.g. needsRefresh); `client`: other pieces of the rewritten client (e.g. its token request).
 */
export function rewritingTokenResponses(
  rewrite: (answer: TokenAnswer) => TokenParse,
  options: {
    only?: ProviderId
    parts?: Partial<Omit<ManagerParts, 'providerFor'>>
    client?: Partial<Omit<ProviderClient, 'parseTokenResponse'>>
  } = {},
): CreateManager {
  return (env) =>
    createReferenceManager(env, {
      parts: {
        ...options.parts,
        providerFor: (pack) => {
          const client = providerClient(pack.provider)
          if (options.only !== undefined && pack.provider !== options.only) return client
          return {
            ...client,
            ...options.client,
            parseTokenResponse: (status, headers, body, nowMs) =>
              rewrite({
                parsed: client.parseTokenResponse(status, headers, body, nowMs),
                status,
                headers,
                body,
                nowMs,
                provider: pack.provider,
              }),
          }
        },
      },
    })
}

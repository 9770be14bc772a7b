/**
 * Deliberately wrong token managers, each one change away from the reference, used to show that a
 * rule can fail. (The shipped mutation suite lives in scenarios/mutants/; these are the foundation's.)
 */
import type { CreateManager, Outcome, TokenManager } from '../../src/manager/contract.ts'
import { outcomeForFailure } from '../../src/manager/decisions.ts'
import { createReferenceManager } from '../../src/manager/reference-manager.ts'

/** Never refreshes: uses the access token until the API rejects it, then asks the teammate to reconnect. */
export const ignoresExpiry: CreateManager = (env) => {
  const inner = createReferenceManager(env, { parts: { needsRefresh: () => false } })
  return {
    ...bind(inner),
    async run(teammate, pack, callApi) {
      let rejected = false
      const outcome = await inner.run(teammate, pack, async (token) => {
        const result = await callApi(token)
        if (result.status === 401) rejected = true
        return result
      })
      return rejected && outcome.kind === 'ok'
        ? { kind: 'connect_required', reason: 'grant_expired' }
        : outcome
    },
  }
}

/** Treats a dead grant as a temporary problem: the teammate is told to retry, forever, instead of to Connect. */
export const neverPromptsOnDeadGrant: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      outcomeForFailure: (failure): Outcome =>
        failure.kind === 'permanent'
          ? { kind: 'retry_later', reason: 'token endpoint refused' }
          : outcomeForFailure(failure),
    },
  })

/** Asks to reconnect on every run, connected or not. */
export const promptsEveryRun: CreateManager = (env) => {
  const inner = createReferenceManager(env)
  return { ...bind(inner), run: async () => ({ kind: 'connect_required', reason: 'grant_invalid' }) }
}

/** The admin console's reset clears every teammate of the pack, not just the one named. */
export const resetClearsEveryone =
  (teammates: readonly string[]): CreateManager =>
  (env) => {
    const inner = createReferenceManager(env)
    return {
      ...bind(inner),
      async clearCredentials(_teammate, pack) {
        for (const t of teammates) await inner.clearCredentials(t, pack)
      },
    }
  }

/** Reads a wrong client secret (invalid_client) as a dead grant: every teammate is sent to Connect, in a loop. */
export const secretMismatchSendsToConnect: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      outcomeForFailure: (failure): Outcome =>
        failure.kind === 'configuration'
          ? { kind: 'connect_required', reason: 'grant_invalid' }
          : outcomeForFailure(failure),
    },
  })

/** After a successful Connect, keeps serving the credential it had before (a stale cache): prompts again. */
export const connectDoesNotStick: CreateManager = (env) => {
  const inner = createReferenceManager(env)
  const prompted = new Set<string>()
  return {
    ...bind(inner),
    async run(teammate, pack, callApi) {
      const key = `${pack}/${teammate}`
      if (prompted.has(key)) return { kind: 'connect_required', reason: 'grant_invalid' }
      const outcome = await inner.run(teammate, pack, callApi)
      if (outcome.kind === 'connect_required') prompted.add(key)
      return outcome
    },
  }
}

function bind(manager: TokenManager): TokenManager {
  return {
    run: manager.run.bind(manager),
    beginConnect: manager.beginConnect.bind(manager),
    completeConnect: manager.completeConnect.bind(manager),
    clearCredentials: manager.clearCredentials.bind(manager),
    updateClientSecret: manager.updateClientSecret.bind(manager),
  }
}

/**
 * Token managers with the concurrency and fault bugs of connectors.md ("Reconnect-loop root causes"),
 * each one change away from the reference manager, used to show that the scheduled interleavings
 * catch every one of them (scenarios/concurrency/broken-managers.test.ts).
 */
import { randomBytes } from 'node:crypto'
import type { CreateManager, CredentialStore, TokenManager } from '../../src/manager/contract.ts'
import { createMemoryCredentialStore } from '../../src/manager/memory-store.ts'
import { createReferenceManager, LEASE_EXTRA } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { FailureClass, ProviderClient } from '../../src/providers/types.ts'

function bind(manager: TokenManager): TokenManager {
  return {
    run: manager.run.bind(manager),
    beginConnect: manager.beginConnect.bind(manager),
    completeConnect: manager.completeConnect.bind(manager),
    clearCredentials: manager.clearCredentials.bind(manager),
    updateClientSecret: manager.updateClientSecret.bind(manager),
  }
}

/**
 * No single-flight: every run refreshes on its own, so two agents of one teammate in one process
 * present the same refresh token (connectors.md root cause 2, "n8n HTTP node refreshing several times
 * per second"). Built as one reference instance per run that all share this process's identity: the
 * cross-process lease treats them as one process and relies on single-flight, which they do not share.
 */
export const noSingleFlight: CreateManager = (env) => {
  const instanceId = randomBytes(6).toString('base64url')
  const secrets = new Map<string, string>()
  const shared = createReferenceManager(env, { instanceId })
  return {
    ...bind(shared),
    async run(teammate, pack, callApi) {
      const fresh = createReferenceManager(env, { instanceId })
      for (const [id, secret] of secrets) await fresh.updateClientSecret(id, secret)
      return fresh.run(teammate, pack, callApi)
    },
    async updateClientSecret(pack, secret) {
      secrets.set(pack, secret)
      await shared.updateClientSecret(pack, secret)
    },
  }
}

/**
 * No compare-and-swap across instances: the store's compare-and-set writes whatever the version, so
 * two processes both "win" the claim on a credential and both present its refresh token (the
 * multi-process version of root cause 2; Nango's in-process dedupe "not reliable across restarts").
 */
export const noCompareAndSwap: CreateManager = (env) => {
  const store = env.store ?? createMemoryCredentialStore()
  const blind: CredentialStore = {
    get: (key) => store.get(key),
    keys: () => store.keys(),
    async compareAndSet(key, _expectedVersion, next) {
      // Last writer wins: whatever the version now is, write over it.
      for (;;) {
        const current = await store.get(key)
        if (await store.compareAndSet(key, current?.version ?? 0, next)) return true
      }
    },
  }
  return createReferenceManager({ ...env, store: blind })
}

/**
 * Persists after returning the access token: the rotated credential is written only after the agent's
 * API call (root cause 1: "only the new AT is saved ... the next refresh presents a dead RT" when the
 * process dies in between, or another run reads the store before the write).
 */
export const persistsAfterReturning: CreateManager = (env) => {
  const store = env.store ?? createMemoryCredentialStore()
  const deferred: Array<() => Promise<unknown>> = []
  let running = 0
  const late: CredentialStore = {
    get: (key) => store.get(key),
    keys: () => store.keys(),
    async compareAndSet(key, expectedVersion, next) {
      const rotation = next !== undefined && next.extras?.[LEASE_EXTRA] === undefined
      if (running > 0 && rotation) {
        deferred.push(() => store.compareAndSet(key, expectedVersion, next))
        return true
      }
      return store.compareAndSet(key, expectedVersion, next)
    },
  }
  const inner = createReferenceManager({ ...env, store: late })
  return {
    ...bind(inner),
    async run(teammate, pack, callApi) {
      running++
      try {
        return await inner.run(teammate, pack, callApi)
      } finally {
        running--
        // The agent has its answer; only now does the new refresh token reach the store.
        while (deferred.length > 0) await deferred.shift()?.()
      }
    },
  }
}

function withTokenFailures(
  base: ProviderClient,
  rewrite: (failure: FailureClass, status: number) => FailureClass,
): ProviderClient {
  return {
    ...base,
    parseTokenResponse(status, headers, body, nowMs) {
      const parsed = base.parseTokenResponse(status, headers, body, nowMs)
      return parsed.kind === 'failure'
        ? { kind: 'failure', failure: rewrite(parsed.failure, status) }
        : parsed
    },
  }
}

/** Reads a 5xx from the token endpoint as a revoked grant: the teammate is sent to Connect, and the grant is dropped. */
export const fiveXxIsRevoked: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      providerFor: (pack) =>
        withTokenFailures(providerClient(pack.provider), (failure, status) =>
          status >= 500
            ? {
                kind: 'permanent',
                reason: 'grant_revoked',
                detail: `token endpoint failed (${status}), read as revoked`,
              }
            : failure,
        ),
    },
  })

/** Retries a 429 at once: ignores Retry-After and backs off by nothing. */
export const retries429WithoutWaiting: CreateManager = (env) =>
  createReferenceManager(env, {
    parts: {
      backoffDelayMs: () => 0,
      providerFor: (pack) =>
        withTokenFailures(providerClient(pack.provider), (failure) =>
          failure.kind === 'transient' ? { kind: 'transient', detail: failure.detail } : failure,
        ),
    },
  })

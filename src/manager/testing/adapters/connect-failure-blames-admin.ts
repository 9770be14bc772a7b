/**
 * Test adapter: the reference manager, except that every Connect that does not succeed is answered
 * `blocked(admin)` ("the app is misconfigured, ask your admin"), whatever the source said. A code that
 * expired before the callback reached the manager is the teammate's to retry, so the late-callback
 * quirk checks (src/suite/quirk-checks.ts) fail on it; a Connect that succeeds is left alone.
 */
import type { CreateManager } from '../../contract.ts'
import { createReferenceManager } from '../../reference-manager.ts'

export const createManager: CreateManager = (env) => {
  const inner = createReferenceManager(env)
  return {
    run: (teammate, pack, callApi) => inner.run(teammate, pack, callApi),
    beginConnect: (teammate, pack) => inner.beginConnect(teammate, pack),
    async completeConnect(teammate, pack, callbackUrl) {
      const outcome = await inner.completeConnect(teammate, pack, callbackUrl)
      if (outcome.kind === 'ok') return outcome
      return {
        kind: 'blocked',
        reason: 'Connect failed: the OAuth app may be misconfigured',
        contact: 'admin',
      }
    },
    clearCredentials: (teammate, pack) => inner.clearCredentials(teammate, pack),
    updateClientSecret: (pack, secret) => inner.updateClientSecret(pack, secret),
  }
}

/** Test adapter: `run` answers `{ kind: 'success' }`, which is not an Outcome. */
import type { CreateManager, Outcome } from '../../contract.ts'
import { createReferenceManager } from '../../reference-manager.ts'

export const createManager: CreateManager = (env) => {
  const inner = createReferenceManager(env)
  return {
    run: async () => ({ kind: 'success' }) as unknown as Outcome,
    beginConnect: (t, p) => inner.beginConnect(t, p),
    completeConnect: (t, p, url) => inner.completeConnect(t, p, url),
    clearCredentials: (t, p) => inner.clearCredentials(t, p),
    updateClientSecret: (p, s) => inner.updateClientSecret(p, s),
  }
}

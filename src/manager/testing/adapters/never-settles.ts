/** Test adapter: `run` returns a promise that never settles. */
import type { CreateManager } from '../../contract.ts'
import { createReferenceManager } from '../../reference-manager.ts'

export const createManager: CreateManager = (env) => {
  const inner = createReferenceManager(env)
  return {
    run: () => new Promise(() => {}),
    beginConnect: (t, p) => inner.beginConnect(t, p),
    completeConnect: (t, p, url) => inner.completeConnect(t, p, url),
    clearCredentials: (t, p) => inner.clearCredentials(t, p),
    updateClientSecret: (p, s) => inner.updateClientSecret(p, s),
  }
}

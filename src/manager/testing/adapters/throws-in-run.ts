/** Test adapter: `run` throws an error that quotes the teammate's stored refresh token. */
import type { CreateManager } from '../../contract.ts'
import { createMemoryCredentialStore } from '../../memory-store.ts'
import { createReferenceManager, credentialKey } from '../../reference-manager.ts'

function explode(token: string | undefined): never {
  throw new Error(`refresh exploded while holding ${token}`)
}

export const createManager: CreateManager = (env) => {
  const store = env.store ?? createMemoryCredentialStore()
  const inner = createReferenceManager({ ...env, store })
  return {
    run: async (teammate, pack) => {
      const row = await store.get(credentialKey(pack, teammate))
      return explode(row?.credential.refreshToken)
    },
    beginConnect: (t, p) => inner.beginConnect(t, p),
    completeConnect: (t, p, url) => inner.completeConnect(t, p, url),
    clearCredentials: (t, p) => inner.clearCredentials(t, p),
    updateClientSecret: (p, s) => inner.updateClientSecret(p, s),
  }
}

/** Test adapter: the reference manager plus a fire-and-forget audit write that rejects. */
import type { CreateManager } from '../../contract.ts'
import { createManager as reference } from '../../reference-manager.ts'

async function audit(): Promise<void> {
  throw new Error('audit log unavailable')
}

export const createManager: CreateManager = (env) => {
  const manager = reference(env)
  return {
    ...manager,
    run: (teammate, pack, callApi) => {
      void audit()
      return manager.run(teammate, pack, callApi)
    },
  }
}

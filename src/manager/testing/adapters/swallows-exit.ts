/** Test adapter: calls process.exit in every run but catches what the harness throws, then answers. */
import type { CreateManager } from '../../contract.ts'
import { createManager as reference } from '../../reference-manager.ts'

export const createManager: CreateManager = (env) => {
  const manager = reference(env)
  return {
    ...manager,
    run: (teammate, pack, callApi) => {
      try {
        process.exit(0)
      } catch {
        // carry on as if nothing happened
      }
      return manager.run(teammate, pack, callApi)
    },
  }
}

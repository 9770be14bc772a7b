/** Test adapter: the reference manager, except that a run ends the process. */
import type { CreateManager } from '../../contract.ts'
import { createManager as reference } from '../../reference-manager.ts'

export const createManager: CreateManager = (env) => {
  const manager = reference(env)
  return { ...manager, run: () => process.exit(0) }
}

/** Test adapter: returns an object without most TokenManager methods. */
import type { CreateManager, TokenManager } from '../../contract.ts'

export const createManager: CreateManager = () =>
  ({ run: async () => ({ kind: 'ok' }) }) as unknown as TokenManager

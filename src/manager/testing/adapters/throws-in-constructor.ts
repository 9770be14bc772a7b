/** Test adapter: construction fails (a missing configuration value). */
import type { CreateManager } from '../../contract.ts'

function readConfig(): never {
  throw new Error('TOKEN_DB_URL is not set')
}

export const createManager: CreateManager = () => readConfig()

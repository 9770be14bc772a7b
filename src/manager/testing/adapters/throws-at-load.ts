/** Test adapter: its top-level code throws (a configuration read at import time). */
import type { CreateManager } from '../../contract.ts'

const url: string | undefined = undefined
if (url === undefined) throw new Error('TOKEN_DB_URL is not set')

export const createManager: CreateManager = () => {
  throw new Error('unreachable')
}

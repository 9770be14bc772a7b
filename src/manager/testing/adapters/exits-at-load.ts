/** Test adapter: ends the process while it is being imported (a CLI entry point imported by mistake). */
import type { CreateManager } from '../../contract.ts'
import { createManager as reference } from '../../reference-manager.ts'

process.exit(0)

export const createManager: CreateManager = (env) => reference(env)

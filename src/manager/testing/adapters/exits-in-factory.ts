/** Test adapter: its factory ends the process (a "missing config, exit quietly" habit). */
import type { CreateManager } from '../../contract.ts'

export const createManager: CreateManager = () => process.exit(0)

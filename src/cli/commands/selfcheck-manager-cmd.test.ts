/** `selfcheck --manager-cmd`: the mutants are the command's own, one process each, over the manager protocol. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runSelfcheck } from './selfcheck.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SHIM = 'node --import tsx examples/protocol-shim/shim.ts --mutant {mutant}'

describe('selfcheck --manager-cmd', () => {
  it('refuses a command without {mutant}, saying what to write', async () => {
    await expect(
      runSelfcheck({ managerCmd: 'python3 examples/python/adapter.py', cwd: ROOT }),
    ).rejects.toThrow(/must contain \{mutant\}.*"none" for the reference check/)
  })

  it('catches a shipped mutant served by the shim, and reports a mutant the command cannot start', async () => {
    const result = await runSelfcheck({
      managerCmd: SHIM,
      cwd: ROOT,
      mutants: ['rotated-refresh-token-not-persisted', 'no-such-mutant'],
      providers: ['baseline'],
      available: new Set(['baseline']),
      checkReference: false,
      runs: 20,
    })
    const [shipped, unknown] = result.mutants
    expect(shipped?.status).toBe('caught')
    expect(shipped?.caught?.provider).toBe('baseline')
    expect(unknown?.status).toBe('not_runnable')
    expect(unknown?.note).toMatch(/did not start/)
  }, 300_000)
})

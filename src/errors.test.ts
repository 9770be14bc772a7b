import { describe, expect, it } from 'vitest'
import { exitCodeForError, isLabError, LabError } from './errors.ts'

describe('LabError', () => {
  it('carries a code from the one union and keeps the message', () => {
    const error = new LabError('UNKNOWN_PACK', 'unknown pack "crm"')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('LabError')
    expect(error.code).toBe('UNKNOWN_PACK')
    expect(error.message).toBe('unknown pack "crm"')
    expect(isLabError(error)).toBe(true)
    expect(isLabError(error, 'UNKNOWN_PACK')).toBe(true)
    expect(isLabError(error, 'USAGE')).toBe(false)
    expect(isLabError(new Error('x'))).toBe(false)
  })

  it("maps the user's mistakes to exit 2 and everything else to exit 3", () => {
    expect(exitCodeForError(new LabError('USAGE', 'x'))).toBe(2)
    expect(exitCodeForError(new LabError('SCENARIO_INVALID', 'x'))).toBe(2)
    expect(exitCodeForError(new LabError('MANAGER_LOAD', 'x'))).toBe(2)
    // Caught inside a run; one that escapes to the CLI is reconnect-lab's bug.
    expect(exitCodeForError(new LabError('RULE_VIOLATED', 'x'))).toBe(3)
    expect(exitCodeForError(new LabError('STORE_UNAVAILABLE', 'x'))).toBe(3)
    expect(exitCodeForError(new TypeError('x'))).toBe(3)
    expect(exitCodeForError('a string')).toBe(3)
  })
})

describe('one error type', () => {
  it('src/ defines no error class but LabError and its payload-carrying subclasses', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const { join } = await import('node:path')
    const found: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g))
            found.push(`${m[1]} extends ${m[2]}`)
        }
      }
    }
    walk(import.meta.dirname)
    // `Stop` in suite/scripted.ts is a local control-flow signal that never leaves its function;
    // `RpcCallbackError` is a JSON-RPC error object sent to an out-of-process manager (wire format, numeric code).
    expect(
      found
        .filter(
          (c) =>
            !c.endsWith('extends LabError') && !c.startsWith('Stop ') && !c.startsWith('RpcCallbackError '),
        )
        .sort(),
    ).toEqual(['LabError extends Error'])
  })
})

import { describe, expect, it } from 'vitest'
import { createManager as referenceManager } from '../manager/reference-manager.ts'
import type { Counterexample } from '../suite/counterexample.ts'
import { counterexampleFile } from './counterexample-file.ts'

describe('a counterexample file that does not read back', () => {
  it('is flagged with why, and the run goes on (a writer bug is ours, not an error in the user input)', async () => {
    // A teammate name with a line break: the org check would refuse it in a file, so the writer's
    // text cannot read back. Stands in for any writer bug (once: a multi-line outcome comment).
    const teammate = 'al\nice'
    const ce: Counterexample = {
      rule: 'silent-refresh',
      provider: 'baseline',
      seed: 1,
      path: '0',
      org: { teammates: [teammate], packs: [{ id: 'p', provider: 'baseline', setup: 'central' }] },
      events: [{ type: 'connect', teammate, pack: 'p' }],
      lines: [],
      violations: [],
      reproduced: true,
    }
    const file = await counterexampleFile(ce, { createManager: referenceManager })
    expect(file.reproduced).toBe(false)
    expect(file.differed).toMatch(
      /^the file does not read back as a scenario \(a bug in reconnect-lab, please report it\): silent-refresh-baseline\.yaml:\d+/,
    )
  })
})

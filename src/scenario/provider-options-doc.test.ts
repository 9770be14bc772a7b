import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OPTIONS_BEGIN, providerOptionsTable, withProviderOptions } from './provider-options-doc.ts'

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'SUPPORT.md')

describe('docs/SUPPORT.md provider options', () => {
  it('is generated from the quirk records and the mocks (run `npx tsx scripts/support-doc.ts` when stale)', () => {
    const doc = readFileSync(DOC, 'utf8')
    expect(doc).toContain(OPTIONS_BEGIN)
    expect(withProviderOptions(doc)).toBe(doc)
  })

  it('lists every provider, Slack rotation as an option, and the policy refusals', () => {
    const table = providerOptionsTable()
    expect(table).toContain('`tokenRotation (false \\| true; default false)`')
    expect(table).toMatch(/\| `jira` \|.*refused: jira policy/)
    expect(table).toMatch(/\| `baseline` \| none \| accepted/)
  })
})

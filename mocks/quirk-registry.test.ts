import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allQuirks } from './quirk-registry.ts'

const MOCKS = import.meta.dirname

function testSources(provider: string): string {
  const dir = join(MOCKS, provider)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
}

describe('quirk records', () => {
  it('every provider mock registers its quirks', () => {
    const providers = readdirSync(MOCKS, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'spec')
      .map((d) => d.name)
    for (const provider of providers) {
      expect(
        allQuirks().some((q) => q.provider === provider),
        `${provider} has no quirks in mocks/quirk-registry.ts`,
      ).toBe(true)
    }
  })

  it.each(
    allQuirks().map((q) => [q.id, q] as const),
  )('%s has a test named after it and cites connectors.md', (id, quirk) => {
    expect(testSources(quirk.provider)).toMatch(
      new RegExp(`(it|test)(\\.each\\([^)]*\\))?\\(\\s*['"\`]${id.replace(/\./g, '\\.')}\\b`),
    )
    expect(quirk.source).toMatch(/connectors\.md/)
    if (quirk.kind === 'option') expect(quirk.option?.why.length).toBeGreaterThan(10)
  })
})

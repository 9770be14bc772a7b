import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GENERATED, generatedFiles, renderDoc } from './docs.ts'

const ROOT = join(import.meta.dirname, '..')

describe('generated doc sections', () => {
  it('land in README.md (rules) and docs/FIDELITY.md (fidelity)', () => {
    expect(GENERATED.map((g) => `${g.file}#${g.marker}`)).toEqual([
      'README.md#rules',
      'docs/FIDELITY.md#fidelity',
    ])
  })

  for (const file of generatedFiles()) {
    it(`${file} is up to date with the rule catalogue and the quirk records (run \`npm run docs\`)`, () => {
      const current = readFileSync(join(ROOT, file), 'utf8')
      expect(renderDoc(file, current) === current, `${file} is stale: run \`npm run docs\``).toBe(true)
    })
  }

  it('notices a stale section', () => {
    const current = readFileSync(join(ROOT, 'docs/FIDELITY.md'), 'utf8')
    const stale = current.replace(/\| `[a-z]+\.[a-z0-9-]+` \|/, '| `made.up-quirk` |')
    expect(stale).not.toBe(current)
    expect(renderDoc('docs/FIDELITY.md', stale)).toBe(current)
  })
})

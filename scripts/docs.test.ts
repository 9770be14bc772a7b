import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderReadme } from './docs.ts'

describe('README generated sections', () => {
  it('are up to date with the rule catalogue and the quirk records (run `npm run docs`)', () => {
    const current = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8')
    expect(renderReadme(current) === current, 'README.md is stale: run `npm run docs`').toBe(true)
  })
})

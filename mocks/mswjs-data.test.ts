import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { factory, primaryKey } from './mswjs-data.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

describe('@mswjs/data without its MSW handler generators', () => {
  it('loads the store in a fresh process without msw or graphql', () => {
    // A fresh process: this test worker's module cache may hold what other files loaded.
    const script = `
      await import('./mocks/store.ts')
      const { createRequire } = await import('node:module')
      const cache = createRequire(import.meta.url).cache
      const files = Object.keys(cache)
      console.log(JSON.stringify({
        data: files.filter((f) => f.includes('/node_modules/@mswjs/data/')).length,
        msw: files.filter((f) => /[/]node_modules[/](msw|graphql)[/]/.test(f)).length,
      }))`
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    const loaded = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { data: number; msw: number }
    expect(loaded.data).toBeGreaterThan(10)
    expect(loaded.msw).toBe(0)
  })

  it("keeps @mswjs/data's own models and queries, and says why toHandlers is missing", () => {
    const db = factory({ user: { id: primaryKey(String), name: String } })
    db.user.create({ id: 'u1', name: 'ada' })
    expect(db.user.findFirst({ where: { id: { equals: 'u1' } } })?.name).toBe('ada')
    expect(() => db.user.toHandlers('rest')).toThrow(/not loaded in reconnect-lab: its mocks are Hono apps/)
    expect(() => db.user.toHandlers('graphql')).toThrow(/generateGraphQLHandlers/)
  })
})

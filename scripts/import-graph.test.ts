import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeFindings, findCycles, findLayerViolations, readImportGraph } from './import-graph.ts'

const ROOT = join(import.meta.dirname, '..')

describe('the project import graph', () => {
  const graph = readImportGraph(ROOT)

  it('reads the whole tree (a broken reader would find nothing to complain about)', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get('src/world/world.ts')?.size ?? 0).toBeGreaterThan(3)
  })

  it('has no import cycle, type-only imports included', () => {
    expect(describeFindings(findCycles(graph), [])).toEqual([])
  })

  it('keeps mocks/ off src/ (except the clock and ids) and src/rules/ off src/suite/', () => {
    expect(describeFindings([], findLayerViolations(graph))).toEqual([])
  })
})

describe('the checker itself, on a made-up tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'import-graph-'))
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  write('src/clock.ts', 'export const MS = 1\n')
  write('src/a.ts', "import type { B } from './b.ts'\nexport type A = B | 1\n")
  write('src/b.ts', "import type {\n  A,\n} from './a.ts'\nexport type B = A | 2\n")
  write(
    'src/c.ts',
    " * import { D } from './d.ts'   (an example in a comment, not an edge)\nexport const c = 1\n",
  )
  write('src/d.ts', "import { c } from './c.ts'\nexport const d = c\n")
  write('src/lazy.ts', "export const load = () => import('./lazy-back.ts')\n")
  write('src/lazy-back.ts', "import './lazy.ts'\nexport const back = 1\n")
  write('src/world/registry.ts', 'export const KEY = 1\n')
  write(
    'mocks/p/index.ts',
    "import { MS } from '../../src/clock.ts'\nexport { KEY } from '../../src/world/registry.ts'\n",
  )
  write('src/rules/r.ts', "import type { S } from '../suite/s.ts'\nexport type R = S\n")
  write('src/suite/s.ts', 'export type S = 1\n')
  write('src/x.test.ts', "import { d } from './d.ts'\n")
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const graph = readImportGraph(root)

  it('finds a type-only cycle, a multi-line import, a dynamic and a side-effect import', () => {
    expect(findCycles(graph)).toEqual([
      ['src/a.ts', 'src/b.ts'],
      ['src/lazy-back.ts', 'src/lazy.ts'],
    ])
  })

  it('skips tests and comment lines', () => {
    expect(graph.has('src/x.test.ts')).toBe(false)
    expect([...(graph.get('src/c.ts') ?? [])]).toEqual([])
  })

  it('flags a mock importing the harness and a rule importing the suite, not the clock', () => {
    expect(findLayerViolations(graph).map((v) => `${v.file} -> ${v.imports}`)).toEqual([
      'mocks/p/index.ts -> src/world/registry.ts',
      'src/rules/r.ts -> src/suite/s.ts',
    ])
  })
})

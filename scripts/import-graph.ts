/**
 * The project's import graph and the two things it must never hold: an import cycle, and an import
 * across a layer boundary (docs/DESIGN.md section 2). Type-only imports count: a type-level cycle
 * still couples the files, and TypeScript has to load them together.
 *
 * Written by hand because the maintained packages do not fit: dependency-cruiser 18 needs Node 22,
 * and madge parses TypeScript through the compiler's JS API, which TypeScript 7 no longer has.
 * Usage: `node --import tsx scripts/import-graph.ts [DIR]` prints every finding, exit 1 if any.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

/** Each key is a repository-relative file; each value the project files it imports (relative paths). */
export type ImportGraph = Map<string, Set<string>>

const TOP_DIRS = ['src', 'mocks', 'scenarios', 'scripts'] as const

/**
 * Static imports and re-exports (`import x from`, `import type {..} from`, `export * from`), side-effect
 * imports (`import './x.ts'`) and literal dynamic imports (`import('./x.ts')`). Anchored at the start
 * of a line, so an example inside a comment block (` * import ...`) is not an edge.
 */
const STATIC = /(?:^|\n)[ \t]*(?:import|export)\s[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g
const SIDE_EFFECT = /(?:^|\n)[ \t]*import\s*['"](\.{1,2}\/[^'"]+)['"]/g
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

function sourceFiles(root: string): string[] {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (/\.m?ts$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) files.push(path)
    }
  }
  for (const top of TOP_DIRS) if (existsSync(join(root, top))) walk(join(root, top))
  return files
}

function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier)
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

/** Reads every non-test TypeScript file under src/, mocks/, scenarios/ and scripts/ of `root`. */
export function readImportGraph(root: string): ImportGraph {
  const absolute = sourceFiles(root)
  const known = new Set(absolute)
  const rel = (file: string) => relative(root, file).split(sep).join('/')
  const graph: ImportGraph = new Map()
  for (const file of absolute) {
    const text = readFileSync(file, 'utf8')
    const deps = new Set<string>()
    for (const pattern of [STATIC, SIDE_EFFECT, DYNAMIC]) {
      for (const match of text.matchAll(pattern)) {
        const target = resolveSpecifier(file, match[1] ?? '')
        if (target !== undefined && known.has(target)) deps.add(rel(target))
      }
    }
    graph.set(rel(file), deps)
  }
  return graph
}

/** Strongly connected components of more than one file (or a file importing itself), each sorted. */
export function findCycles(graph: ImportGraph): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter)
    counter++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0))
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string | undefined
      do {
        w = stack.pop()
        if (w === undefined) break
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || graph.get(v)?.has(v)) cycles.push(component.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v)
  return cycles.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
}

/** A directory that may import from another only through the listed files. */
export interface LayerRule {
  from: string
  to: string
  /** Files under `to` that `from` may still import; empty: none. */
  except: readonly string[]
  why: string
}

/** The boundaries of docs/DESIGN.md section 2. */
export const LAYER_RULES: readonly LayerRule[] = [
  {
    from: 'mocks/',
    to: 'src/',
    except: ['src/clock.ts', 'src/ids.ts'],
    why: 'the mocks are the providers (server side) and must not know the harness; they share only the injected clock and ids',
  },
  {
    from: 'src/rules/',
    to: 'src/suite/',
    except: [],
    why: 'the suite runs the rules; standalone checks get the suite machinery injected (StandaloneContext.harness)',
  },
]

export interface LayerViolation {
  file: string
  imports: string
  rule: LayerRule
}

export function findLayerViolations(
  graph: ImportGraph,
  rules: readonly LayerRule[] = LAYER_RULES,
): LayerViolation[] {
  const violations: LayerViolation[] = []
  for (const [file, deps] of graph) {
    for (const rule of rules) {
      if (!file.startsWith(rule.from)) continue
      for (const dep of deps) {
        if (dep.startsWith(rule.to) && !rule.except.includes(dep))
          violations.push({ file, imports: dep, rule })
      }
    }
  }
  return violations.sort((a, b) => `${a.file} ${a.imports}`.localeCompare(`${b.file} ${b.imports}`))
}

export function describeFindings(cycles: readonly string[][], layers: readonly LayerViolation[]): string[] {
  return [
    ...cycles.map((c) => `import cycle of ${c.length}: ${c.join(' -> ')}`),
    ...layers.map((v) => `${v.file} imports ${v.imports}: ${v.rule.why}`),
  ]
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)
if (invokedDirectly) {
  const root = resolve(process.argv[2] ?? '.')
  const graph = readImportGraph(root)
  const findings = describeFindings(findCycles(graph), findLayerViolations(graph))
  for (const line of findings) console.log(line)
  console.log(`${findings.length} finding(s) among ${graph.size} files`)
  process.exitCode = findings.length > 0 ? 1 : 0
}

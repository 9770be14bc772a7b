/**
 * A small declarative schema over YAML nodes. Each schema reads one node and either returns a typed
 * value or records an issue that names the field (`timeline[3].endpoint`) and, for parsed files,
 * the line and column (from the node's source range). The same schemas check a parsed file and a
 * `defineScenario({...})` object (turned into a YAML document first), so both report alike.
 */
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml'

export interface Issue {
  /** Dotted field path, e.g. `org.packs[0].policy.rotation`; `(root)` for the document itself. */
  path: string
  message: string
  /** 1-based; absent when the value did not come from a file. */
  line?: number
  col?: number
}

/** Collects issues; positions come from node ranges when the document was parsed with a LineCounter. */
export class Reader {
  readonly issues: Issue[] = []

  constructor(private readonly lines?: LineCounter) {}

  report(node: Node | Pair | null | undefined, path: string, message: string): undefined {
    const issue: Issue = { path: path === '' ? '(root)' : path, message }
    const offset = rangeStart(node)
    if (this.lines && offset !== undefined) {
      const pos = this.lines.linePos(offset)
      issue.line = pos.line
      issue.col = pos.col
    }
    this.issues.push(issue)
    return undefined
  }

  /** The 1-based line of a node, for messages that point elsewhere ("first defined on line 4"). */
  lineOf(node: Node | Pair | null | undefined): number | undefined {
    const offset = rangeStart(node)
    return this.lines && offset !== undefined ? this.lines.linePos(offset).line : undefined
  }
}

function rangeStart(node: Node | Pair | null | undefined): number | undefined {
  if (!node) return undefined
  if (isPair(node)) return rangeStart(node.key as Node | null) ?? rangeStart(node.value as Node | null)
  return node.range?.[0]
}

/** Reads one node; `undefined` means invalid (an issue was recorded). */
export type Schema<T> = (node: Node | null, path: string, reader: Reader) => T | undefined

export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

function describeNode(node: Node | null): string {
  if (node === null) return 'nothing'
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) {
    const v = node.value
    if (v === null) return 'an empty value'
    if (typeof v === 'string') return `"${v}"`
    return String(v)
  }
  return 'an alias'
}

function scalarValue(node: Node | null): unknown {
  return node !== null && isScalar(node) ? node.value : undefined
}

export function text(options: { pattern?: RegExp; hint?: string } = {}): Schema<string> {
  return (node, path, reader) => {
    const value = scalarValue(node)
    if (typeof value !== 'string' || value === '')
      return reader.report(node, path, `expected ${options.hint ?? 'text'}, got ${describeNode(node)}`)
    if (options.pattern && !options.pattern.test(value))
      return reader.report(node, path, `"${value}" is not ${options.hint ?? `like ${options.pattern}`}`)
    return value
  }
}

export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return (node, path, reader) => {
    const value = scalarValue(node)
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T
    return reader.report(node, path, `expected one of ${values.join(', ')}, got ${describeNode(node)}`)
  }
}

export function integer(options: { min?: number; max?: number } = {}): Schema<number> {
  return (node, path, reader) => {
    const value = scalarValue(node)
    const min = options.min ?? Number.MIN_SAFE_INTEGER
    const max = options.max ?? Number.MAX_SAFE_INTEGER
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range =
        options.max === undefined ? `>= ${min}` : `between ${options.min ?? '-inf'} and ${options.max}`
      return reader.report(node, path, `expected a whole number ${range}, got ${describeNode(node)}`)
    }
    return value
  }
}

export function flag(): Schema<boolean> {
  return (node, path, reader) => {
    const value = scalarValue(node)
    if (typeof value !== 'boolean')
      return reader.report(node, path, `expected true or false, got ${describeNode(node)}`)
    return value
  }
}

/** A string checked and converted by `convert`, whose RangeError message becomes the issue. */
export function parsed<T>(hint: string, convert: (text: string) => T): Schema<T> {
  return (node, path, reader) => {
    const value = scalarValue(node)
    if (typeof value !== 'string')
      return reader.report(node, path, `expected ${hint}, got ${describeNode(node)}`)
    try {
      return convert(value)
    } catch (error) {
      return reader.report(node, path, error instanceof Error ? error.message : String(error))
    }
  }
}

export function nullable<T>(schema: Schema<T>, words: readonly string[] = []): Schema<T | null> {
  return (node, path, reader) => {
    const value = scalarValue(node)
    if (node === null || value === null || (typeof value === 'string' && words.includes(value))) return null
    return schema(node, path, reader)
  }
}

export function list<T>(item: Schema<T>, options: { min?: number } = {}): Schema<T[]> {
  return (node, path, reader) => {
    if (node === null || !isSeq(node))
      return reader.report(node, path, `expected a list, got ${describeNode(node)}`)
    if (node.items.length < (options.min ?? 0)) {
      return reader.report(node, path, `needs at least ${options.min} item${options.min === 1 ? '' : 's'}`)
    }
    const out: T[] = []
    let ok = true
    node.items.forEach((raw, i) => {
      const value = item(raw as Node | null, child(path, i), reader)
      if (value === undefined) ok = false
      else out.push(value)
    })
    return ok ? out : undefined
  }
}

/** Any plain data (for fault bodies): converted with toJSON. */
export function anyValue(): Schema<unknown> {
  return (node) => (node === null ? null : node.toJSON())
}

export interface FieldSpec<T> {
  schema: Schema<T>
  required?: boolean
}

type FieldValues<F extends Record<string, FieldSpec<unknown>>> = {
  [K in keyof F as F[K]['required'] extends true ? K : never]: F[K] extends FieldSpec<infer T> ? T : never
} & {
  [K in keyof F as F[K]['required'] extends true ? never : K]?: F[K] extends FieldSpec<infer T> ? T : never
}

/** The keys of a mapping node, with their pairs, or an issue if the node is not a mapping. */
export function entries(
  node: Node | null,
  path: string,
  reader: Reader,
): Array<{ key: string; pair: Pair; value: Node | null }> | undefined {
  if (node === null || !isMap(node))
    return reader.report(node, path, `expected a mapping, got ${describeNode(node)}`)
  const out: Array<{ key: string; pair: Pair; value: Node | null }> = []
  const seen = new Set<string>()
  for (const pair of (node as YAMLMap).items) {
    const key = scalarValue(pair.key as Node | null)
    if (typeof key !== 'string') {
      reader.report(pair, path, 'keys must be plain names')
      continue
    }
    if (seen.has(key)) {
      reader.report(pair, child(path, key), 'is given twice')
      continue
    }
    seen.add(key)
    out.push({ key, pair, value: (pair.value as Node | null) ?? null })
  }
  return out
}

/** A mapping with known fields: unknown keys and missing required fields are issues. */
export function object<F extends Record<string, FieldSpec<unknown>>>(fields: F): Schema<FieldValues<F>> {
  return (node, path, reader) => {
    const items = entries(node, path, reader)
    if (!items) return undefined
    const out: Record<string, unknown> = {}
    let ok = true
    for (const { key, pair, value } of items) {
      const spec = fields[key]
      if (!spec) {
        reader.report(pair, child(path, key), `unknown field (known: ${Object.keys(fields).join(', ')})`)
        ok = false
        continue
      }
      const read = spec.schema(value, child(path, key), reader)
      if (read === undefined) ok = false
      else out[key] = read
    }
    for (const [key, spec] of Object.entries(fields)) {
      if (spec.required && !items.some((i) => i.key === key)) {
        reader.report(node, child(path, key), 'is required')
        ok = false
      }
    }
    return ok ? (out as FieldValues<F>) : undefined
  }
}

/**
 * Scenario files: parse YAML (keeping node ranges), check it against the scenario schema, and turn
 * every problem into `file:line:col field: message`.
 */
import { readFile, stat } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { Document, LineCounter, parseAllDocuments } from 'yaml'
import { LabError } from '../errors.ts'
import { type CompiledScenario, readScenario } from './scenario-schema.ts'
import { type Issue, Reader } from './schema.ts'
import type { ScenarioDefinition } from './types.ts'

export interface Scenario extends CompiledScenario {
  /** The file it came from, as the user named it (absent for defineScenario). */
  file?: string
}

const MAX_LISTED_ISSUES = 20

/** Thrown for an invalid scenario; `issues` carry field paths and, for files, positions. */
export class ScenarioError extends LabError {
  constructor(
    readonly where: string,
    readonly issues: Issue[],
  ) {
    super('SCENARIO_INVALID', formatIssues(where, issues))
  }
}

export function formatIssue(where: string, issue: Issue): string {
  const position = issue.line !== undefined ? `:${issue.line}:${issue.col ?? 1}` : ''
  return `${where}${position}: ${issue.path}: ${issue.message}`
}

export function formatIssues(where: string, issues: readonly Issue[], what = 'scenario'): string {
  const sorted = [...issues].sort(
    (a, b) =>
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
      (a.col ?? 0) - (b.col ?? 0),
  )
  const shown = sorted.slice(0, MAX_LISTED_ISSUES).map((i) => `  ${formatIssue(where, i)}`)
  const more =
    issues.length > MAX_LISTED_ISSUES ? [`  ... and ${issues.length - MAX_LISTED_ISSUES} more`] : []
  const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`
  return [`${where} is not a valid ${what} (${count}):`, ...shown, ...more].join('\n')
}

/** Parses and checks scenario text; `file` names it in messages. Throws ScenarioError. */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true })
  const docs = Array.isArray(documents) ? documents : []
  if (docs.length === 0) throw new ScenarioError(file, [{ path: '(root)', message: 'the file is empty' }])
  const reader = new Reader(lineCounter)
  if (docs.length > 1) {
    const second = docs[1]
    const line = second?.range ? lineCounter.linePos(second.range[0]).line : undefined
    throw new ScenarioError(file, [
      {
        path: '(root)',
        message: 'one scenario per file (found a second YAML document after ---)',
        ...(line !== undefined ? { line, col: 1 } : {}),
      },
    ])
  }
  const doc = docs[0] as Document.Parsed
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => ({
        path: '(yaml)',
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
        ...(e.linePos?.[0] ? { line: e.linePos[0].line, col: e.linePos[0].col } : {}),
      })),
    )
  }
  const compiled = readScenario(doc.contents, reader)
  if (!compiled) throw new ScenarioError(file, reader.issues)
  return { ...compiled, file }
}

/** Reads a scenario file; `path` is resolved against `cwd` and named in messages as given. */
export async function loadScenarioFile(path: string, cwd: string): Promise<Scenario> {
  const absolute = resolve(cwd, path)
  const label = relative(cwd, absolute) || path
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(absolute)
  } catch {
    throw new LabError('SCENARIO_INVALID', `${label}: no such scenario file`)
  }
  if (!info.isFile()) throw new LabError('SCENARIO_INVALID', `${label}: is not a file`)
  return parseScenario(await readFile(absolute, 'utf8'), label)
}

/** Checks a typed definition with the same schema as files; problems name the field (there is no line). */
export function compileDefinition(definition: ScenarioDefinition, where: string): Scenario {
  const reader = new Reader()
  const doc = new Document(definition)
  const compiled = readScenario(doc.contents, reader)
  if (!compiled) throw new ScenarioError(where, reader.issues)
  return compiled
}

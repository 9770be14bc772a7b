import { LabError } from '../../errors.ts'
/**
 * `serve --config <file>`: the providers to serve and how each is set up, in YAML or JSON (JSON is
 * read by the same YAML 1.2 parser, so both get line and column in errors). Validation is the mocks'
 * own: a provider's options, policy, instance and approval gate go through its pack factory (the
 * same code scenario packs use), clients, users and approvals through its control surface (the same
 * code `/_lab` uses). An error is one line, `file:line:col: field: message`.
 *
 *   host: 127.0.0.1            port: 4010            singlePort: false
 *   control: true              requestLogSize: 10000
 *   providers:
 *     <provider>:
 *       port, instance, options {…}, policy {…}, approvalRequired, defaultLogin,
 *       clients: [{ clientId, clientSecret, redirectUris: [...], policy {…}, pkce }],
 *       users: [login, ...], approvals: [key, ...]
 */
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml'
import type { Node as YamlNode } from 'yaml'
import type { ProviderId } from '../../manager/contract.ts'
import { PROVIDER_IDS } from '../../world/org.ts'

export interface ServeClientConfig {
  clientId?: string
  clientSecret?: string
  redirectUris: string[]
  policy?: Record<string, unknown>
  pkce?: 'required' | 'optional'
}

export interface ServeProviderConfig {
  port?: number
  instance?: string
  options?: Record<string, string | number | boolean>
  policy?: Record<string, unknown>
  approvalRequired?: boolean
  defaultLogin?: string
  clients?: ServeClientConfig[]
  users?: string[]
  approvals?: string[]
}

export interface ServeConfig {
  host?: string
  port?: number
  singlePort?: boolean
  control?: boolean
  requestLogSize?: number
  providers?: Partial<Record<ProviderId, ServeProviderConfig>>
}

export type ConfigPath = ReadonlyArray<string | number>

/** A config error that knows where it is: `file:line:col: field: message`. */
export class ServeConfigError extends LabError {
  override readonly name = 'ServeConfigError'
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly at: { file: string; line: number; col: number } | undefined,
  ) {
    super('USAGE', `${at ? `${at.file}:${at.line}:${at.col}: ` : ''}${field}: ${detail}`)
  }
}

export function fieldName(path: ConfigPath): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`
  return out === '' ? '(top level)' : out
}

/** Where a path of the document is: the key of the deepest pair that exists (so a typo points at itself). */
export type Locator = (path: ConfigPath) => { line: number; col: number } | undefined

export interface LoadedConfig {
  config: ServeConfig
  locate: Locator
  file: string
}

function nodeAt(node: unknown, part: string | number): { key?: YamlNode; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => {
      const key = p.key as { value?: unknown } | null
      return key !== null && typeof key === 'object' && key.value === part
    })
    return pair ? { key: pair.key as YamlNode, value: pair.value } : undefined
  }
  if (isSeq(node) && typeof part === 'number') return { value: node.items[part] }
  return undefined
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses a config text (YAML or JSON) and checks its shape; the mocks check its meaning later. */
export function parseServeConfig(text: string, file: string): LoadedConfig {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const where = (offset: number) => {
    const pos = lines.linePos(offset)
    return { line: pos.line, col: pos.col }
  }
  const locate: Locator = (path) => {
    let node: unknown = doc.contents
    let best: { line: number; col: number } | undefined =
      node && typeof node === 'object' && 'range' in node
        ? where((node as { range: [number] }).range[0])
        : undefined
    for (const part of path) {
      const found = nodeAt(node, part)
      if (!found) break
      const anchor = (found.key ?? found.value) as { range?: [number, number, number] } | undefined
      if (anchor?.range) best = where(anchor.range[0])
      node = found.value
    }
    return best
  }
  const firstError = doc.errors[0]
  if (firstError) {
    const pos = firstError.linePos?.[0] ?? where(firstError.pos[0])
    throw new ServeConfigError('(syntax)', firstError.message.split('\n')[0] ?? 'invalid YAML/JSON', {
      file,
      line: pos.line,
      col: pos.col,
    })
  }
  const fail = (path: ConfigPath, message: string): never => {
    const at = locate(path)
    throw new ServeConfigError(fieldName(path), message, at ? { file, ...at } : undefined)
  }
  const raw: unknown = doc.toJS()
  const config = checkShape(raw ?? {}, fail)
  return { config, locate, file }
}

type Fail = (path: ConfigPath, message: string) => never

function knownKeys(value: Json, path: ConfigPath, known: readonly string[], fail: Fail): void {
  for (const key of Object.keys(value))
    if (!known.includes(key)) fail([...path, key], `unknown field (known: ${known.join(', ')})`)
}

function port(value: unknown, path: ConfigPath, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535)
    fail(path, `must be a port number between 0 and 65535, got ${JSON.stringify(value)}`)
  return value as number
}

function text(value: unknown, path: ConfigPath, fail: Fail): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string')
  return value as string
}

function bool(value: unknown, path: ConfigPath, fail: Fail): boolean {
  if (typeof value !== 'boolean') fail(path, `must be true or false, got ${JSON.stringify(value)}`)
  return value as boolean
}

function stringList(value: unknown, path: ConfigPath, fail: Fail): string[] {
  if (!Array.isArray(value)) fail(path, 'must be a list of strings')
  return (value as unknown[]).map((item, i) => text(item, [...path, i], fail))
}

function object(value: unknown, path: ConfigPath, fail: Fail): Json {
  if (!isObject(value)) fail(path, 'must be a mapping')
  return value as Json
}

const TOP_KEYS = ['host', 'port', 'singlePort', 'control', 'requestLogSize', 'providers'] as const
const PROVIDER_KEYS = [
  'port',
  'instance',
  'options',
  'policy',
  'approvalRequired',
  'defaultLogin',
  'clients',
  'users',
  'approvals',
] as const
const CLIENT_KEYS = ['clientId', 'clientSecret', 'redirectUris', 'policy', 'pkce'] as const

function checkShape(raw: unknown, fail: Fail): ServeConfig {
  const top = object(raw, [], fail)
  knownKeys(top, [], TOP_KEYS, fail)
  const out: ServeConfig = {}
  if (top['host'] !== undefined) out.host = text(top['host'], ['host'], fail)
  if (top['port'] !== undefined) out.port = port(top['port'], ['port'], fail)
  if (top['singlePort'] !== undefined) out.singlePort = bool(top['singlePort'], ['singlePort'], fail)
  if (top['control'] !== undefined) out.control = bool(top['control'], ['control'], fail)
  if (top['requestLogSize'] !== undefined) {
    const size = top['requestLogSize']
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 1_000_000)
      fail(['requestLogSize'], 'must be a whole number between 1 and 1000000')
    out.requestLogSize = size as number
  }
  if (top['providers'] !== undefined) {
    const providers = object(top['providers'], ['providers'], fail)
    out.providers = {}
    for (const [id, value] of Object.entries(providers)) {
      const path = ['providers', id]
      if (!(PROVIDER_IDS as readonly string[]).includes(id))
        fail(path, `unknown provider (known: ${PROVIDER_IDS.join(', ')})`)
      out.providers[id as ProviderId] = checkProvider(value ?? {}, path, fail)
    }
  }
  return out
}

function checkProvider(raw: unknown, path: ConfigPath, fail: Fail): ServeProviderConfig {
  const p = object(raw, path, fail)
  knownKeys(p, path, PROVIDER_KEYS, fail)
  const out: ServeProviderConfig = {}
  if (p['port'] !== undefined) out.port = port(p['port'], [...path, 'port'], fail)
  if (p['instance'] !== undefined) out.instance = text(p['instance'], [...path, 'instance'], fail)
  if (p['defaultLogin'] !== undefined)
    out.defaultLogin = text(p['defaultLogin'], [...path, 'defaultLogin'], fail)
  if (p['approvalRequired'] !== undefined)
    out.approvalRequired = bool(p['approvalRequired'], [...path, 'approvalRequired'], fail)
  if (p['options'] !== undefined) {
    const options = object(p['options'], [...path, 'options'], fail)
    for (const [key, value] of Object.entries(options))
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        fail([...path, 'options', key], 'must be a string, a number or true/false')
    out.options = options as Record<string, string | number | boolean>
  }
  if (p['policy'] !== undefined) out.policy = object(p['policy'], [...path, 'policy'], fail)
  if (p['users'] !== undefined) out.users = stringList(p['users'], [...path, 'users'], fail)
  if (p['approvals'] !== undefined) out.approvals = stringList(p['approvals'], [...path, 'approvals'], fail)
  if (p['clients'] !== undefined) {
    if (!Array.isArray(p['clients'])) fail([...path, 'clients'], 'must be a list of clients')
    out.clients = (p['clients'] as unknown[]).map((c, i) => {
      const at = [...path, 'clients', i]
      const client = object(c, at, fail)
      knownKeys(client, at, CLIENT_KEYS, fail)
      const redirectUris = stringList(client['redirectUris'] ?? [], [...at, 'redirectUris'], fail)
      const pkce = client['pkce']
      if (pkce !== undefined && pkce !== 'required' && pkce !== 'optional')
        fail([...at, 'pkce'], "must be 'required' or 'optional'")
      return {
        redirectUris,
        ...(client['clientId'] === undefined
          ? {}
          : { clientId: text(client['clientId'], [...at, 'clientId'], fail) }),
        ...(client['clientSecret'] === undefined
          ? {}
          : { clientSecret: text(client['clientSecret'], [...at, 'clientSecret'], fail) }),
        ...(client['policy'] === undefined
          ? {}
          : { policy: object(client['policy'], [...at, 'policy'], fail) }),
        ...(pkce === undefined ? {} : { pkce: pkce as 'required' | 'optional' }),
      }
    })
  }
  return out
}

/** `--option jira.tokenBody=json`: true/false and numbers are typed, anything else is a string. */
export function parseOptionFlag(raw: string): {
  provider: string
  key: string
  value: string | number | boolean
} {
  const match = /^([a-z]+)\.([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(raw)
  if (!match)
    throw new ServeConfigError('--option', `expected <provider>.<option>=<value>, got "${raw}"`, undefined)
  const [, provider = '', key = '', value = ''] = match
  const typed =
    value === 'true' ? true : value === 'false' ? false : /^-?\d+$/.test(value) ? Number(value) : value
  return { provider, key, value: typed }
}

/** Finds which field of a provider's section an error message is about (the mocks name the key). */
export function fieldOfMessage(message: string, section: ServeProviderConfig): ConfigPath {
  const mentions = (key: string) => new RegExp(`(^|[^A-Za-z0-9])${key}([^A-Za-z0-9]|$)`).test(message)
  for (const key of Object.keys(section.options ?? {})) if (mentions(key)) return ['options', key]
  for (const key of Object.keys(section.policy ?? {})) if (mentions(key)) return ['policy', key]
  if (section.instance !== undefined && /instance|site|workspace|subdomain/.test(message)) return ['instance']
  if (section.approvalRequired !== undefined && /approval/i.test(message)) return ['approvalRequired']
  if (/policy/.test(message) && section.policy) return ['policy']
  if (/option/.test(message) && section.options) return ['options']
  return []
}

/**
 * The scenario schema: reads a YAML document (or a defineScenario object turned into one) into a
 * typed ScenarioDefinition and the compiled org and timeline, reporting every problem with its
 * field path and, for files, line and column.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml'
import { parseDuration } from '../clock.ts'
import type { Fault, MockEndpoint, TokenPolicy } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import { isRuleId } from '../rules/catalogue/index.ts'
import type { RuleId } from '../rules/types.ts'
import { PROVIDER_IDS, unsupportedSetupReason, validateOrg } from '../world/org.ts'
import { isProductSetting, type ProductSpec, productSettingProblem } from '../world/product.ts'
import type { OrgSpec, PackSpec, TimelineEvent } from '../world/types.ts'
import {
  anyValue,
  child,
  entries,
  flag,
  integer,
  list,
  nullable,
  object,
  oneOf,
  parsed,
  type Reader,
  type Schema,
  text,
} from './schema.ts'
import { providerRefusal } from './provider-check.ts'
import { parseTimeSpec, type TimeSpec } from './time.ts'
import { type OutcomeExpectation, parseOutcomeExpectation } from './outcome-expectation.ts'
import { TRIAGE_ROWS, type TriageRow } from '../triage.ts'
import type {
  PairRef,
  ScenarioDefinition,
  ScenarioExpect,
  ScenarioOrigin,
  ScenarioPack,
  ScenarioPolicy,
  ScenarioStep,
} from './types.ts'

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/
export const TEAMMATE_PATTERN = /^[a-z][a-z0-9_-]*$/

/** One timeline entry, compiled: the world event and when it happens. */
export interface CompiledStep {
  event: TimelineEvent
  at?: TimeSpec
  /** What a run or connect step must end in (parsed `expect:`). */
  expect?: OutcomeExpectation
  /** 1-based line in the file, when there is one. */
  line?: number
}

export interface CompiledScenario {
  definition: ScenarioDefinition
  org: OrgSpec
  steps: CompiledStep[]
}

const durationText = parsed('a duration such as 90d, 12h, 10m, 30s or 250ms', parseDuration)

/** A duration field: `1h`, `30d`, or 0. A bare number is refused: is 3600 seconds or milliseconds? */
const duration: Schema<number> = (node, path, reader) => {
  if (node !== null && 'value' in node && node.value === 0) return 0
  if (node !== null && 'value' in node && typeof node.value === 'number')
    return reader.report(
      node,
      path,
      `write a unit: ${node.value}s, ${node.value}m, ${node.value}h or ${node.value}d`,
    )
  return durationText(node, path, reader)
}

/** The YAML keeps the duration as written; this checks it and returns it unchanged. */
function checkedDuration(): Schema<string | 0> {
  return (node, path, reader) => {
    const ms = duration(node, path, reader)
    if (ms === undefined) return undefined
    return ms === 0 ? 0 : (node as { value: string }).value
  }
}

function optionalTtl(): Schema<string | 0 | 'never' | null> {
  return nullable(checkedDuration(), ['never']) as Schema<string | 0 | 'never' | null>
}

const policySchema = object({
  accessTokenTtl: { schema: optionalTtl() },
  refreshIdleTtl: { schema: optionalTtl() },
  refreshAbsoluteTtl: { schema: optionalTtl() },
  issueRefreshTokens: { schema: flag() },
  rotation: { schema: flag() },
  reuseLeeway: { schema: checkedDuration() },
  reuseAfterLeeway: { schema: oneOf(['reject', 'revoke_family'] as const) },
  secretRotationEndsGrants: { schema: flag() },
  codeTtl: { schema: checkedDuration() },
})

const optionValue: Schema<string | number | boolean> = (node, path, reader) => {
  const value = node !== null && 'value' in node ? node.value : undefined
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return reader.report(node, path, 'expected text, a number or true/false')
}

const optionsSchema: Schema<Record<string, string | number | boolean>> = (node, path, reader) => {
  const items = entries(node, path, reader)
  if (!items) return undefined
  const out: Record<string, string | number | boolean> = {}
  let ok = true
  for (const { key, value } of items) {
    const v = optionValue(value, child(path, key), reader)
    if (v === undefined) ok = false
    else out[key] = v
  }
  return ok ? out : undefined
}

/**
 * `product: { forgetsCredentialsAfterRun: true }`: the product around the manager on this pack. The
 * settings and their checks are src/world/product.ts's; this reports each problem where it is (an
 * unknown name at its key, a wrong value at the value).
 */
const productSchema: Schema<ProductSpec> = (node, path, reader) => {
  const items = entries(node, path, reader)
  if (!items) return undefined
  const out: Record<string, unknown> = {}
  let ok = true
  for (const { key, pair, value } of items) {
    const plain: unknown = value === null ? null : value.toJSON()
    const problem = productSettingProblem(key, plain)
    if (problem) {
      // An unknown name is pointed at by its key, a wrong value by the value.
      reader.report(isProductSetting(key) ? value : pair, child(path, key), problem)
      ok = false
    } else out[key] = plain
  }
  return ok ? (out as ProductSpec) : undefined
}

const packSchema = object({
  id: {
    schema: text({ pattern: ID_PATTERN, hint: 'a pack id (lowercase letters, digits and dashes)' }),
    required: true,
  },
  provider: { schema: oneOf(PROVIDER_IDS), required: true },
  setup: { schema: oneOf(['central', 'custom'] as const), required: true },
  instance: { schema: text() },
  policy: { schema: policySchema },
  scopes: { schema: list(text({ hint: 'a scope' })) },
  options: { schema: optionsSchema },
  approvalRequired: { schema: flag() },
  product: { schema: productSchema },
})

/** A signed duration: `-2m` (the manager's clock runs behind the sources), `+30s` or `30s` (ahead). */
const signedDuration: Schema<string> = (node, path, reader) => {
  const value = node !== null && 'value' in node ? node.value : undefined
  if (typeof value === 'string') {
    const sign = value.startsWith('-') ? -1 : 1
    try {
      const ms = parseDuration(value.replace(/^[+-]/, ''))
      if (ms * sign !== 0) return value
    } catch {
      // reported below
    }
  }
  return reader.report(
    node,
    path,
    'expected a signed duration such as -2m or +30s (the manager clock against the sources)',
  )
}

const orgSchema = object({
  teammates: {
    schema: list(text({ pattern: TEAMMATE_PATTERN, hint: 'a lowercase teammate name' }), { min: 1 }),
    required: true,
  },
  packs: { schema: list(packSchema, { min: 1 }), required: true },
  managerClockSkew: { schema: signedDuration },
})

/** `-2m` as milliseconds (negative: behind). */
export function signedDurationMs(text: string): number {
  return (text.startsWith('-') ? -1 : 1) * parseDuration(text.replace(/^[+-]/, ''))
}

const ruleId: Schema<RuleId> = (node, path, reader) => {
  const value = node !== null && 'value' in node ? node.value : undefined
  if (typeof value === 'string' && isRuleId(value)) return value
  return reader.report(node, path, `unknown rule ${JSON.stringify(value ?? null)}`)
}

const originSchema = object({
  rule: { schema: ruleId },
  provider: { schema: text() },
  manager: { schema: text() },
  seed: { schema: integer() },
  path: {
    schema: (node, path, reader) =>
      node !== null && 'value' in node && node.value === '' ? '' : text()(node, path, reader),
  },
  runs: { schema: integer({ min: 0 }) },
  tool: { schema: text() },
})

const EVENT_KEYS = [
  'run',
  'connect',
  'revoke',
  'clear_credentials',
  'rotate_secret',
  'update_secret',
  'approve_app',
  'fault',
  'concurrently',
  'store_fault',
  'restart_manager',
  'indexing',
  'other_devices',
] as const
type EventKey = (typeof EVENT_KEYS)[number]

/** The fields each event allows beside its own key and `at`. */
const SIBLINGS: Record<EventKey, readonly string[]> = {
  run: [],
  connect: ['callbackAfter'],
  revoke: ['by'],
  clear_credentials: [],
  rotate_secret: [],
  update_secret: [],
  approve_app: [],
  fault: ['endpoint', 'http', 'retryAfter', 'body', 'latency', 'kind', 'times'],
  concurrently: ['crash', 'crashAtIo'],
  store_fault: ['afterWrites'],
  restart_manager: [],
  indexing: ['action'],
  other_devices: ['count'],
}

/** Sign-ins on other devices one step may make: enough for Google's 100-token limit, bounded so a typo cannot hang a replay. */
const MAX_OTHER_DEVICES = 1000

const ENDPOINTS: readonly MockEndpoint[] = ['authorize', 'token', 'revoke', 'api']

interface OrgIndex {
  teammates: Set<string>
  packs: Map<string, PackSpec>
}

function pairRef(org: OrgIndex | undefined): Schema<{ teammate: string; pack: string }> {
  return (node, path, reader) => {
    const value = text({ hint: 'teammate@pack, e.g. alice@jira' })(node, path, reader)
    if (value === undefined) return undefined
    const match = /^([^@\s]+)@([^@\s]+)$/.exec(value)
    if (!match) return reader.report(node, path, `"${value}" is not teammate@pack (e.g. alice@jira)`)
    const [, teammate, pack] = match as unknown as [string, string, string]
    if (org) {
      if (!org.teammates.has(teammate))
        return reader.report(
          node,
          path,
          `unknown teammate "${teammate}" (org.teammates: ${[...org.teammates].join(', ')})`,
        )
      if (!org.packs.has(pack))
        return reader.report(
          node,
          path,
          `unknown pack "${pack}" (org.packs: ${[...org.packs.keys()].join(', ')})`,
        )
    }
    return { teammate, pack }
  }
}

function packRef(org: OrgIndex | undefined, check?: (pack: PackSpec) => string | undefined): Schema<string> {
  return (node, path, reader) => {
    const id = text({ hint: 'a pack id' })(node, path, reader)
    if (id === undefined || !org) return id
    const pack = org.packs.get(id)
    if (!pack)
      return reader.report(
        node,
        path,
        `unknown pack "${id}" (org.packs: ${[...org.packs.keys()].join(', ')})`,
      )
    const problem = check?.(pack)
    return problem ? reader.report(node, path, problem) : id
  }
}

const customOnly = (what: string) => (pack: PackSpec) =>
  pack.setup === 'custom'
    ? undefined
    : `${what} needs a custom app: pack "${pack.id}" is central (the product's own app, whose secret the org cannot rotate)`

const timeSpec = parsed('a time such as "day 3 09:00" or "+12h"', parseTimeSpec)

interface ReadStep {
  step: ScenarioStep
  compiled: CompiledStep
}

function readStep(
  node: Node | null,
  path: string,
  reader: Reader,
  org: OrgIndex | undefined,
): ReadStep | undefined {
  const items = entries(node, path, reader)
  if (!items) return undefined
  const keys = items.map((i) => i.key)
  const eventKeys = keys.filter((k): k is EventKey => (EVENT_KEYS as readonly string[]).includes(k))
  if (eventKeys.length !== 1) {
    const others = keys.filter((k) => k !== 'at')
    const problem =
      eventKeys.length > 1
        ? `names ${eventKeys.length} events (${eventKeys.join(', ')}); one per step`
        : others.length > 0
          ? `unknown event ${others.map((k) => `"${k}"`).join(', ')}`
          : 'names no event'
    return reader.report(node, path, `${problem}; each step is one of: ${EVENT_KEYS.join(', ')}`)
  }
  const type = eventKeys[0] as EventKey
  const field = (key: string) => items.find((i) => i.key === key)
  let ok = true
  for (const item of items) {
    if (item.key === type || item.key === 'at') continue
    if (item.key === 'expect' && (type === 'run' || type === 'connect')) continue
    if (!SIBLINGS[type].includes(item.key)) {
      const allowed = SIBLINGS[type].length > 0 ? ` (${type} takes: ${SIBLINGS[type].join(', ')})` : ''
      reader.report(item.pair, child(path, item.key), `unknown field for a ${type} step${allowed}`)
      ok = false
    }
  }
  const read = <T>(schema: Schema<T>, key: string): T | undefined => {
    const item = field(key)
    if (!item) return undefined
    const value = schema(item.value, child(path, key), reader)
    if (value === undefined) ok = false
    return value
  }
  const require = <T>(schema: Schema<T>, key: string): T | undefined => {
    if (!field(key)) {
      reader.report(node, child(path, key), `is required for a ${type} step`)
      ok = false
      return undefined
    }
    return read(schema, key)
  }
  const atText = read(text({ hint: 'a time' }), 'at')
  const expectText = read(
    text({ hint: 'an outcome such as ok, connect_required(grant_expired) or blocked(admin)' }),
    'expect',
  )
  const expectation = expectText !== undefined ? parseOutcomeExpectation(expectText) : undefined
  if (expectText !== undefined && typeof expectation === 'string') {
    reader.report(field('expect')?.value ?? node, child(path, 'expect'), expectation)
    ok = false
  }
  const at = field('at') ? read(timeSpec, 'at') : undefined
  const pair = pairRef(org)
  let step: ScenarioStep | undefined
  let event: TimelineEvent | undefined

  switch (type) {
    case 'run':
    case 'clear_credentials': {
      const ref = read(pair, type)
      if (ref) {
        event = { type, ...ref }
        const r: PairRef = `${ref.teammate}@${ref.pack}`
        step = type === 'run' ? { run: r } : { clear_credentials: r }
      }
      break
    }
    case 'connect': {
      const ref = read(pair, type)
      // The callback reaches the manager this long after the consent (the code may have expired by then).
      const callbackAfterMs = read(duration, 'callbackAfter')
      if (ref) {
        // The file keeps the duration as written (`11m`); 0 stays the number 0.
        const written = field('callbackAfter')?.value
        const callbackAfter = callbackAfterMs === 0 ? 0 : String(isScalar(written) ? written.value : '')
        event = {
          type: 'connect',
          ...ref,
          ...(callbackAfterMs !== undefined ? { callbackDelayMs: callbackAfterMs } : {}),
        }
        step = {
          connect: `${ref.teammate}@${ref.pack}`,
          ...(callbackAfterMs !== undefined ? { callbackAfter } : {}),
        }
      }
      break
    }
    case 'revoke': {
      const ref = read(pair, type)
      const by = read(oneOf(['user', 'admin'] as const), 'by') ?? 'user'
      if (ref) {
        event = { type: 'revoke', ...ref, by }
        step = { revoke: `${ref.teammate}@${ref.pack}`, ...(field('by') ? { by } : {}) }
      }
      break
    }
    case 'rotate_secret':
    case 'update_secret': {
      const pack = read(packRef(org, customOnly(type)), type)
      if (pack) {
        event = { type, pack }
        step = type === 'rotate_secret' ? { rotate_secret: pack } : { update_secret: pack }
      }
      break
    }
    case 'approve_app': {
      const pack = read(packRef(org), type)
      if (pack) {
        event = { type, pack }
        step = { approve_app: pack }
      }
      break
    }
    case 'indexing': {
      const pack = read(
        packRef(org, (p) =>
          p.options?.['indexingConnector'] === true
            ? undefined
            : `pack "${p.id}" has no indexing connector (set options: { indexingConnector: true })`,
        ),
        type,
      )
      const action = require(oneOf(['connect', 'disconnect', 'revoke'] as const), 'action')
      if (pack && action) {
        event = { type: 'indexing', pack, action }
        step = { indexing: pack, action }
      }
      break
    }
    case 'other_devices': {
      const ref = read(pair, type)
      const count = require(integer({ min: 1, max: MAX_OTHER_DEVICES }), 'count')
      if (ref && count !== undefined) {
        event = { type: 'other_devices', ...ref, count }
        step = { other_devices: `${ref.teammate}@${ref.pack}`, count }
      }
      break
    }
    case 'concurrently': {
      const item: Schema<{ teammate: string; pack: string; instance?: number }> = (raw, itemPath, r) => {
        if (raw !== null && isMap(raw)) {
          const read = object({
            run: { schema: pair, required: true },
            instance: { schema: integer({ min: 0, max: 63 }), required: true },
          })(raw, itemPath, r)
          return read ? { ...read.run, instance: read.instance } : undefined
        }
        return pair(raw, itemPath, r)
      }
      const refs = read(list(item, { min: 1 }), type)
      const crash = read(integer({ min: 0, max: 63 }), 'crash')
      const crashAtIo = read(integer({ min: 1 }), 'crashAtIo')
      if (crashAtIo !== undefined && crash === undefined) {
        reader.report(field('crashAtIo')?.pair, child(path, 'crashAtIo'), 'only goes with crash')
        ok = false
      }
      if (refs) {
        event = {
          type: 'concurrent_runs',
          runs: refs,
          ...(crash !== undefined ? { crash } : {}),
          ...(crashAtIo !== undefined ? { crashAtIo } : {}),
        }
        step = {
          concurrently: refs.map((r) =>
            r.instance === undefined
              ? (`${r.teammate}@${r.pack}` as const)
              : { run: `${r.teammate}@${r.pack}` as const, instance: r.instance },
          ),
          ...(crash !== undefined ? { crash } : {}),
          ...(crashAtIo !== undefined ? { crashAtIo } : {}),
        }
      }
      break
    }
    case 'store_fault': {
      const failures = read(integer({ min: 1, max: 1000 }), type)
      const afterWrites = read(integer({ min: 0, max: 1000 }), 'afterWrites')
      if (failures !== undefined) {
        event = { type: 'store_fault', failures, ...(afterWrites !== undefined ? { afterWrites } : {}) }
        step = { store_fault: failures, ...(afterWrites !== undefined ? { afterWrites } : {}) }
      }
      break
    }
    case 'restart_manager': {
      const item = field(type)
      const value = item?.value && 'value' in item.value ? item.value.value : null
      if (value !== null && value !== true) {
        reader.report(item?.value ?? node, child(path, type), 'write "restart_manager: true"')
        ok = false
      } else {
        event = { type: 'restart_manager' }
        step = { restart_manager: true }
      }
      break
    }
    case 'fault': {
      const pack = read(packRef(org), 'fault')
      const endpoint = require(oneOf(ENDPOINTS), 'endpoint')
      const times = read(integer({ min: 1, max: 1000 }), 'times') ?? 1
      const kinds = ['http', 'latency', 'kind'].filter((k) => field(k))
      if (kinds.length !== 1) {
        reader.report(
          node,
          path,
          kinds.length === 0
            ? 'a fault needs one of http (a status), latency (a duration) or kind (connection_reset, commit_then_drop, omit_refresh_token)'
            : `a fault is one thing: give only one of ${kinds.join(', ')}`,
        )
        ok = false
      }
      for (const onlyWithHttp of ['retryAfter', 'body']) {
        if (field(onlyWithHttp) && !field('http')) {
          reader.report(field(onlyWithHttp)?.pair, child(path, onlyWithHttp), 'only goes with http')
          ok = false
        }
      }
      const status = read(integer({ min: 400, max: 599 }), 'http')
      const retryAfterMs = read(duration, 'retryAfter')
      const body = read(anyValue(), 'body')
      const latencyMs = read(duration, 'latency')
      const kind = read(
        oneOf(['connection_reset', 'commit_then_drop', 'omit_refresh_token'] as const),
        'kind',
      )
      let fault: Fault | undefined
      if (status !== undefined) {
        if (retryAfterMs !== undefined && retryAfterMs % 1000 !== 0) {
          reader.report(
            field('retryAfter')?.value ?? node,
            child(path, 'retryAfter'),
            'Retry-After is whole seconds',
          )
          ok = false
        }
        fault = {
          kind: 'http_error',
          status,
          ...(body !== undefined ? { body } : {}),
          ...(retryAfterMs !== undefined ? { retryAfterSeconds: retryAfterMs / 1000 } : {}),
        }
      } else if (latencyMs !== undefined) fault = { kind: 'latency', ms: latencyMs }
      else if (kind !== undefined) fault = { kind }
      if (pack && endpoint && fault) {
        event = { type: 'fault', pack, endpoint, fault, times }
        const raw = (key: string) => (field(key)?.value as { toJSON(): unknown } | null | undefined)?.toJSON()
        step = {
          fault: pack,
          endpoint,
          ...(status !== undefined ? { http: status } : {}),
          ...(field('retryAfter') ? { retryAfter: raw('retryAfter') as string } : {}),
          ...(body !== undefined ? { body } : {}),
          ...(field('latency') ? { latency: raw('latency') as string } : {}),
          ...(kind !== undefined ? { kind } : {}),
          ...(field('times') ? { times } : {}),
        }
      }
      break
    }
  }
  if (!ok || !step || !event) return undefined
  const line = reader.lineOf(node)
  const expected = typeof expectation === 'object' ? expectation : undefined
  const withExpect = expectText !== undefined ? ({ ...step, expect: expectText } as ScenarioStep) : step
  return {
    step: atText !== undefined ? ({ at: atText, ...withExpect } as ScenarioStep) : withExpect,
    compiled: {
      event,
      ...(at ? { at } : {}),
      ...(expected ? { expect: expected } : {}),
      ...(line !== undefined ? { line } : {}),
    },
  }
}

function policyMs(policy: ScenarioPolicy): Partial<TokenPolicy> {
  const ms = (value: string | 0 | null | undefined | 'never'): number | null | undefined => {
    if (value === undefined) return undefined
    if (value === null || value === 'never') return null
    return value === 0 ? 0 : parseDuration(value)
  }
  const out: Partial<TokenPolicy> = {}
  const set = <K extends keyof TokenPolicy>(key: K, value: TokenPolicy[K] | undefined) => {
    if (value !== undefined) out[key] = value
  }
  set('accessTokenTtlMs', ms(policy.accessTokenTtl))
  set('refreshIdleTtlMs', ms(policy.refreshIdleTtl))
  set('refreshAbsoluteTtlMs', ms(policy.refreshAbsoluteTtl))
  set('issueRefreshTokens', policy.issueRefreshTokens)
  set('rotation', policy.rotation)
  set('reuseLeewayMs', ms(policy.reuseLeeway) ?? undefined)
  set('reuseAfterLeeway', policy.reuseAfterLeeway)
  set('secretRotationEndsGrants', policy.secretRotationEndsGrants)
  set('codeTtlMs', ms(policy.codeTtl) ?? undefined)
  return out
}

export function packSpecOf(pack: ScenarioPack): PackSpec {
  return {
    id: pack.id,
    provider: pack.provider as ProviderId,
    setup: pack.setup,
    ...(pack.instance !== undefined ? { instance: pack.instance } : {}),
    ...(pack.policy !== undefined ? { policy: policyMs(pack.policy) } : {}),
    ...(pack.scopes !== undefined ? { scopes: [...pack.scopes] } : {}),
    ...(pack.options !== undefined ? { options: { ...pack.options } } : {}),
    ...(pack.approvalRequired !== undefined ? { approvalRequired: pack.approvalRequired } : {}),
    ...(pack.product !== undefined ? { product: { ...pack.product } } : {}),
  }
}

function mapGet(node: Node | null, key: string): Node | null {
  if (node === null || !isMap(node)) return null
  return (node.get(key, true) as Node | undefined) ?? null
}

/** The `key: value` pair of a mapping (its position is the key's). */
function keyPair(node: Node | null, key: string): Pair | undefined {
  if (node === null || !isMap(node)) return undefined
  return node.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined
}

function seqItem(node: Node | null, index: number): Node | null {
  if (node === null || !isSeq(node)) return null
  return (node.items[index] as Node | undefined) ?? null
}

/** Teammate names and pack ids (with setup and options) read straight from the nodes of an org that did not pass. */
function rawOrgIndex(orgNode: Node | null): OrgIndex | undefined {
  const text = (node: Node | null) =>
    node !== null && isScalar(node) && typeof node.value === 'string' ? node.value : undefined
  const teammatesNode = mapGet(orgNode, 'teammates')
  const packsNode = mapGet(orgNode, 'packs')
  if (!teammatesNode || !isSeq(teammatesNode) || !packsNode || !isSeq(packsNode)) return undefined
  const teammates = new Set(
    teammatesNode.items.map((n) => text(n as Node | null)).filter((t): t is string => t !== undefined),
  )
  const packs = new Map<string, PackSpec>()
  for (const item of packsNode.items) {
    const node = item as Node | null
    const id = text(mapGet(node, 'id'))
    const provider = text(mapGet(node, 'provider'))
    const setup = text(mapGet(node, 'setup'))
    if (id === undefined || (setup !== 'custom' && setup !== 'central')) return undefined
    const options = mapGet(node, 'options')?.toJSON() as PackSpec['options'] | undefined
    packs.set(id, { id, provider: provider as ProviderId, setup, ...(options ? { options } : {}) })
  }
  return { teammates, packs }
}

/** Org rules beyond shape: unique names, no policy on a central app, unsupported setups. */
function checkOrg(
  orgNode: Node | null,
  org: { teammates: string[]; packs: ScenarioPack[] },
  reader: Reader,
): boolean {
  const before = reader.issues.length
  const packsNode = mapGet(orgNode, 'packs')
  const teammatesNode = mapGet(orgNode, 'teammates')
  const seenTeammates = new Set<string>()
  org.teammates.forEach((t, i) => {
    if (seenTeammates.has(t))
      reader.report(seqItem(teammatesNode, i), `org.teammates[${i}]`, `teammate "${t}" is listed twice`)
    seenTeammates.add(t)
  })
  const seenPacks = new Set<string>()
  org.packs.forEach((pack, i) => {
    const node = seqItem(packsNode, i)
    const path = `org.packs[${i}]`
    if (seenPacks.has(pack.id)) reader.report(node, `${path}.id`, `pack id "${pack.id}" is used twice`)
    seenPacks.add(pack.id)
    if (pack.setup === 'central' && pack.policy)
      reader.report(
        node,
        `${path}.policy`,
        "a central app runs on the provider's default policy; only a custom app can set one",
      )
    const unsupported = unsupportedSetupReason(packSpecOf(pack))
    if (unsupported) reader.report(node, path, unsupported)
    // The source itself checks the pack: the provider's options and the policies it allows.
    else reportProviderRefusal(node, path, pack, reader)
  })
  return reader.issues.length === before
}

/** The provider's own mock refuses the pack's options or policy: report it at the offending field. */
function reportProviderRefusal(node: Node | null, path: string, pack: ScenarioPack, reader: Reader): void {
  const refusal = providerRefusal(packSpecOf(pack), { policy: Object.keys(pack.policy ?? {}) })
  if (!refusal) return
  const fieldNode = mapGet(node, refusal.field)
  const at = refusal.key !== undefined ? keyPair(fieldNode, refusal.key) : keyPair(node, refusal.field)
  reader.report(
    at ?? fieldNode ?? node,
    refusal.key !== undefined ? `${path}.${refusal.field}.${refusal.key}` : `${path}.${refusal.field}`,
    refusal.message,
  )
}

/** Reads a whole scenario. Returns undefined when there were issues (they are in `reader.issues`). */
export function readScenario(root: Node | null, reader: Reader): CompiledScenario | undefined {
  const items = entries(root, '', reader)
  if (!items) return undefined
  const known = [
    'id',
    'title',
    'description',
    'org',
    'instances',
    'schedule',
    'timeline',
    'rules',
    'expect',
    'origin',
  ]
  for (const { key, pair } of items)
    if (!known.includes(key)) reader.report(pair, key, `unknown field (known: ${known.join(', ')})`)
  const field = (key: string) => items.find((i) => i.key === key)
  for (const key of ['id', 'org', 'timeline']) if (!field(key)) reader.report(root, key, 'is required')

  const get = <T>(key: string, schema: Schema<T>): T | undefined => {
    const item = field(key)
    return item ? schema(item.value, key, reader) : undefined
  }
  const id = get(
    'id',
    text({ pattern: ID_PATTERN, hint: 'a scenario id (lowercase letters, digits and dashes)' }),
  )
  const title = get('title', text())
  const description = get('description', text())
  const rules = get('rules', list(ruleId, { min: 1 }))
  const instances = get('instances', integer({ min: 1, max: 64 }))
  const schedule = get('schedule', list(integer({ min: 0 })))
  const expect = get(
    'expect',
    object({
      violates: { schema: list(ruleId) },
      keeps: { schema: list(ruleId) },
      triage: { schema: triageExpectation },
    }),
  )
  const origin = get('origin', originSchema) as ScenarioOrigin | undefined
  const orgItem = field('org')
  const org = orgItem
    ? (orgSchema(orgItem.value, 'org', reader) as
        | { teammates: string[]; packs: ScenarioPack[]; managerClockSkew?: string }
        | undefined)
    : undefined
  const orgOk = org !== undefined && checkOrg(orgItem?.value ?? null, org, reader)
  // Names in the timeline are checked even when another part of the org is wrong (a bad policy value).
  const index: OrgIndex | undefined =
    org && orgOk
      ? { teammates: new Set(org.teammates), packs: new Map(org.packs.map((p) => [p.id, packSpecOf(p)])) }
      : rawOrgIndex(orgItem?.value ?? null)

  const timelineItem = field('timeline')
  const steps: Array<ReadStep & { index: number }> = []
  if (timelineItem) {
    const node = timelineItem.value
    if (node === null || !isSeq(node)) {
      reader.report(node ?? timelineItem.pair, 'timeline', 'expected a list of steps')
    } else {
      const seq = node as { items: Array<Node | null> }
      if (seq.items.length === 0) reader.report(node, 'timeline', 'needs at least one step')
      seq.items.forEach((raw, i) => {
        const read = readStep(raw ?? null, `timeline[${i}]`, reader, index)
        if (read) steps.push({ ...read, index: i })
      })
      checkTimeOrder(seq.items, reader)
    }
  }
  const processes = instances ?? 1
  for (const { compiled, index } of steps) {
    const event = compiled.event
    if (event.type !== 'concurrent_runs') continue
    const named = [...event.runs.map((r) => r.instance), event.crash].filter(
      (i): i is number => i !== undefined,
    )
    const tooHigh = named.find((i) => i >= processes)
    if (tooHigh !== undefined)
      reader.report(
        seqItem(timelineItem?.value ?? null, index),
        `timeline[${index}]`,
        `names manager process ${tooHigh}, but the scenario has ${processes} (set instances: ${tooHigh + 1} or more; processes count from 0)`,
      )
  }
  if (
    schedule !== undefined &&
    org &&
    orgOk &&
    steps.length === (timelineItem && isSeq(timelineItem.value) ? timelineItem.value.items.length : -1)
  ) {
    const setup = org.packs.flatMap((p) => org.teammates.map((t) => `${t}@${p.id}`))
    const head = steps
      .slice(0, setup.length)
      .map((s) =>
        s.compiled.event.type === 'connect' ? `${s.compiled.event.teammate}@${s.compiled.event.pack}` : '',
      )
    if (head.length < setup.length || head.some((h, i) => h !== setup[i]))
      reader.report(
        timelineItem?.value ?? null,
        'timeline',
        `a scheduled timeline (schedule: [...]) replays a recorded interleaving and starts with every teammate connecting to every pack: ${setup.map((s) => `connect ${s}`).join(', ')}`,
      )
  }
  if (reader.issues.length > 0 || !id || !org) return undefined
  const orgSpec: OrgSpec = {
    teammates: [...org.teammates],
    packs: org.packs.map(packSpecOf),
    ...(org.managerClockSkew !== undefined
      ? { managerClockSkewMs: signedDurationMs(org.managerClockSkew) }
      : {}),
  }
  try {
    validateOrg(orgSpec)
  } catch (error) {
    reader.report(orgItem?.value ?? null, 'org', error instanceof Error ? error.message : String(error))
    return undefined
  }
  const definition: ScenarioDefinition = {
    id,
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    org: {
      teammates: [...org.teammates],
      packs: org.packs,
      ...(org.managerClockSkew !== undefined ? { managerClockSkew: org.managerClockSkew } : {}),
    },
    ...(instances !== undefined ? { instances } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    timeline: steps.map((s) => s.step),
    ...(rules !== undefined ? { rules } : {}),
    ...(expect !== undefined ? { expect: compactExpect(expect) } : {}),
    ...(origin !== undefined ? { origin } : {}),
  }
  return { definition, org: orgSpec, steps: steps.map((s) => s.compiled) }
}

function compactExpect(expect: {
  violates?: RuleId[] | undefined
  keeps?: RuleId[] | undefined
  triage?: ScenarioExpect['triage'] | undefined
}): ScenarioExpect {
  return {
    ...(expect.violates !== undefined ? { violates: expect.violates } : {}),
    ...(expect.keeps !== undefined ? { keeps: expect.keeps } : {}),
    ...(expect.triage !== undefined ? { triage: expect.triage } : {}),
  }
}

const TRIAGE_VERDICTS = ['no_action', 'admin', 'support'] as const
const TRIAGE_ROW_NAMES = Object.keys(TRIAGE_ROWS) as TriageRow[]

/** `triage: admin`, or `triage: {verdict: admin, row: prompted-every-time}`. */
const triageExpectation: Schema<ScenarioExpect['triage']> = (node, path, reader) => {
  if (node !== null && isScalar(node)) return oneOf(TRIAGE_VERDICTS)(node, path, reader)
  const value = object({
    verdict: { schema: oneOf(TRIAGE_VERDICTS), required: true },
    row: { schema: oneOf(TRIAGE_ROW_NAMES) },
  })(node, path, reader)
  if (!value || value.verdict === undefined) return undefined
  return { verdict: value.verdict, ...(value.row !== undefined ? { row: value.row } : {}) }
}

/**
 * Absolute times may not go back before the previous step ends (assuming steps take no time, but for
 * a connect's `callbackAfter`, which moves time on by that much).
 */
function checkTimeOrder(nodes: Array<Node | null>, reader: Reader): void {
  let cursor = 0
  let last = 'the previous step (day 1 09:00)'
  nodes.forEach((node, i) => {
    const atNode = mapGet(node, 'at')
    const text =
      atNode !== null && isScalar(atNode) && typeof atNode.value === 'string' ? atNode.value : undefined
    let at: TimeSpec | undefined
    try {
      at = text === undefined ? undefined : parseTimeSpec(text)
    } catch {
      at = undefined // reported with the step
    }
    if (at?.kind === 'relative') cursor += at.ms
    else if (at) {
      if (at.elapsedMs < cursor)
        reader.report(atNode, `timeline[${i}].at`, `${text} is before ${last}; time only moves forward`)
      cursor = Math.max(cursor, at.elapsedMs)
    }
    if (at) last = `the previous step (${text})`
    const late = callbackAfter(node)
    if (late) {
      cursor += late.ms
      last = `the end of the previous step (its callback came ${late.text} after ${at ? text : 'it started'})`
    }
  })
}

/** A connect step's `callbackAfter` (undefined when absent or not a duration: reported with the step). */
function callbackAfter(node: Node | null): { ms: number; text: string } | undefined {
  if (mapGet(node, 'connect') === null) return undefined
  const value = mapGet(node, 'callbackAfter')
  if (value === null || !isScalar(value) || typeof value.value !== 'string') return undefined
  try {
    return { ms: parseDuration(value.value), text: value.value }
  } catch {
    return undefined
  }
}

/**
 * The timeline as world events, assuming every step takes no virtual time (the replayer handles
 * steps that do). Used for lengths and for replaying through APIs that take a plain event list.
 */
export function staticEvents(steps: readonly CompiledStep[]): TimelineEvent[] {
  const events: TimelineEvent[] = []
  let cursor = 0
  for (const step of steps) {
    if (step.at) {
      const wait = step.at.kind === 'relative' ? step.at.ms : step.at.elapsedMs - cursor
      if (wait > 0) {
        events.push({ type: 'advance', ms: wait })
        cursor += wait
      }
    }
    events.push(step.event)
    cursor += stepDurationMs(step.event)
  }
  return events
}

/** The virtual time a step takes by itself: a connect's late callback (other steps: none, or the replayer's to see). */
export function stepDurationMs(event: TimelineEvent): number {
  return event.type === 'connect' ? (event.callbackDelayMs ?? 0) : 0
}

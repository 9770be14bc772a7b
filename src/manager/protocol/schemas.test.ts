import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../../clock.ts'
import type { OrgSpec } from '../../world/types.ts'
import { createWorld } from '../../world/world.ts'
import { startProtocolManager } from './protocol-manager.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const DIR = join(ROOT, 'docs', 'protocol')

type Schema = Record<string, unknown>
const schemas = new Map<string, Schema>(
  readdirSync(DIR).map((f) => [
    f.replace('.schema.json', ''),
    JSON.parse(readFileSync(join(DIR, f), 'utf8')),
  ]),
)

/** The JSON Schema subset the protocol's schemas use (type, const, enum, required, properties, items, oneOf, not, minimum). */
function problems(schema: Schema, value: unknown, at = '$'): string[] {
  const out: string[] = []
  const type = schema['type']
  const typeOf = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type]
    const actual = typeOf(value)
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number')))
      out.push(`${at}: ${actual} is not ${types.join('|')}`)
  }
  if ('const' in schema && value !== schema['const'])
    out.push(`${at}: not ${JSON.stringify(schema['const'])}`)
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) out.push(`${at}: not in enum`)
  if (typeof schema['minimum'] === 'number' && typeof value === 'number' && value < schema['minimum'])
    out.push(`${at}: below minimum`)
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>
    for (const key of (schema['required'] as string[] | undefined) ?? [])
      if (!(key in record)) out.push(`${at}: missing ${key}`)
    const props = (schema['properties'] as Record<string, Schema> | undefined) ?? {}
    for (const [key, sub] of Object.entries(props))
      if (key in record) out.push(...problems(sub, record[key], `${at}.${key}`))
    const extra = schema['additionalProperties']
    if (typeof extra === 'object' && extra !== null)
      for (const [key, v] of Object.entries(record))
        if (!(key in props)) out.push(...problems(extra as Schema, v, `${at}.${key}`))
  }
  if (Array.isArray(value) && typeof schema['items'] === 'object')
    for (const [i, v] of value.entries()) out.push(...problems(schema['items'] as Schema, v, `${at}[${i}]`))
  if (Array.isArray(schema['oneOf'])) {
    const passing = (schema['oneOf'] as Schema[]).filter((s) => problems(s, value, at).length === 0).length
    if (passing !== 1) out.push(`${at}: matches ${passing} of oneOf`)
  }
  if (typeof schema['not'] === 'object' && problems(schema['not'] as Schema, value, at).length === 0)
    out.push(`${at}: matches not`)
  return out
}

const RESULT_SCHEMA: Record<string, string> = {
  initialize: 'initialize.result',
  run: 'run.result',
  completeConnect: 'run.result',
  beginConnect: 'beginConnect.result',
  callApi: 'callApi.result',
  now: 'clock.result',
  sleep: 'clock.result',
  'store.get': 'store.get.result',
  'store.compareAndSet': 'store.compareAndSet.result',
  'store.keys': 'store.keys.result',
  settle: 'settle.result',
}

describe('the shipped JSON Schemas describe the real traffic', () => {
  it('every message of a Python manager session validates against its schema', async () => {
    const traffic: Array<{ direction: string; message: Record<string, unknown> }> = []
    const manager = await startProtocolManager({
      command: 'python3 examples/python/adapter.py --keepalive-hours 24',
      cwd: ROOT,
      tap: (direction, message) => traffic.push({ direction, message: message as Record<string, unknown> }),
    })
    const org: OrgSpec = { teammates: ['ada'], packs: [{ id: 'site', provider: 'jira', setup: 'custom' }] }
    const world = createWorld({ org, createManager: manager.createManager })
    for (const event of [
      { type: 'connect', teammate: 'ada', pack: 'site' },
      { type: 'run', teammate: 'ada', pack: 'site' },
      { type: 'advance', ms: 2 * DAY_MS },
      { type: 'run', teammate: 'ada', pack: 'site' },
      { type: 'rotate_secret', pack: 'site' },
      { type: 'update_secret', pack: 'site' },
      { type: 'clear_credentials', teammate: 'ada', pack: 'site' },
    ] as const)
      await world.apply(event)
    await world.close()
    await manager.close()

    const methodOf = new Map<string, string>()
    const seen = new Set<string>()
    const failures: string[] = []
    for (const { direction, message } of traffic) {
      const method = message['method']
      const idKey = `${direction === 'to-manager' ? 'h' : 'm'}${String(message['id'])}`
      let name: string
      if (typeof method === 'string') {
        name = method === 'shutdown' ? 'shutdown.notification' : `${method}.request`
        if (message['id'] !== undefined) methodOf.set(idKey, method)
      } else {
        const asked = methodOf.get(`${direction === 'to-manager' ? 'm' : 'h'}${String(message['id'])}`)
        failures.push(...problems(schemas.get('response')!, message).map((p) => `response: ${p}`))
        const resultSchema = asked === undefined ? undefined : RESULT_SCHEMA[asked]
        if (resultSchema === undefined || message['result'] === undefined) continue
        name = resultSchema
        const found = problems(schemas.get(name)!, message['result'])
        failures.push(...found.map((p) => `${name}: ${p}`))
        seen.add(name)
        continue
      }
      const schema = schemas.get(name)
      if (!schema) {
        failures.push(`no schema for ${name}`)
        continue
      }
      seen.add(name)
      failures.push(...problems(schema, message).map((p) => `${name}: ${p}`))
    }
    expect(failures).toEqual([])
    for (const name of [
      'initialize.request',
      'create.request',
      'run.request',
      'callApi.request',
      'store.get.result',
      'store.compareAndSet.request',
      'background.request',
      'updateClientSecret.request',
      'clearCredentials.request',
      'dispose.request',
      'run.result',
      'beginConnect.result',
    ])
      expect(seen).toContain(name)
  })

  it('the validator catches a message that breaks its schema (so a pass means something)', () => {
    expect(
      problems(schemas.get('run.result')!, { kind: 'blocked', reason: 'x', contact: 'nobody' }),
    ).not.toEqual([])
    expect(
      problems(schemas.get('store.compareAndSet.request')!, {
        jsonrpc: '2.0',
        id: 1,
        method: 'store.compareAndSet',
        params: { instance: 'm1', key: 'k' },
      }),
    ).toEqual(['$.params: missing expectedVersion', '$.params: missing next'])
  })
})

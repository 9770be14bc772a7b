/**
 * Writes a counterexample as a scenario file that `reconnect-lab replay` plays back. Times are
 * absolute (`day 1 10:01`) when the replayed trace is at hand, so the file reads like an incident
 * timeline; each step's outcome and the broken rule follow as comments. Secrets never appear: the
 * file holds the org, the events and the outcomes only, and the comments are redacted anyway.
 */
import { formatDuration } from '../clock.ts'
import type { TokenPolicy } from '../../mocks/types.ts'
import { redactSecrets } from '../redact.ts'
import type { Counterexample } from '../suite/counterexample.ts'
import { describeViolation } from '../suite/violation-error.ts'
import { formatResult } from '../world/timeline-format.ts'
import { productWords } from '../world/product.ts'
import type { OrgSpec, PackSpec, StepResult, TimelineEvent, TraceStep } from '../world/types.ts'
import { formatDayTime, formatRelative } from './time.ts'

export interface CounterexampleFileOptions {
  /** The trace of replaying `ce.events` (same length): gives absolute times and per-step outcomes. */
  trace?: readonly TraceStep[]
  /** What the report calls the manager (a path or `reference`). */
  manager?: string
  runs?: number
  tool?: string
  /** Manager processes sharing the store, when the suite ran more than one. */
  instances?: number
}

/**
 * The replay flag that names a manager, from its report label: a module path (`--manager <path>`),
 * or a protocol manager, whose label already is its flag (`--manager-cmd "<command>"`).
 */
export function managerFlag(manager: string): string {
  return manager.startsWith('--manager-cmd ') ? manager : `--manager ${manager}`
}

/** `<rule>-<provider>.yaml` */
export function counterexampleFileName(ce: Pick<Counterexample, 'rule' | 'provider'>): string {
  return `${ce.rule}-${ce.provider}.yaml`
}

function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value)
  // Plain when it cannot be misread (names, ids, times, durations); JSON-quoted otherwise.
  return /^[A-Za-z0-9][A-Za-z0-9 _.:@/+-]*$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|~)$/i.test(value) &&
    !/: |#/.test(value) &&
    !/^[+-]?\d+(\.\d+)?$/.test(value)
    ? value
    : JSON.stringify(value)
}

function ttl(value: number | null): string {
  if (value === null) return 'never'
  return value === 0 ? '0' : formatDuration(value)
}

function policyLines(policy: Partial<TokenPolicy>, indent: string): string[] {
  const lines: string[] = []
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`${indent}${key}: ${value}`)
  }
  const d = (v: number | null | undefined) => (v === undefined ? undefined : ttl(v))
  const b = (v: boolean | undefined) => (v === undefined ? undefined : String(v))
  put('accessTokenTtl', d(policy.accessTokenTtlMs))
  put('refreshIdleTtl', d(policy.refreshIdleTtlMs))
  put('refreshAbsoluteTtl', d(policy.refreshAbsoluteTtlMs))
  put('issueRefreshTokens', b(policy.issueRefreshTokens))
  put('rotation', b(policy.rotation))
  put('reuseLeeway', d(policy.reuseLeewayMs))
  put('reuseAfterLeeway', policy.reuseAfterLeeway)
  put('secretRotationEndsGrants', b(policy.secretRotationEndsGrants))
  put('codeTtl', d(policy.codeTtlMs))
  return lines
}

function packLines(pack: PackSpec): string[] {
  const lines = [
    `    - id: ${scalar(pack.id)}`,
    `      provider: ${pack.provider}`,
    `      setup: ${pack.setup}`,
  ]
  if (pack.instance !== undefined) lines.push(`      instance: ${scalar(pack.instance)}`)
  if (pack.policy && Object.keys(pack.policy).length > 0)
    lines.push('      policy:', ...policyLines(pack.policy, '        '))
  if (pack.scopes) lines.push(`      scopes: [${pack.scopes.map(scalar).join(', ')}]`)
  if (pack.options && Object.keys(pack.options).length > 0)
    lines.push(
      `      options: {${Object.entries(pack.options)
        .map(([k, v]) => `${k}: ${scalar(v)}`)
        .join(', ')}}`,
    )
  if (pack.approvalRequired !== undefined) lines.push(`      approvalRequired: ${pack.approvalRequired}`)
  const product = productWords(pack.product)
  if (product.length > 0) lines.push(`      product: { ${product.join(', ')} }`)
  return lines
}

export function orgLines(org: OrgSpec): string[] {
  return [
    'org:',
    `  teammates: [${org.teammates.map(scalar).join(', ')}]`,
    '  packs:',
    ...org.packs.flatMap(packLines),
    ...(org.managerClockSkewMs
      ? [
          `  managerClockSkew: ${org.managerClockSkewMs < 0 ? '-' : '+'}${formatDuration(Math.abs(org.managerClockSkewMs))}`,
        ]
      : []),
  ]
}

/** Process indexes as the world uses them (modulo the process count), so the file names real processes. */
function normalizeInstances<E extends TimelineEvent>(event: E, instances: number): E {
  if (event.type !== 'concurrent_runs') return event
  return {
    ...event,
    runs: event.runs.map((r) => (r.instance === undefined ? r : { ...r, instance: r.instance % instances })),
    ...(event.crash !== undefined ? { crash: event.crash % instances } : {}),
  }
}

/** The YAML fields of one event (without `at`), first line first. */
export function eventFields(event: Exclude<TimelineEvent, { type: 'advance' }>): string[] {
  const pair = (e: { teammate: string; pack: string }) => `${e.teammate}@${e.pack}`
  switch (event.type) {
    case 'run':
    case 'clear_credentials':
      return [`${event.type}: ${pair(event)}`]
    case 'connect':
      return [
        `connect: ${pair(event)}`,
        ...(event.callbackDelayMs !== undefined ? [`callbackAfter: ${ttl(event.callbackDelayMs)}`] : []),
      ]
    case 'revoke':
      return [`revoke: ${pair(event)}`, `by: ${event.by}`]
    case 'rotate_secret':
    case 'update_secret':
    case 'approve_app':
      return [`${event.type}: ${event.pack}`]
    case 'indexing':
      return [`indexing: ${event.pack}`, `action: ${event.action}`]
    case 'other_devices':
      return [`other_devices: ${pair(event)}`, `count: ${event.count}`]
    case 'concurrent_runs': {
      const runs = event.runs.map((r) =>
        r.instance === undefined ? pair(r) : `{ run: ${pair(r)}, instance: ${r.instance} }`,
      )
      return [
        `concurrently: [${runs.join(', ')}]`,
        ...(event.crash !== undefined ? [`crash: ${event.crash}`] : []),
        ...(event.crashAtIo !== undefined ? [`crashAtIo: ${event.crashAtIo}`] : []),
      ]
    }
    case 'store_fault':
      return [
        `store_fault: ${event.failures}`,
        ...(event.afterWrites !== undefined ? [`afterWrites: ${event.afterWrites}`] : []),
      ]
    case 'restart_manager':
      return ['restart_manager: true']
    case 'fault': {
      const { fault } = event
      const lines = [`fault: ${event.pack}`, `endpoint: ${event.endpoint}`]
      switch (fault.kind) {
        case 'http_error':
          lines.push(`http: ${fault.status}`)
          if (fault.retryAfterSeconds !== undefined)
            lines.push(`retryAfter: ${formatDuration(fault.retryAfterSeconds * 1000)}`)
          if (fault.body !== undefined) lines.push(`body: ${JSON.stringify(fault.body)}`)
          break
        case 'latency':
          lines.push(`latency: ${fault.ms === 0 ? '0' : formatDuration(fault.ms)}`)
          break
        default:
          lines.push(`kind: ${fault.kind}`)
      }
      if (event.times !== 1) lines.push(`times: ${event.times}`)
      return lines
    }
  }
}

function outcomeComment(step: TraceStep | undefined): string | undefined {
  if (!step) return undefined
  // A comment is one line: a manager error's message may carry its stack (first line only, as below).
  if (step.results && step.results.length > 0)
    return `-> [${step.results.map((r) => formatResult(r).split('\n')[0]).join(', ')}]`
  const text = formatResult(step.result as StepResult)
  return text === '' ? undefined : `-> ${text.split('\n')[0]}`
}

/** A counterexample of the interleaving explorer carries its process count and the scheduler's choices. */
function scheduleOf(ce: Counterexample): { instances: number; choices: number[] } | undefined {
  const extra = ce as Counterexample & { instances?: unknown; choices?: unknown }
  if (!Array.isArray(extra.choices) || typeof extra.instances !== 'number') return undefined
  return {
    instances: extra.instances,
    choices: extra.choices.filter((c): c is number => typeof c === 'number'),
  }
}

/** The scenario text for one counterexample. */
export function counterexampleToYaml(ce: Counterexample, options: CounterexampleFileOptions = {}): string {
  const scheduled = scheduleOf(ce)
  // A scheduled replay plays waits as written, so its times stay relative (exact); otherwise absolute.
  const trace =
    !scheduled && options.trace && options.trace.length === ce.events.length ? options.trace : undefined
  const instances = scheduled?.instances ?? options.instances ?? 1
  const lines: string[] = [
    `# Counterexample: ${ce.rule} broken on ${ce.provider}, found by reconnect-lab and shrunk to ${ce.events.filter((e) => e.type !== 'advance').length} steps.`,
    `# Replay it: reconnect-lab replay <this file>${options.manager && options.manager !== 'reference' ? ` ${managerFlag(options.manager)}` : ''}`,
    ...ce.violations.map((v) => `# ✗ ${describeViolation(v).split('\n')[0]}`),
    ...(ce.unreplayable ? [`# Not a faithful replay: ${ce.unreplayable}.`] : []),
    ...(ce.expected
      ? [
          `# ${ce.rule} is a scripted check: the expect lines below are what it expected, and replaying the file judges ${ce.rule} by them.`,
        ]
      : []),
    `id: ${ce.rule}-${ce.provider}`,
    `title: ${scalar(`${ce.rule} on ${ce.provider}`)}`,
    ...orgLines(ce.org),
    ...(instances !== 1 ? [`instances: ${instances}`] : []),
    ...(scheduled ? [`schedule: [${scheduled.choices.join(', ')}]`] : []),
    'timeline:',
  ]
  let pendingWait = 0
  let first = true
  ce.events.forEach((event, i) => {
    if (event.type === 'advance') {
      pendingWait += event.ms
      return
    }
    const step = trace?.[i]
    let at: string | undefined
    if (trace && step && (first || pendingWait > 0)) at = formatDayTime(step.elapsedMs)
    else if (!trace && pendingWait > 0) at = formatRelative(pendingWait)
    pendingWait = 0
    first = false
    const expected = ce.expected?.outcomes?.[i]
    const fields = [
      ...eventFields(normalizeInstances(event, instances)),
      // What the scripted check expected of this step (a replay judges a standalone rule by it).
      ...(expected !== undefined && (event.type === 'run' || event.type === 'connect')
        ? [`expect: ${expected}`]
        : []),
    ]
    const comment = outcomeComment(step)
    const entry = at !== undefined ? [`at: ${at}`, ...fields] : fields
    const eventLine = at !== undefined ? 1 : 0
    entry.forEach((field, j) => {
      const line = `${j === 0 ? '  - ' : '    '}${field}`
      lines.push(j === eventLine && comment ? `${line.padEnd(40)} # ${comment}` : line)
    })
  })
  lines.push(`rules: [${ce.rule}]`, 'expect:', `  violates: [${ce.rule}]`)
  const triage = ce.expected?.triage
  if (triage) lines.push(`  triage: { verdict: ${triage.verdict}, row: ${triage.row} }`)
  lines.push('origin:')
  lines.push(`  rule: ${ce.rule}`, `  provider: ${ce.provider}`)
  if (options.manager) lines.push(`  manager: ${scalar(options.manager)}`)
  lines.push(`  seed: ${ce.seed}`, `  path: ${JSON.stringify(ce.path)}`)
  if (options.runs !== undefined) lines.push(`  runs: ${options.runs}`)
  if (options.tool) lines.push(`  tool: ${scalar(options.tool)}`)
  return `${redactSecrets(lines.join('\n'))}\n`
}

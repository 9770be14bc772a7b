import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../clock.ts'
import { createManager as referenceManager } from '../manager/reference-manager.ts'
import { ruleById } from '../rules/catalogue/index.ts'
import type { Counterexample } from '../suite/counterexample.ts'
import { replayTimeline } from '../suite/play.ts'
import { defineScenario } from './define.ts'
import { parseScenario, ScenarioError } from './load.ts'
import { replayScenario } from './replay.ts'
import { staticEvents } from './scenario-schema.ts'
import { storyLines } from './story.ts'
import { buildTimelineModel } from '../report/timeline-model.ts'
import { triageTrace } from '../triage.ts'
import { formatEvent } from '../world/timeline-format.ts'
import { formatDayTime, parseTimeSpec } from './time.ts'
import { counterexampleToYaml } from './write.ts'
import { validateOrg } from '../world/org.ts'
import type { ProductSpec } from '../world/product.ts'
import type { StepResult, TimelineEvent, TraceStep } from '../world/types.ts'

const GOOD = `# a customer's timeline
id: lost-rotation
title: The rotated refresh token was never saved
org:
  teammates: [alice, bob]
  packs:
    - id: jira
      provider: baseline
      setup: custom
      policy: { accessTokenTtl: 1h, rotation: true, refreshIdleTtl: never, reuseLeeway: 0 }
timeline:
  - at: day 1 09:00
    connect: alice@jira
  - at: day 1 10:01
    run: alice@jira
  - at: +61m
    run: alice@jira
  - revoke: bob@jira
    by: admin
  - fault: jira
    endpoint: token
    http: 503
    retryAfter: 30s
    times: 2
  - fault: jira
    endpoint: api
    kind: connection_reset
  - at: day 3 09:00:30.250
    concurrently: [alice@jira, bob@jira]
  - rotate_secret: jira
  - update_secret: jira
  - clear_credentials: alice@jira
  - restart_manager: true
  - store_fault: 2
expect:
  violates: []
`

function issuesOf(text: string): string {
  try {
    parseScenario(text, 'bad.yaml')
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError)
    return (error as Error).message
  }
  throw new Error('expected the scenario to be refused')
}

describe('scenario times', () => {
  it('reads absolute and relative times', () => {
    expect(parseTimeSpec('day 1 09:00')).toEqual({ kind: 'absolute', elapsedMs: 0 })
    expect(parseTimeSpec('day 3 09:00')).toEqual({ kind: 'absolute', elapsedMs: 2 * DAY_MS })
    expect(parseTimeSpec('day 2 08:30:15.5')).toEqual({
      kind: 'absolute',
      elapsedMs: DAY_MS - 30 * MINUTE_MS + 15_500,
    })
    expect(parseTimeSpec('+12h')).toEqual({ kind: 'relative', ms: 12 * HOUR_MS })
    expect(parseTimeSpec('+1d12h')).toEqual({ kind: 'relative', ms: 36 * HOUR_MS })
    expect(() => parseTimeSpec('tomorrow')).toThrow(/not a time: "tomorrow"/)
    expect(() => parseTimeSpec('day 1 08:00')).toThrow(/before the simulation starts/)
    expect(() => parseTimeSpec('day 1 25:00')).toThrow(/not a valid time of day/)
  })

  it('formats elapsed time back to the same text', () => {
    for (const ms of [0, 61 * MINUTE_MS, 2 * DAY_MS + 1500, 90 * DAY_MS + 7]) {
      const text = formatDayTime(ms)
      expect(parseTimeSpec(text)).toEqual({ kind: 'absolute', elapsedMs: ms })
    }
    expect(formatDayTime(0)).toBe('day 1 09:00')
    expect(formatDayTime(2 * DAY_MS + 30_250)).toBe('day 3 09:00:30.250')
  })
})

describe('scenario files', () => {
  it('reads a readable timeline into the org and world events', () => {
    const scenario = parseScenario(GOOD, 'good.yaml')
    expect(scenario.org).toEqual({
      teammates: ['alice', 'bob'],
      packs: [
        {
          id: 'jira',
          provider: 'baseline',
          setup: 'custom',
          policy: { accessTokenTtlMs: HOUR_MS, rotation: true, refreshIdleTtlMs: null, reuseLeewayMs: 0 },
        },
      ],
    })
    const events = staticEvents(scenario.steps)
    expect(events.slice(0, 6)).toEqual([
      { type: 'connect', teammate: 'alice', pack: 'jira' },
      { type: 'advance', ms: 61 * MINUTE_MS },
      { type: 'run', teammate: 'alice', pack: 'jira' },
      { type: 'advance', ms: 61 * MINUTE_MS },
      { type: 'run', teammate: 'alice', pack: 'jira' },
      { type: 'revoke', teammate: 'bob', pack: 'jira', by: 'admin' },
    ])
    expect(events).toContainEqual({
      type: 'fault',
      pack: 'jira',
      endpoint: 'token',
      fault: { kind: 'http_error', status: 503, retryAfterSeconds: 30 },
      times: 2,
    })
    expect(events).toContainEqual({ type: 'store_fault', failures: 2 })
    expect(scenario.steps.map((s) => s.line)).toEqual([12, 14, 16, 18, 20, 25, 28, 30, 31, 32, 33, 34])
    expect(scenario.definition.expect).toEqual({ violates: [] })
  })

  it('names the file, line, column and field of every problem', () => {
    const message = issuesOf(`id: Bad_Id
org:
  teammates: [alice]
  packs:
    - id: jira
      provider: baseline
      setup: custom
      policy: { rotation: yes, accessTokenTtl: 3600 }
timeline:
  - connect: alice@jira
  - run: alic@jira
  - fault: jira
    http: 503
  - at: +5 minutes
    run: alice@jira
    by: admin
  - frobnicate: 1
`)
    expect(message.split('\n')).toEqual([
      'bad.yaml is not a valid scenario (8 problems):',
      '  bad.yaml:1:5: id: "Bad_Id" is not a scenario id (lowercase letters, digits and dashes)',
      '  bad.yaml:8:27: org.packs[0].policy.rotation: expected true or false, got "yes"',
      '  bad.yaml:8:48: org.packs[0].policy.accessTokenTtl: write a unit: 3600s, 3600m, 3600h or 3600d',
      '  bad.yaml:11:10: timeline[1].run: unknown teammate "alic" (org.teammates: alice)',
      '  bad.yaml:12:5: timeline[2].endpoint: is required for a fault step',
      '  bad.yaml:14:9: timeline[3].at: not a duration: "5 minutes" (use e.g. 90d, 12h, 10m, 30s, 1d12h)',
      '  bad.yaml:16:5: timeline[3].by: unknown field for a run step',
      '  bad.yaml:17:5: timeline[4]: unknown event "frobnicate"; each step is one of: run, connect, revoke, clear_credentials, rotate_secret, update_secret, approve_app, fault, concurrently, store_fault, restart_manager, indexing, other_devices',
    ])
  })

  it('checks names against the org and the setup, and time order', () => {
    const message = issuesOf(`id: semantic
org:
  teammates: [alice]
  packs: [{ id: crm, provider: baseline, setup: central }]
timeline:
  - at: day 2 09:00
    run: alice@crm
  - rotate_secret: crm
  - at: day 1 10:00
    concurrently: [{ run: alice@crm, instance: 1 }, alic@crm]
rules: [silent-refresh, be-nice]
`)
    expect(message).toContain('bad.yaml:8:20: timeline[1].rotate_secret: rotate_secret needs a custom app')
    expect(message).toContain(
      'bad.yaml:9:9: timeline[2].at: day 1 10:00 is before the previous step (day 2 09:00)',
    )
    expect(message).toContain('bad.yaml:10:53: timeline[2].concurrently[1]: unknown teammate "alic"')
    expect(message).toContain('bad.yaml:11:25: rules[1]: unknown rule "be-nice"')
    const processes = issuesOf(`id: processes
org:
  teammates: [alice]
  packs: [{ id: crm, provider: baseline, setup: custom }]
timeline:
  - concurrently: [{ run: alice@crm, instance: 1 }, alice@crm]
    crash: 0
`)
    expect(processes).toContain(
      'bad.yaml:6:5: timeline[0]: names manager process 1, but the scenario has 1 (set instances: 2 or more',
    )
  })

  it('reports YAML syntax errors and empty or multi-document files with their line', () => {
    expect(issuesOf('id: x\norg:\n  teammates: [alice\ntimeline: []\n')).toMatch(/bad\.yaml:4:1: \(yaml\): /)
    expect(issuesOf('')).toContain('bad.yaml: (root): the file is empty')
    expect(issuesOf('id: a\n---\nid: b\n')).toContain('bad.yaml:2:1: (root): one scenario per file')
    expect(issuesOf('- 1\n')).toContain('bad.yaml:1:1: (root): expected a mapping, got a list')
    expect(issuesOf('id: x\n')).toContain('bad.yaml:1:1: org: is required')
  })

  it('defineScenario has the same shape and checks, naming the field', () => {
    const fromTs = defineScenario({
      id: 'lost-rotation',
      title: 'The rotated refresh token was never saved',
      org: {
        teammates: ['alice', 'bob'],
        packs: [
          {
            id: 'jira',
            provider: 'baseline',
            setup: 'custom',
            policy: { accessTokenTtl: '1h', rotation: true, refreshIdleTtl: 'never', reuseLeeway: 0 },
          },
        ],
      },
      timeline: [
        { at: 'day 1 09:00', connect: 'alice@jira' },
        { at: 'day 1 10:01', run: 'alice@jira' },
        { at: '+61m', run: 'alice@jira' },
      ],
    })
    const fromYaml = parseScenario(GOOD, 'good.yaml')
    expect(fromTs.org).toEqual(fromYaml.org)
    expect(fromTs.steps.map((s) => s.event)).toEqual(fromYaml.steps.slice(0, 3).map((s) => s.event))

    expect(() =>
      defineScenario({
        id: 'broken',
        org: { teammates: ['alice'], packs: [{ id: 'crm', provider: 'baseline', setup: 'custom' }] },
        timeline: [{ run: 'alice@crm' }, { fault: 'crm', endpoint: 'token', http: 700 }],
      }),
    ).toThrow('scenario "broken": timeline[1].http: expected a whole number between 400 and 599, got 700')
  })
})

describe('counterexample files', () => {
  const org = {
    teammates: ['alice'],
    packs: [
      {
        id: 'crm',
        provider: 'baseline' as const,
        setup: 'custom' as const,
        policy: { accessTokenTtlMs: HOUR_MS, refreshIdleTtlMs: null, rotation: true },
      },
    ],
  }
  const events = [
    { type: 'connect' as const, teammate: 'alice', pack: 'crm' },
    { type: 'advance' as const, ms: 61 * MINUTE_MS },
    { type: 'run' as const, teammate: 'alice', pack: 'crm' },
    { type: 'clear_credentials' as const, teammate: 'alice', pack: 'crm' },
    { type: 'advance' as const, ms: 2 * DAY_MS + 1234 },
    { type: 'run' as const, teammate: 'alice', pack: 'crm' },
  ]
  const ce: Counterexample = {
    rule: 'admin-reset',
    provider: 'baseline',
    seed: 42,
    path: '3:1',
    org,
    events,
    lines: [],
    violations: [],
    reproduced: true,
  }

  it('writes absolute times from the trace, outcomes as comments, and reads back the same events', async () => {
    const replay = await replayTimeline({
      org,
      createManager: referenceManager,
      rules: [ruleById('admin-reset')],
      events,
    })
    const text = counterexampleToYaml(ce, { trace: replay.trace, manager: 'reference' })
    expect(text).toContain('  - at: day 1 10:01\n    run: alice@crm')
    expect(text).toMatch(/\n {4}run: alice@crm\s+# -> connect_required\(/)
    expect(text).toContain('at: day 3 10:01:01.234')
    expect(text).not.toMatch(/\b(at|rt|code)_\d+/)
    const parsed = parseScenario(text, 'ce.yaml')
    expect(staticEvents(parsed.steps)).toEqual(events)
    expect(parsed.definition.rules).toEqual(['admin-reset'])
    expect(parsed.definition.origin).toMatchObject({ rule: 'admin-reset', seed: 42, path: '3:1' })
    const again = await replayScenario(parsed, { createManager: referenceManager })
    expect(again.violations).toEqual([])
    expect(again.trace.map((s) => s.elapsedMs)).toEqual(replay.trace.map((s) => s.elapsedMs))
  })

  it('names the manager in the replay hint with the flag that selects it, once', () => {
    const hint = (manager: string) =>
      counterexampleToYaml(ce, { manager })
        .split('\n')
        .find((l) => l.startsWith('# Replay it'))
    expect(hint('reference')).toBe('# Replay it: reconnect-lab replay <this file>')
    expect(hint('./my-adapter.ts')).toBe(
      '# Replay it: reconnect-lab replay <this file> --manager ./my-adapter.ts',
    )
    expect(hint('--manager-cmd "python3 m.py"')).toBe(
      '# Replay it: reconnect-lab replay <this file> --manager-cmd "python3 m.py"',
    )
  })

  it('keeps each outcome comment on one line when a concurrent run failed with a multi-line error', () => {
    const concurrent = {
      type: 'concurrent_runs' as const,
      runs: [
        { teammate: 'alice', pack: 'crm' },
        { teammate: 'alice', pack: 'crm' },
      ],
    }
    const thrown: StepResult = {
      kind: 'manager_error',
      message: 'run(alice, crm) threw Error: boom\n    at explode (m.ts:7:9)\n    at Object.run (m.ts:16:14)',
    }
    const step = (
      index: number,
      event: TimelineEvent,
      result: StepResult,
      results?: StepResult[],
    ): TraceStep => ({
      index,
      atMs: 0,
      elapsedMs: 0,
      event,
      result,
      ...(results ? { results } : {}),
      requests: [],
      ledger: [],
    })
    const trace = [
      step(0, events[0]!, { kind: 'outcome', outcome: { kind: 'ok' } }),
      step(1, concurrent, { kind: 'none' }, [thrown, thrown]),
    ]
    const text = counterexampleToYaml({ ...ce, events: [events[0]!, concurrent] }, { trace })
    expect(text).toContain('# -> [manager error: run(alice, crm) threw Error: boom, manager error:')
    expect(text).not.toContain('at explode')
    expect(staticEvents(parseScenario(text, 'ce.yaml').steps)).toEqual([events[0], concurrent])
  })

  it('writes relative times without a trace, exactly', () => {
    const text = counterexampleToYaml(ce)
    expect(text).toContain('  - at: +1h1m\n    run: alice@crm')
    expect(text).toContain('at: +2d1s234ms')
    expect(staticEvents(parseScenario(text, 'ce.yaml').steps)).toEqual(events)
  })
})

describe('other devices, clock skew and store faults in files', () => {
  it('refuses a bad other_devices step with file:line:col, and reads a good one', () => {
    const message = issuesOf(`id: devices
org:
  teammates: [alice]
  packs: [{ id: g, provider: google, setup: central }]
timeline:
  - other_devices: alice@g
  - other_devices: alice@g
    count: 0
  - other_devices: bob@g
    count: 3
  - other_devices: alice@g
    count: 2
    by: admin
`)
    expect(message).toContain('bad.yaml:6:5: timeline[0].count: is required for a other_devices step')
    expect(message).toContain(
      'bad.yaml:8:12: timeline[1].count: expected a whole number between 1 and 1000, got 0',
    )
    expect(message).toContain(
      'bad.yaml:9:20: timeline[2].other_devices: unknown teammate "bob" (org.teammates: alice)',
    )
    expect(message).toContain(
      'bad.yaml:13:5: timeline[3].by: unknown field for a other_devices step (other_devices takes: count)',
    )
    const good = parseScenario(
      'id: ok\norg: { teammates: [alice], packs: [{ id: g, provider: google, setup: central }], managerClockSkew: -2m }\ntimeline:\n  - other_devices: alice@g\n    count: 100\n  - store_fault: 1\n    afterWrites: 1\n',
      'ok.yaml',
    )
    expect(good.steps.map((s) => s.event)).toEqual([
      { type: 'other_devices', teammate: 'alice', pack: 'g', count: 100 },
      { type: 'store_fault', failures: 1, afterWrites: 1 },
    ])
    expect(good.org.managerClockSkewMs).toBe(-120_000)
    const skew = issuesOf(
      'id: x\norg: { teammates: [a], packs: [{ id: g, provider: google, setup: central }], managerClockSkew: soon }\ntimeline: [{ run: a@g }]\n',
    )
    expect(skew).toContain('org.managerClockSkew: expected a signed duration such as -2m or +30s')
  })
})

describe('a Connect whose callback comes late (callbackAfter)', () => {
  const org = `org:
  teammates: [alice]
  packs: [{ id: j, provider: jira, setup: central }]
`
  it('refuses a bad callbackAfter with file:line:col, and an at before the late connect ends', () => {
    const message = issuesOf(`id: late
${org}timeline:
  - connect: alice@j
    callbackAfter: soon
  - connect: alice@j
    callbackAfter: 11
  - run: alice@j
    callbackAfter: 11m
  - at: day 1 09:00
    connect: alice@j
    callbackAfter: 11m
  - at: day 1 09:05
    run: alice@j
`)
    expect(message).toContain(
      'bad.yaml:7:20: timeline[0].callbackAfter: not a duration: "soon" (use e.g. 90d, 12h, 10m, 30s, 1d12h)',
    )
    expect(message).toContain('bad.yaml:9:20: timeline[1].callbackAfter: write a unit: 11s, 11m, 11h or 11d')
    expect(message).toContain('bad.yaml:11:5: timeline[2].callbackAfter: unknown field for a run step')
    expect(message).toContain(
      'bad.yaml:15:9: timeline[4].at: day 1 09:05 is before the end of the previous step (its callback came 11m after day 1 09:00); time only moves forward',
    )
  })

  it('reads a late connect into the event, and keeps the duration as written', () => {
    const parsed = parseScenario(
      `id: late\n${org}timeline:\n  - connect: alice@j\n    callbackAfter: 11m\n  - at: +1h\n    run: alice@j\n  - connect: alice@j\n    callbackAfter: 0\n`,
      'late.yaml',
    )
    expect(parsed.steps.map((s) => s.event)).toEqual([
      { type: 'connect', teammate: 'alice', pack: 'j', callbackDelayMs: 11 * MINUTE_MS },
      { type: 'run', teammate: 'alice', pack: 'j' },
      { type: 'connect', teammate: 'alice', pack: 'j', callbackDelayMs: 0 },
    ])
    expect(parsed.definition.timeline?.[0]).toEqual({ connect: 'alice@j', callbackAfter: '11m' })
    expect(parsed.definition.timeline?.[2]).toEqual({ connect: 'alice@j', callbackAfter: 0 })
  })

  it('a written counterexample keeps callbackAfter, reads back the same events and replays at the same times', async () => {
    const events: TimelineEvent[] = [
      { type: 'connect', teammate: 'alice', pack: 'j', callbackDelayMs: 11 * MINUTE_MS },
      { type: 'advance', ms: HOUR_MS },
      { type: 'connect', teammate: 'alice', pack: 'j' },
      { type: 'run', teammate: 'alice', pack: 'j' },
    ]
    const ce: Counterexample = {
      rule: 'connect-resolves',
      provider: 'jira',
      seed: 0,
      path: 'scripted',
      org: { teammates: ['alice'], packs: [{ id: 'j', provider: 'jira', setup: 'central' }] },
      events,
      lines: [],
      violations: [],
      reproduced: true,
    }
    const rules = [ruleById('connect-resolves')]
    const replay = await replayTimeline({ org: ce.org, createManager: referenceManager, rules, events })
    expect(replay.trace[0]?.codeExpiredAtCallback).toBe(true)
    for (const trace of [replay.trace, undefined]) {
      const text = counterexampleToYaml(ce, trace ? { trace } : {})
      // The first connect's lines (its outcome comment, with a trace, on the event line).
      expect(text).toMatch(/- (at: day 1 09:00\n {4})?connect: alice@j[^\n]*\n {4}callbackAfter: 11m\n/)
      if (trace) expect(text).toMatch(/connect: alice@j +# -> connect_required\(grant_invalid\)\n/)
      const parsed = parseScenario(text, 'ce.yaml')
      expect(staticEvents(parsed.steps)).toEqual(events)
      const again = await replayScenario(parsed, { createManager: referenceManager, rules })
      expect(again.violations).toEqual([])
      expect(again.trace.map((s) => s.elapsedMs)).toEqual(replay.trace.map((s) => s.elapsedMs))
    }
    const story = storyLines({ trace: replay.trace, violations: [], triage: triageTrace(replay.trace) })
    expect(story[0]).toMatch(
      /^day 1 09:00 {2}alice@j {2}connect \(callback after 11m\) -> .*connect_required\(grant_invalid\)$/,
    )
    expect(formatEvent(events[0]!)).toBe('connect(alice, j, callback after 11m)')
    const picture = buildTimelineModel({ title: 'late', org: ce.org, trace: replay.trace })
    const late = picture.marks.find((m) => m.kind === 'connect' && m.stepIndex === 0)
    expect(late?.detail).toContain('callback after 11m')
  })
})

describe('expectations and packs checked by their source', () => {
  it('refuses a policy the provider does not allow, an unknown option and bad expectations, with file:line:col', () => {
    const message = issuesOf(`id: checked
org:
  teammates: [alice]
  packs:
    - { id: jira, provider: jira, setup: custom, policy: { refreshIdleTtl: 7d } }
    - { id: slack, provider: slack, setup: custom, options: { tokenRotaton: true } }
timeline:
  - connect: alice@jira
    expect: sort_of_ok
  - run: alice@jira
    expect: connect_required(tired)
  - revoke: alice@jira
    expect: ok
expect:
  triage: maybe
  keeps: [be-nice]
`)
    expect(message).toMatch(
      /bad\.yaml:5:\d+: org\.packs\[0\]\.policy(\.refreshIdleTtl)?: jira.*refreshIdleTtl.*cannot be changed/,
    )
    expect(message).toMatch(
      /bad\.yaml:6:\d+: org\.packs\[1\]\.options(\.tokenRotaton)?: slack.*"tokenRotaton".*known: grantType, tokenRotation/,
    )
    expect(message).toContain('bad.yaml:9:13: timeline[0].expect: expected an outcome: one of ok,')
    expect(message).toContain('timeline[1].expect: connect_required takes one of not_connected,')
    expect(message).toContain('timeline[2].expect: unknown field for a revoke step')
    expect(message).toContain('expect.triage: expected one of no_action, admin, support, got "maybe"')
    expect(message).toContain('expect.keeps[0]: unknown rule "be-nice"')
  })

  it('reads step expectations and the triage expectation', () => {
    const scenario = parseScenario(
      `id: ok
org: { teammates: [alice], packs: [{ id: p, provider: baseline, setup: central }] }
timeline:
  - connect: alice@p
    expect: ok
  - run: alice@p
    expect: blocked(admin)
expect: { triage: { verdict: admin, row: connect-fails }, keeps: [silent-refresh] }
`,
      'ok.yaml',
    )
    expect(scenario.steps.map((s) => s.expect)).toEqual([
      { kind: 'ok' },
      { kind: 'blocked', contact: 'admin' },
    ])
    expect(scenario.definition.expect).toEqual({
      keeps: ['silent-refresh'],
      triage: { verdict: 'admin', row: 'connect-fails' },
    })
  })
})

describe('the product around the manager, per pack', () => {
  it('refuses an unknown product setting and a wrong value with file:line:col, and reads a good one', () => {
    const message = issuesOf(`id: product
org:
  teammates: [alice]
  packs:
    - id: p
      provider: baseline
      setup: central
      product: { forgetsCredentialsAfterRun: yes, forgetsEverything: true }
    - id: q
      provider: baseline
      setup: central
      product: forgets
timeline:
  - run: alice@p
`)
    expect(message).toContain(
      'bad.yaml:8:46: org.packs[0].product.forgetsCredentialsAfterRun: expected true or false, got "yes"',
    )
    expect(message).toContain(
      'bad.yaml:8:51: org.packs[0].product.forgetsEverything: unknown product setting (known: forgetsCredentialsAfterRun)',
    )
    expect(message).toContain('bad.yaml:12:16: org.packs[1].product: expected a mapping, got "forgets"')
    const good = parseScenario(
      'id: ok\norg: { teammates: [alice], packs: [{ id: p, provider: baseline, setup: central, product: { forgetsCredentialsAfterRun: true } }] }\ntimeline: [{ run: alice@p }]\n',
      'ok.yaml',
    )
    expect(good.org.packs[0]?.product).toEqual({ forgetsCredentialsAfterRun: true })
    expect(good.definition.org.packs[0]?.product).toEqual({ forgetsCredentialsAfterRun: true })
  })

  it('defineScenario and an org built in code are checked by the same rules', () => {
    expect(() =>
      defineScenario({
        id: 'product-in-ts',
        org: {
          teammates: ['alice'],
          packs: [
            {
              id: 'p',
              provider: 'baseline',
              setup: 'central',
              // A JavaScript caller gets no type check: the schema is what refuses it.
              product: { forgetsCredentialsAfterRun: 'yes' } as unknown as ProductSpec,
            },
          ],
        },
        timeline: [{ run: 'alice@p' }],
      }),
    ).toThrow(/org\.packs\[0\]\.product\.forgetsCredentialsAfterRun: expected true or false, got "yes"/)
    expect(() =>
      validateOrg({
        teammates: ['alice'],
        packs: [
          {
            id: 'p',
            provider: 'baseline',
            setup: 'central',
            product: { forgetsCredentialsAfterRun: true, later: 1 } as ProductSpec,
          },
        ],
      }),
    ).toThrow('pack "p": product.later: unknown product setting (known: forgetsCredentialsAfterRun)')
  })

  it('a written counterexample keeps the product setting, and it reads back the same', () => {
    const ce: Counterexample = {
      rule: 'triage-matches-table',
      provider: 'baseline',
      seed: 0,
      path: 'scripted',
      org: {
        teammates: ['alice'],
        packs: [
          { id: 'p', provider: 'baseline', setup: 'central', product: { forgetsCredentialsAfterRun: true } },
        ],
      },
      events: [
        { type: 'connect', teammate: 'alice', pack: 'p' },
        { type: 'run', teammate: 'alice', pack: 'p' },
      ],
      lines: [],
      violations: [],
      reproduced: true,
    }
    const text = counterexampleToYaml(ce)
    expect(text).toContain('      product: { forgetsCredentialsAfterRun: true }')
    expect(parseScenario(text, 'ce.yaml').org).toEqual(ce.org)
  })
})

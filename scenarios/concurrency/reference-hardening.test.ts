import { describe, expect, it } from 'vitest'
import { HOUR_MS, MINUTE_MS, ManualClock } from '../../src/clock.ts'
import { createMemoryCredentialStore } from '../../src/manager/memory-store.ts'
import {
  createReferenceManager,
  credentialKey,
  DEFAULT_LEASE_MS,
  LEASE_EXTRA,
  createManager as referenceManager,
} from '../../src/manager/reference-manager.ts'
import { createFakeSource } from '../../src/manager/testing/fake-source.ts'
import { mutantById } from '../mutants/index.ts'
import { ruleById } from '../../src/rules/catalogue/index.ts'
import { renderInterleaving } from '../../src/suite/interleavings-render.ts'
import { replayTimeline } from '../../src/suite/play.ts'
import type { IoEvent, OrgSpec, PackSpec, TimelineEvent, TraceStep } from '../../src/world/types.ts'

const RULES = ['rotation-is-durable', 'transient-never-prompts', 'silent-refresh', 'expiry-prompts-once'].map(
  (id) => ruleById(id),
)

function baselineOrg(policy: NonNullable<PackSpec['policy']>, teammates = ['alice']): OrgSpec {
  return {
    teammates,
    packs: [
      {
        id: 'baseline',
        provider: 'baseline',
        setup: 'custom',
        policy: { accessTokenTtlMs: HOUR_MS, rotation: true, ...policy },
      },
    ],
  }
}

const connect: TimelineEvent = { type: 'connect', teammate: 'alice', pack: 'baseline' }
const run: TimelineEvent = { type: 'run', teammate: 'alice', pack: 'baseline' }
const expire: TimelineEvent = { type: 'advance', ms: HOUR_MS + MINUTE_MS }
const fault = (f: Extract<TimelineEvent, { type: 'fault' }>['fault'], times = 1): TimelineEvent => ({
  type: 'fault',
  pack: 'baseline',
  endpoint: 'token',
  fault: f,
  times,
})

async function play(
  org: OrgSpec,
  events: TimelineEvent[],
  managerInstances = 1,
  createManager = referenceManager,
) {
  const replay = await replayTimeline({
    org,
    createManager,
    rules: RULES,
    events,
    managerInstances,
  })
  const results = replay.trace.map((s) => s.result)
  return { ...replay, results, lines: renderInterleaving(replay.trace, replay.violations) }
}

function tokenRequests(trace: readonly TraceStep[]): Array<Extract<IoEvent, { kind: 'token_request' }>> {
  return trace.flatMap((s) => s.io ?? []).filter((e) => e.kind === 'token_request')
}

function presentedAs(trace: readonly TraceStep[]): string[] {
  return tokenRequests(trace)
    .flatMap((e) => e.ledger)
    .flatMap((l) => (l.type === 'refresh' ? [l.presented] : []))
}

describe('the reference manager under lost answers', () => {
  it('commit-then-drop on a source with a 10-minute leeway: it retries within the leeway, no prompt, no reuse', async () => {
    const org = baselineOrg({ reuseLeewayMs: 10 * MINUTE_MS, reuseAfterLeeway: 'revoke_family' })
    const r = await play(org, [connect, fault({ kind: 'commit_then_drop' }), expire, run, expire, run])
    expect(r.violations, r.lines.join('\n')).toEqual([])
    expect(
      r.results.filter((x) => x.kind === 'outcome').map((x) => x.kind === 'outcome' && x.outcome.kind),
    ).toEqual(['ok', 'ok', 'ok'])
    // The dropped answer rotated; the retry re-presented the same token inside the leeway.
    expect(presentedAs(r.trace)).toEqual(['current', 'retired_within_leeway', 'current'])
  })

  it("commit-then-drop on a single-use source: the reuse is the source's doing, a prompt is allowed, Connect restores", async () => {
    const org = baselineOrg({ reuseLeewayMs: 0, reuseAfterLeeway: 'revoke_family' })
    const r = await play(org, [connect, fault({ kind: 'commit_then_drop' }), expire, run, run, connect, run])
    expect(r.violations, r.lines.join('\n')).toEqual([])
    expect(presentedAs(r.trace).slice(0, 2)).toEqual(['current', 'retired_after_leeway'])
    const outcomes = r.results.map((x) => (x.kind === 'outcome' ? x.outcome.kind : x.kind))
    expect(outcomes.slice(-4)).toEqual(['connect_required', 'connect_required', 'ok', 'ok'])
  })

  it('a refresh answer without refresh_token (Jira): it re-presents the old token inside the 10-minute leeway', async () => {
    const org: OrgSpec = {
      teammates: ['alice'],
      packs: [{ id: 'jira', provider: 'jira', setup: 'central', instance: 'acme' }],
    }
    const j = (e: TimelineEvent): TimelineEvent => ('pack' in e ? { ...e, pack: 'jira' } : e)
    const r = await play(
      org,
      [connect, fault({ kind: 'omit_refresh_token' }), expire, run, expire, run].map(j),
    )
    expect(r.violations, r.lines.join('\n')).toEqual([])
    expect(presentedAs(r.trace)).toEqual(['current', 'retired_within_leeway', 'current'])
    expect(r.results.at(-1)).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
  })
})

describe('the reference manager connecting through a lost answer', () => {
  it('a code exchange whose answer was dropped: "try again", never a prompt or support; Connect again works', async () => {
    const org = baselineOrg({ reuseLeewayMs: 0 })
    const r = await play(org, [fault({ kind: 'commit_then_drop' }), connect, connect, run])
    expect(r.violations, r.lines.join('\n')).toEqual([])
    expect(r.results.slice(1)).toEqual([
      {
        kind: 'outcome',
        outcome: {
          kind: 'retry_later',
          reason: 'the connection dropped while connecting; try Connect again',
        },
      },
      { kind: 'outcome', outcome: { kind: 'ok' } },
      { kind: 'outcome', outcome: { kind: 'ok' } },
    ])
  })
})

describe('the reference manager under store and process trouble', () => {
  it('a store that refuses the write after the source rotated: retry later, then the kept credential is written', async () => {
    const org = baselineOrg({ reuseLeewayMs: 0, reuseAfterLeeway: 'revoke_family' })
    // The claim (one write) succeeds, the source rotates, then every write of the rotated token fails.
    const r = await play(org, [
      connect,
      expire,
      { type: 'store_fault', failures: 3, afterWrites: 1 },
      run,
      run,
      expire,
      run,
    ])
    expect(r.violations, r.lines.join('\n')).toEqual([])
    const outcomes = r.results
      .filter((x) => x.kind === 'outcome')
      .map((x) => x.kind === 'outcome' && x.outcome)
    expect(outcomes.slice(1)).toEqual([
      { kind: 'retry_later', reason: 'the credential store is unavailable' },
      { kind: 'ok' },
      { kind: 'ok' },
    ])
    // One rotation, remembered in memory and written at the next run; never a reuse.
    expect(presentedAs(r.trace)).toEqual(['current', 'current'])
  })

  it('a crash as the rotated token arrives: the lease holds the others off, then a process takes over inside the leeway', async () => {
    const org = baselineOrg({ reuseLeewayMs: 10 * MINUTE_MS, reuseAfterLeeway: 'revoke_family' })
    const r = await play(
      org,
      [
        connect,
        expire,
        // P1 dies as the answer to its refresh arrives (its 6th IO: get, get, claim, read fence, send, answer).
        {
          type: 'concurrent_runs',
          runs: [{ teammate: 'alice', pack: 'baseline', instance: 1 }],
          crash: 1,
          crashAtIo: 6,
        },
        { type: 'run', teammate: 'alice', pack: 'baseline' },
        { type: 'advance', ms: 6 * MINUTE_MS },
        { type: 'run', teammate: 'alice', pack: 'baseline' },
      ],
      2,
    )
    expect(r.violations, r.lines.join('\n')).toEqual([])
    expect(r.lines.join('\n')).toMatch(/P1 alice#1 <- token answer #\d+ lost \(the process is dead\)/)
    expect(r.trace[2]?.results).toEqual([{ kind: 'crashed' }])
    // While the dead process's lease lasts: retry later (never a prompt); after it: silent, within the leeway.
    expect(r.trace[3]?.result).toMatchObject({ kind: 'outcome', outcome: { kind: 'retry_later' } })
    expect(r.trace[5]?.result).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
    expect(presentedAs(r.trace)).toEqual(['current', 'retired_within_leeway'])
  })

  it('honours Retry-After across runs of one process: no request before it allows', async () => {
    const org = baselineOrg({ reuseLeewayMs: 0 })
    const r = await play(org, [
      connect,
      expire,
      fault({ kind: 'http_error', status: 429, retryAfterSeconds: 120 }),
      run,
      run,
      { type: 'advance', ms: 2 * MINUTE_MS },
      run,
    ])
    expect(r.violations, r.lines.join('\n')).toEqual([])
    const byStep = r.trace.map((s) => (s.io ?? []).filter((e) => e.kind === 'token_request').length)
    expect(byStep.slice(3)).toEqual([1, 0, 0, 1])
    expect(r.results.at(-1)).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
  })

  it('a 5xx is retried with backoff and, if it persists, is "retry later" with the grant kept', async () => {
    const org = baselineOrg({ reuseLeewayMs: 0 })
    const r = await play(org, [connect, expire, fault({ kind: 'http_error', status: 503 }, 3), run, run])
    expect(r.violations, r.lines.join('\n')).toEqual([])
    expect(r.results.slice(-2)).toEqual([
      { kind: 'outcome', outcome: { kind: 'retry_later', reason: 'token endpoint failed (503)' } },
      { kind: 'outcome', outcome: { kind: 'ok' } },
    ])
  })
})

describe('the reference manager when the store refuses the rotated write, then the process restarts (Jira)', () => {
  const jiraOrg: OrgSpec = {
    teammates: ['alice'],
    packs: [{ id: 'jira', provider: 'jira', setup: 'central', instance: 'acme' }],
  }
  const j = (e: TimelineEvent): TimelineEvent => ('pack' in e ? { ...e, pack: 'jira' } : e)
  /** The source rotated RT1 into RT2, every write of RT2 failed, and the process holding RT2 died. */
  const baselineEvents: TimelineEvent[] = [
    connect,
    expire,
    // The claim (one write) succeeds, the source rotates, then the three writes of the rotated token fail.
    { type: 'store_fault', failures: 3, afterWrites: 1 },
    run,
    { type: 'restart_manager' },
  ]
  const lost = baselineEvents.map(j)

  it("a run inside the leeway takes the dead holder's lease over and re-presents the retired token: no prompt, ever", async () => {
    const r = await play(jiraOrg, [...lost, run, expire, run].map(j))
    expect(r.violations, r.lines.join('\n')).toEqual([])
    const outcomes = r.results
      .filter((x) => x.kind === 'outcome')
      .map((x) => x.kind === 'outcome' && x.outcome)
    expect(outcomes).toEqual([
      { kind: 'ok' },
      { kind: 'retry_later', reason: 'the credential store is unavailable' },
      { kind: 'ok' },
      { kind: 'ok' },
    ])
    expect(presentedAs(r.trace)).toEqual(['current', 'retired_within_leeway', 'current'])
  })

  it('the manager that waits the stale lease out loses the grant, and rotation-is-durable blames it', async () => {
    const mutant = mutantById('jira-waits-out-stale-lease')
    const r = await play(jiraOrg, [...lost, run, expire, run].map(j), 1, mutant.createManager)
    const [violation] = r.violations
    expect(violation?.rule, r.lines.join('\n')).toBe('rotation-is-durable')
    expect(violation?.stepIndex).toBe(7)
    expect(r.lines.join('\n')).toMatch(
      /store refused P0's write of RT2, and run alice#2 on P0' ran inside the leeway/,
    )
    // The run inside the leeway only waited (retry later); the last one presented RT1 after the leeway.
    expect(r.results[5]).toMatchObject({ kind: 'outcome', outcome: { kind: 'retry_later' } })
    expect(presentedAs(r.trace)).toEqual(['current', 'retired_after_leeway'])
  })

  it("with no run before the leeway ends, the prompt is the world's doing: allowed for both managers", async () => {
    for (const createManager of [referenceManager, mutantById('jira-waits-out-stale-lease').createManager]) {
      const late: TimelineEvent = { type: 'advance', ms: 11 * MINUTE_MS }
      const r = await play(jiraOrg, [...lost, late, run, connect, run].map(j), 1, createManager)
      expect(r.violations, r.lines.join('\n')).toEqual([])
      expect(r.results.at(-3)).toMatchObject({ kind: 'outcome', outcome: { kind: 'connect_required' } })
      expect(r.results.at(-1)).toEqual({ kind: 'outcome', outcome: { kind: 'ok' } })
    }
  })
})

describe('fencing: a stale lease holder never writes back', () => {
  it("a holder whose lease ran out while its request hung is fenced out; the taker-over's credential stays", async () => {
    const clock = new ManualClock()
    // A source that honours a retired token (Slack's race), so both presentations get an answer.
    const source = createFakeSource({ clock, acceptRetiredRefreshTokens: true })
    const store = createMemoryCredentialStore()
    const key = credentialKey('pack-a', 'alice')
    const seeded = source.seedGrant()
    await store.compareAndSet(key, 0, {
      accessToken: seeded.accessToken,
      refreshToken: seeded.refreshToken,
      accessTokenExpiresAt: clock.now() + HOUR_MS,
      obtainedAt: clock.now(),
    })
    const make = () => createReferenceManager({ fetch: source.fetch, clock, packs: [source.pack()], store })
    const a = make()
    const b = make()
    clock.advance(HOUR_MS)
    source.hold()
    const runA = a.run('alice', 'pack-a', source.callApi)
    await source.waitForParked(1)
    // A's request hangs past its lease (the timing assumption broken on purpose); B takes the lease over.
    clock.advance(DEFAULT_LEASE_MS + MINUTE_MS)
    const runB = b.run('alice', 'pack-a', source.callApi)
    await source.waitForParked(2)
    source.releaseNext()
    // A's write at its fencing version fails: the row is B's now. A does not put its pair back.
    expect(await runA).toMatchObject({ kind: 'retry_later' })
    expect((await store.get(key))?.credential.extras?.[LEASE_EXTRA]).toBeDefined()
    source.releaseNext()
    expect(await runB).toEqual({ kind: 'ok' })
    const [, second] = source.tokenRequests().filter((r) => r.grantType === 'refresh_token')
    const final = (await store.get(key))?.credential
    expect(final?.refreshToken).toBeDefined()
    expect(final?.refreshToken).not.toBe(seeded.refreshToken)
    expect(final?.extras?.[LEASE_EXTRA]).toBeUndefined()
    expect(second?.refreshToken).toBe(seeded.refreshToken)
    // What the store holds is B's answer, the last one issued.
    expect(source.apiTokens().at(-1)).toBe(final?.accessToken)
  })
})

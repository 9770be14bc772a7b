import { describe, expect, it } from 'vitest'
import type { LedgerEvent } from '../../mocks/types.ts'
import type { IoEvent, ProcRef, TraceStep } from '../world/types.ts'
import { RotationLedger, USABLE_LEEWAY_MS } from './ledger-invariants.ts'

type NewEvent = IoEvent extends infer E ? (E extends IoEvent ? Omit<E, 'seq' | 'atMs'> : never) : never

const P0: ProcRef = { instance: 0, generation: 0 }
const P1: ProcRef = { instance: 1, generation: 0 }

/** Builds an IO log the way ProcessIo does: seq and time advance with each event. */
function log() {
  const events: IoEvent[] = []
  let seq = 0
  let now = 1_000_000
  const push = (e: NewEvent): number => {
    seq++
    events.push({ ...e, seq, atMs: now } as IoEvent)
    return seq
  }
  const refresh = (
    proc: ProcRef,
    presented: string,
    entry: Pick<Extract<LedgerEvent, { type: 'refresh' }>, 'presented' | 'result'>,
    answer: {
      issued?: { refreshToken?: string; accessToken?: string }
      dropped?: boolean
      leeway?: number
    } = {},
  ): number =>
    push({
      kind: 'token_request',
      sentAfterSeq: seq,
      sentAtMs: now,
      pack: 'p',
      proc,
      grantType: 'refresh_token',
      presented,
      dropped: answer.dropped ?? false,
      ...(answer.dropped ? {} : { status: entry.result === 'issued' ? 200 : 400 }),
      ledger: [{ type: 'refresh', atMs: now, login: 'alice', clientId: 'c', familyId: 'f1', ...entry }],
      ...(answer.issued ? { issued: answer.issued } : {}),
      rotation: true,
      reuseLeewayMs: answer.leeway ?? 0,
    })
  return {
    events,
    advance: (ms: number) => {
      now += ms
    },
    connect(proc: ProcRef, refreshToken: string) {
      const requestSeq = push({
        kind: 'token_request',
        sentAfterSeq: seq,
        sentAtMs: now,
        pack: 'p',
        proc,
        grantType: 'authorization_code',
        status: 200,
        dropped: false,
        ledger: [{ type: 'code_exchanged', atMs: now, login: 'alice', clientId: 'c', familyId: 'f1' }],
        issued: { refreshToken, accessToken: `A${refreshToken}` },
        rotation: true,
        reuseLeewayMs: 0,
      })
      push({ kind: 'token_delivered', requestSeq, proc })
      push({
        kind: 'store_write',
        proc,
        key: 'k',
        expectedVersion: 0,
        result: 'ok',
        deletes: false,
        refreshToken,
      })
    },
    refresh,
    deliver: (requestSeq: number, proc: ProcRef) => push({ kind: 'token_delivered', requestSeq, proc }),
    write: (proc: ProcRef, refreshToken: string | undefined, result: 'ok' | 'failed' = 'ok') =>
      push({
        kind: 'store_write',
        proc,
        key: 'k',
        expectedVersion: 1,
        result,
        deletes: false,
        ...(refreshToken ? { refreshToken } : {}),
      }),
    api: (proc: ProcRef, accessToken: string) =>
      push({
        kind: 'api_request',
        pack: 'p',
        proc,
        run: { id: 1, teammate: 'alice', pack: 'p' },
        accessToken,
        status: 200,
      }),
    crash: (proc: ProcRef) => push({ kind: 'crash', proc, runs: [] }),
    rateLimited: (proc: ProcRef, retryAfterMs: number) => {
      const requestSeq = push({
        kind: 'token_request',
        sentAfterSeq: seq,
        sentAtMs: now,
        pack: 'p',
        proc,
        grantType: 'refresh_token',
        presented: 'RT1',
        status: 429,
        dropped: false,
        ledger: [],
        retryAfterMs,
        rotation: true,
        reuseLeewayMs: 0,
      })
      return requestSeq
    },
  }
}

function ledgerOf(events: IoEvent[]): RotationLedger {
  const step: TraceStep = {
    index: 0,
    atMs: 0,
    elapsedMs: 0,
    event: { type: 'advance', ms: 0 },
    result: { kind: 'none' },
    requests: [],
    ledger: [],
    io: events,
  }
  const ledger = new RotationLedger()
  ledger.ingest(step)
  return ledger
}

const CURRENT = { presented: 'current', result: 'issued' } as const
const REUSE = { presented: 'retired_after_leeway', result: 'rejected' } as const

describe('who caused a refresh-token reuse', () => {
  it('a second process presenting a token whose answer is on its way to the first: the manager', () => {
    const l = log()
    l.connect(P0, 'RT1')
    const first = l.refresh(P0, 'RT1', CURRENT, { issued: { refreshToken: 'RT2', accessToken: 'AT2' } })
    l.refresh(P1, 'RT1', REUSE)
    l.deliver(first, P0)
    const [reuse] = ledgerOf(l.events).reuses
    expect(reuse).toMatchObject({ excused: false, redeemed: false, presented: 'RT1' })
    expect(reuse?.because).toContain('RT2, whose answer was on its way to P0')
  })

  it('a dropped answer on a source with a usable leeway: the world if the process retried in time, else the manager', () => {
    for (const retried of [true, false]) {
      const l = log()
      l.connect(P0, 'RT1')
      const leeway = USABLE_LEEWAY_MS * 10
      const first = l.refresh(P0, 'RT1', CURRENT, { dropped: true, leeway })
      l.deliver(first, P0)
      if (retried) {
        l.advance(500)
        const again = l.refresh(
          P0,
          'RT1',
          { presented: 'retired_within_leeway', result: 'issued' },
          { dropped: true, leeway },
        )
        l.deliver(again, P0)
      }
      l.advance(leeway * 2)
      l.refresh(P0, 'RT1', REUSE, { leeway })
      expect(ledgerOf(l.events).reuses[0]?.excused, retried ? 'retried' : 'gave up at once').toBe(retried)
    }
  })

  it('a token presented again after its answer was dropped: the world', () => {
    const l = log()
    l.connect(P0, 'RT1')
    const first = l.refresh(P0, 'RT1', CURRENT, { dropped: true })
    l.deliver(first, P0)
    l.refresh(P0, 'RT1', REUSE)
    const ledger = ledgerOf(l.events)
    expect(ledger.reuses[0]).toMatchObject({ excused: true })
    expect(ledger.stranded('p', 'f1')).toBe(true)
  })

  it('a crash before storing the rotated token excuses the reuse, unless the process had used it', () => {
    for (const used of [false, true]) {
      const l = log()
      l.connect(P0, 'RT1')
      const first = l.refresh(P0, 'RT1', CURRENT, { issued: { refreshToken: 'RT2', accessToken: 'AT2' } })
      l.deliver(first, P0)
      if (used) l.api(P0, 'AT2')
      l.crash(P0)
      l.refresh(P1, 'RT1', REUSE)
      expect(ledgerOf(l.events).reuses[0]?.excused, used ? 'used before storing' : 'crashed').toBe(!used)
    }
  })

  it('a store that refused the write excuses it; a stored replacement never does', () => {
    for (const result of ['failed', 'ok'] as const) {
      const l = log()
      l.connect(P0, 'RT1')
      const first = l.refresh(P0, 'RT1', CURRENT, { issued: { refreshToken: 'RT2', accessToken: 'AT2' } })
      l.deliver(first, P0)
      l.write(P0, 'RT2', result)
      l.refresh(P1, 'RT1', REUSE)
      const [reuse] = ledgerOf(l.events).reuses
      expect(reuse?.excused).toBe(result === 'failed')
      if (result === 'ok') expect(reuse?.because).toContain('which P0 had received and stored')
    }
  })

  it('a source that honours the reuse anyway makes it a double redemption', () => {
    const l = log()
    l.connect(P0, 'RT1')
    const first = l.refresh(P0, 'RT1', CURRENT, { issued: { refreshToken: 'RT2', accessToken: 'AT2' } })
    l.deliver(first, P0)
    l.write(P0, 'RT2')
    l.refresh(
      P1,
      'RT1',
      { presented: 'retired_after_leeway', result: 'issued' },
      { issued: { refreshToken: 'RT3' } },
    )
    expect(ledgerOf(l.events).reuses[0]).toMatchObject({ excused: false, redeemed: true })
  })

  it('a missing refresh_token with a usable leeway: excused only if the manager could not know, or re-presented in time', () => {
    const scenario = (rotationSeen: boolean, resync: boolean) => {
      const l = log()
      l.connect(P0, 'RT1')
      let held = 'RT1'
      if (rotationSeen) {
        const r = l.refresh(P0, 'RT1', CURRENT, {
          issued: { refreshToken: 'RT2', accessToken: 'AT2' },
          leeway: USABLE_LEEWAY_MS * 10,
        })
        l.deliver(r, P0)
        l.write(P0, 'RT2')
        held = 'RT2'
      }
      const stripped = l.refresh(P0, held, CURRENT, {
        issued: { accessToken: 'AT9' },
        leeway: USABLE_LEEWAY_MS * 10,
      })
      l.deliver(stripped, P0)
      if (resync) {
        const again = l.refresh(
          P0,
          held,
          { presented: 'retired_within_leeway', result: 'issued' },
          { dropped: true, leeway: USABLE_LEEWAY_MS * 10 },
        )
        l.deliver(again, P0)
      }
      l.advance(USABLE_LEEWAY_MS * 20)
      l.refresh(P0, held, REUSE)
      return ledgerOf(l.events).reuses[0]?.excused
    }
    expect(scenario(false, false)).toBe(true)
    expect(scenario(true, false)).toBe(false)
    expect(scenario(true, true)).toBe(true)
  })
})

describe('Retry-After', () => {
  it('is breached by a request the same process sends after the answer arrived, before it ran out', () => {
    const l = log()
    const limited = l.rateLimited(P0, 30_000)
    l.deliver(limited, P0)
    l.advance(1000)
    l.refresh(P0, 'RT1', CURRENT)
    expect(ledgerOf(l.events).retryAfterBreaches).toMatchObject([{ retryAfterMs: 30_000, afterMs: 1000 }])
  })

  it('is not breached by another process, or by a request sent before the answer arrived, or after it ran out', () => {
    const l = log()
    const limited = l.rateLimited(P0, 30_000)
    l.refresh(P0, 'RT1', CURRENT)
    l.deliver(limited, P0)
    l.refresh(P1, 'RT1', CURRENT)
    l.advance(30_000)
    l.refresh(P0, 'RT1', CURRENT)
    expect(ledgerOf(l.events).retryAfterBreaches).toEqual([])
  })
})

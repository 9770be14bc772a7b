/**
 * Time for every party in reconnect-lab. This is the only module allowed to read real time or set
 * real timers (a test enforces it): everything else receives a Clock, so a 90-day refresh-token TTL
 * simulates in microseconds and every run replays from its seed.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch, as this party believes it to be. */
  now(): number
  /** Resolves once this clock has moved forward by `ms`. */
  sleep(ms: number): Promise<void>
}

interface Sleeper {
  wakeAt: number
  resolve: () => void
}

/** Day one of every simulated world: a fixed instant so reports never depend on when they ran. */
export const SIMULATION_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0)

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

/**
 * A clock that only moves when told to. In the simulation a sleeping party does not wait for anyone:
 * with `autoAdvanceOnSleep` (the default) `sleep(ms)` jumps the clock forward itself, which is how a
 * manager's backoff consumes virtual time without real delay. With it off, sleepers wake when
 * `advance` passes their deadline (useful when a test wants to hold a sleeper).
 */
export class ManualClock implements Clock {
  private current: number
  private sleepers: Sleeper[] = []
  readonly autoAdvanceOnSleep: boolean

  constructor(startMs: number = SIMULATION_EPOCH_MS, options: { autoAdvanceOnSleep?: boolean } = {}) {
    this.current = startMs
    this.autoAdvanceOnSleep = options.autoAdvanceOnSleep ?? true
  }

  now(): number {
    return this.current
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`ManualClock.advance needs a finite ms >= 0, got ${ms}`)
    this.current += ms
    this.wakeDueSleepers()
  }

  set(ms: number): void {
    if (ms < this.current) throw new RangeError('ManualClock.set cannot move time backwards')
    this.current = ms
    this.wakeDueSleepers()
  }

  sleep(ms: number): Promise<void> {
    const wait = Math.max(0, ms)
    if (this.autoAdvanceOnSleep) {
      this.advance(wait)
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAt: this.current + wait, resolve })
      this.wakeDueSleepers()
    })
  }

  pendingSleepers(): number {
    return this.sleepers.length
  }

  private wakeDueSleepers(): void {
    const due = this.sleepers.filter((s) => s.wakeAt <= this.current)
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > this.current)
    for (const s of due) s.resolve()
  }
}

/**
 * A party whose clock disagrees with the world's by a fixed, adjustable amount: clock skew, and a
 * mock's own "move time" control, without touching anyone else's clock.
 */
export class OffsetClock implements Clock {
  constructor(
    private readonly base: Clock,
    private offsetMs = 0,
  ) {}

  now(): number {
    return this.base.now() + this.offsetMs
  }

  sleep(ms: number): Promise<void> {
    return this.base.sleep(ms)
  }

  shift(ms: number): void {
    this.offsetMs += ms
  }

  get offset(): number {
    return this.offsetMs
  }
}

/** Real wall-clock time, for `reconnect-lab serve` and for measuring how long a suite took. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}

/** Elapsed real time in ms, for report durations and the benchmark. */
export function startStopwatch(): () => number {
  const start = performance.now()
  return () => performance.now() - start
}

/**
 * Rejects with `onTimeout()` if `work` has not settled within `ms` of real time. Used to fail a user's
 * manager call that never settles; the timer is cleared as soon as the work settles.
 */
export function withRealTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** Yields to the event loop once (lets pending I/O callbacks run) without reading time. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS }

/** "90d", "12h", "10m", "1d12h", "3600s", "250ms" -> milliseconds. Throws RangeError on anything else. */
export function parseDuration(text: string): number {
  const trimmed = text.trim()
  if (trimmed === '') throw new RangeError('empty duration')
  let total = 0
  let rest = trimmed
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/
  while (rest.length > 0) {
    const match = part.exec(rest)
    if (!match) throw new RangeError(`not a duration: "${text}" (use e.g. 90d, 12h, 10m, 30s, 1d12h)`)
    total += Number(match[1]) * (UNITS[match[2] as string] as number)
    rest = rest.slice(match[0].length)
  }
  return Math.round(total)
}

/** 93784000 -> "1d2h3m4s"; used in readable timelines. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  const sign = ms < 0 ? '-' : ''
  let rest = Math.abs(ms)
  const parts: string[] = []
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', HOUR_MS],
    ['m', MINUTE_MS],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size)
    if (n > 0) {
      parts.push(`${n}${unit}`)
      rest -= n * size
    }
  }
  if (rest > 0) parts.push(`${rest}ms`)
  return sign + parts.join('')
}

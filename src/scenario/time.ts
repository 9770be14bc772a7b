/**
 * Times in scenario files. Every simulated world starts on "day 1 09:00" (SIMULATION_EPOCH_MS is a
 * Monday 09:00 UTC), so a support engineer can write a customer's timeline the way it was reported:
 *
 * - `day 3 09:00`, `day 3 17:45:30`, `day 3 17:45:30.250`: an absolute time; the world waits until then.
 * - `+12h`, `+1d12h`, `+90s`, `+250ms`: this long after the previous step ended.
 *
 * Most steps take no virtual time, but a manager's retry backoff and an injected latency do; a step
 * whose absolute time has already passed is played straight away.
 */
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS, parseDuration } from '../clock.ts'

/** The time of day at which the simulation starts (day 1). */
export const START_OF_DAY_ONE_MS = 9 * HOUR_MS

export type TimeSpec = { kind: 'absolute'; elapsedMs: number } | { kind: 'relative'; ms: number }

const ABSOLUTE = /^day\s+(\d+)\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/

/** Parses `day N HH:MM[:SS[.mmm]]` or `+<duration>`; throws RangeError with a hint on anything else. */
export function parseTimeSpec(text: string): TimeSpec {
  const trimmed = text.trim()
  if (trimmed.startsWith('+')) {
    const ms = parseDuration(trimmed.slice(1))
    return { kind: 'relative', ms }
  }
  const match = ABSOLUTE.exec(trimmed)
  if (!match) {
    throw new RangeError(
      `not a time: "${text}" (write "day 3 09:00", "day 3 09:00:30" or a step after the previous one: "+12h", "+1d12h", "+90s")`,
    )
  }
  const day = Number(match[1])
  const hours = Number(match[2])
  const minutes = Number(match[3])
  const seconds = match[4] === undefined ? 0 : Number(match[4])
  const millis = match[5] === undefined ? 0 : Number(match[5].padEnd(3, '0'))
  if (day < 1) throw new RangeError(`"${text}": days count from 1 (the simulation starts on day 1 09:00)`)
  if (hours > 23 || minutes > 59 || seconds > 59)
    throw new RangeError(`"${text}": not a valid time of day (HH:MM with HH up to 23)`)
  const absolute = (day - 1) * DAY_MS + hours * HOUR_MS + minutes * MINUTE_MS + seconds * 1000 + millis
  const elapsedMs = absolute - START_OF_DAY_ONE_MS
  if (elapsedMs < 0) throw new RangeError(`"${text}" is before the simulation starts (day 1 09:00)`)
  return { kind: 'absolute', elapsedMs }
}

/** Elapsed simulation time -> `day 3 09:00`, with seconds and milliseconds only when they are not zero. */
export function formatDayTime(elapsedMs: number): string {
  const absolute = START_OF_DAY_ONE_MS + Math.max(0, Math.round(elapsedMs))
  const day = Math.floor(absolute / DAY_MS) + 1
  let rest = absolute % DAY_MS
  const hours = Math.floor(rest / HOUR_MS)
  rest -= hours * HOUR_MS
  const minutes = Math.floor(rest / MINUTE_MS)
  rest -= minutes * MINUTE_MS
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  const two = (n: number) => String(n).padStart(2, '0')
  let time = `${two(hours)}:${two(minutes)}`
  if (seconds !== 0 || millis !== 0) time += `:${two(seconds)}`
  if (millis !== 0) time += `.${String(millis).padStart(3, '0')}`
  return `day ${day} ${time}`
}

/** `+1d2h`: the relative form of a duration. */
export function formatRelative(ms: number): string {
  return `+${formatDuration(ms)}`
}

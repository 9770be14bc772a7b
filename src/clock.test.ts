import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatDuration, ManualClock, OffsetClock, parseDuration, DAY_MS, HOUR_MS } from './clock.ts'

const ROOT = join(import.meta.dirname, '..')
const SCANNED = ['src', 'mocks', 'scenarios', 'scripts', 'bin']
/** The one file allowed to read real time and set real timers. */
const ALLOWED = new Set(['src/clock.ts'])

// Built from pieces so this file does not trip its own scan.
const FORBIDDEN: Array<[string, RegExp]> = [
  ['Date' + '.now()', /\bDate\s*\.\s*now\s*\(/],
  ['new Date' + '() without arguments', /new\s+Date\s*\(\s*\)/],
  ['performance' + '.now()', /\bperformance\s*\.\s*now\s*\(/],
  ['set' + 'Timeout', new RegExp('\\bset' + 'Timeout\\s*\\(')],
  ['set' + 'Interval', new RegExp('\\bset' + 'Interval\\s*\\(')],
  ['Math' + '.random', /\bMath\s*\.\s*random\b/],
]

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(path)
  }
  return out
}

describe('time is injected', () => {
  it('no file but src/clock.ts reads real time, sets real timers or uses the global PRNG', () => {
    const offenders: string[] = []
    for (const top of SCANNED) {
      let files: string[] = []
      try {
        files = sourceFiles(join(ROOT, top))
      } catch {
        continue
      }
      for (const file of files) {
        const rel = relative(ROOT, file)
        if (ALLOWED.has(rel)) continue
        const lines = readFileSync(file, 'utf8').split('\n')
        lines.forEach((line, i) => {
          for (const [what, pattern] of FORBIDDEN)
            if (pattern.test(line)) offenders.push(`${rel}:${i + 1} uses ${what}`)
        })
      }
    }
    expect(offenders).toEqual([])
  })

  it('the scan itself catches an offender', () => {
    const sample = 'const t = Date' + '.now()'
    expect(FORBIDDEN.some(([, p]) => p.test(sample))).toBe(true)
  })
})

describe('ManualClock', () => {
  it('moves only when told, and sleep jumps forward by default', async () => {
    const clock = new ManualClock(1000)
    expect(clock.now()).toBe(1000)
    clock.advance(500)
    expect(clock.now()).toBe(1500)
    await clock.sleep(90 * DAY_MS)
    expect(clock.now()).toBe(1500 + 90 * DAY_MS)
  })

  it('holds sleepers until advance passes their deadline when auto-advance is off', async () => {
    const clock = new ManualClock(0, { autoAdvanceOnSleep: false })
    let woke = false
    const sleeping = clock.sleep(HOUR_MS).then(() => {
      woke = true
    })
    clock.advance(HOUR_MS - 1)
    await Promise.resolve()
    expect(woke).toBe(false)
    clock.advance(1)
    await sleeping
    expect(woke).toBe(true)
  })

  it('refuses to go backwards', () => {
    const clock = new ManualClock(10)
    expect(() => clock.advance(-1)).toThrow(RangeError)
    expect(() => clock.set(5)).toThrow(RangeError)
  })
})

describe('OffsetClock', () => {
  it('follows its base with a skew that can shift', () => {
    const base = new ManualClock(0)
    const skewed = new OffsetClock(base, -30_000)
    expect(skewed.now()).toBe(-30_000)
    base.advance(60_000)
    expect(skewed.now()).toBe(30_000)
    skewed.shift(HOUR_MS)
    expect(skewed.now()).toBe(30_000 + HOUR_MS)
    expect(base.now()).toBe(60_000)
  })
})

describe('durations', () => {
  it('parses and formats', () => {
    expect(parseDuration('90d')).toBe(90 * DAY_MS)
    expect(parseDuration('1d12h')).toBe(36 * HOUR_MS)
    expect(parseDuration('250ms')).toBe(250)
    expect(() => parseDuration('soon')).toThrow(RangeError)
    expect(formatDuration(90 * DAY_MS + 3 * HOUR_MS)).toBe('90d3h')
    expect(formatDuration(0)).toBe('0s')
  })
})

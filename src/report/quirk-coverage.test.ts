import { describe, expect, it } from 'vitest'
import { quirksOf } from '../../mocks/quirk-registry.ts'
import type { RuleOutcome } from '../suite/check-provider.ts'
import {
  buildQuirkCoverage,
  coverageWarnings,
  MIN_CHECKS,
  renderQuirkCoverageMarkdown,
  weaklyExercised,
} from './quirk-coverage.ts'

describe('quirk coverage', () => {
  const jira = quirksOf('jira').map((q) => q.id)

  it('lists every quirk of the run’s providers, fired or not, and sorts the zeros into unreachable and gaps', () => {
    const [first, second, third] = jira
    const coverage = buildQuirkCoverage({ [first ?? '']: 3 }, ['jira'], { [second ?? '']: 'an option' })
    expect(Object.keys(coverage.fired).sort()).toEqual([...jira].sort())
    expect(coverage.fired[first ?? '']).toBe(3)
    expect(coverage.unreachable).toEqual({ [second ?? '']: 'an option' })
    expect(coverage.neverFired).toContain(third)
    expect(coverage.neverFired).not.toContain(first)
    expect(Object.keys(coverage.fired).some((id) => id.startsWith('slack.'))).toBe(false)
  })

  it('a reason never hides a quirk that fired', () => {
    const [first] = jira
    const coverage = buildQuirkCoverage({ [first ?? '']: 1 }, ['jira'], { [first ?? '']: 'unreachable?' })
    expect(coverage.unreachable).toEqual({})
  })

  it('flags checked pairs under the minimum, not skipped ones', () => {
    const row = (checks: number, status: RuleOutcome['status']): RuleOutcome => ({
      id: 'silent-refresh',
      provider: 'jira',
      status,
      runs: 10,
      checks,
      durationMs: 1,
    })
    expect(weaklyExercised([row(MIN_CHECKS - 1, 'pass'), row(MIN_CHECKS, 'pass'), row(0, 'skip')])).toEqual([
      { rule: 'silent-refresh', provider: 'jira', checks: MIN_CHECKS - 1 },
    ])
    const coverage = buildQuirkCoverage({}, ['jira'], {})
    const warnings = coverageWarnings(coverage, [{ rule: 'silent-refresh', provider: 'jira', checks: 7 }])
    expect(warnings[0]).toContain('silent-refresh on jira had 7 checks')
    expect(warnings[1]).toContain('never fired')
    const md = renderQuirkCoverageMarkdown(coverage, []).join('\n')
    for (const id of jira) expect(md).toContain(`\`${id}\``)
  })
})

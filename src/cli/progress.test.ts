import { describe, expect, it } from 'vitest'
import { captureIo } from './testing/capture-io.ts'
import { createProgress, STALL_WINDOW_MS } from './progress.ts'

describe('progress', () => {
  it('counts timelines and interleavings, and warns once when throughput collapses', () => {
    let now = 0
    const io = captureIo('/')
    io.elapsedMs = () => now
    const progress = createProgress(io)
    progress({ type: 'planned', timelines: 100, interleavings: 1000, providers: ['baseline'] })
    expect(io.stderr).toContain('100 timelines, 1000 interleavings')
    // 50 per window, then 2 per window: a collapse.
    for (let w = 0; w < 2; w++)
      for (let i = 0; i < 50; i++) {
        now += STALL_WINDOW_MS / 50
        progress({ type: 'run', provider: 'baseline', kind: 'timeline' })
      }
    expect(io.stderr).not.toContain('throughput fell')
    for (let w = 0; w < 3; w++)
      for (let i = 0; i < 2; i++) {
        now += STALL_WINDOW_MS / 2
        progress({ type: 'run', provider: 'baseline', kind: 'interleaving' })
      }
    expect(io.stderr.match(/throughput fell/g)).toHaveLength(1)
    expect(io.stderr).toContain('createManager once per timeline')
    progress({ type: 'provider_done', provider: 'baseline', outcomes: [] })
    expect(io.stderr).toContain('baseline: 0 passed, 0 failed (106 timelines and interleavings')
  })

  it('names the settle wait when interleavings of a manager process collapse', () => {
    let now = 0
    const io = captureIo('/')
    io.elapsedMs = () => now
    const progress = createProgress(io, { managerProcess: true })
    progress({ type: 'planned', timelines: 100, interleavings: 1000, providers: ['jira'] })
    for (let i = 0; i < 100; i++) {
      now += STALL_WINDOW_MS / 50
      progress({ type: 'run', provider: 'jira', kind: 'timeline' })
    }
    for (let i = 0; i < 6; i++) {
      now += STALL_WINDOW_MS / 2
      progress({ type: 'run', provider: 'jira', kind: 'interleaving' })
    }
    expect(io.stderr.match(/throughput fell/g)).toHaveLength(1)
    expect(io.stderr).toContain('answer `settle`')
    expect(io.stderr).not.toContain('createManager once per timeline')
  })

  it('a manager process that answers settle: interleavings slower than timelines are no stall, a collapse among interleavings is', () => {
    let now = 0
    const io = captureIo('/')
    io.elapsedMs = () => now
    const progress = createProgress(io, { managerProcess: true, managerSettles: true })
    progress({ type: 'planned', timelines: 100, interleavings: 1000, providers: ['jira'] })
    const window = (kind: 'timeline' | 'interleaving', perWindow: number, windows: number) => {
      for (let i = 0; i < perWindow * windows; i++) {
        now += STALL_WINDOW_MS / perWindow
        progress({ type: 'run', provider: 'jira', kind })
      }
    }
    window('timeline', 50, 2)
    window('interleaving', 5, 3)
    expect(io.stderr).not.toContain('throughput fell')
    window('interleaving', 0.5, 2)
    expect(io.stderr.match(/throughput fell from 1\.0 to 0\.1/g)).toHaveLength(1)
    expect(io.stderr).toContain('answers it slowly')
    expect(io.stderr).not.toContain('a manager that does not answer')
  })
})

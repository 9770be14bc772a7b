import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createReferenceManager } from '../../manager/reference-manager.ts'
import { parseScenario } from '../../scenario/load.ts'
import { playScenarioStory } from './scenario.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SCHEDULED = join(ROOT, 'scenarios/library/salesforce-late-write-after-store-outage.yaml')

/** The library's scheduled file with an expectation on its first run (line 26). */
async function scheduledWith(expectation: string) {
  const text = (await readFile(SCHEDULED, 'utf8')).replace(
    /^ {4}run: alice@salesforce$/m,
    `    run: alice@salesforce\n    expect: ${expectation}`,
  )
  expect(text).toContain(`expect: ${expectation}`)
  return parseScenario(text, 'scheduled.yaml')
}

describe('step expectations in a file with a recorded schedule', () => {
  it('are compared with the step they belong to, not reported as never played', async () => {
    const held = await playScenarioStory(await scheduledWith('ok'), createReferenceManager)
    expect(held.verdicts).toContain('✓ 1 of 1 step outcomes as expected')
    expect(held.passed).toBe(true)

    const unmet = await playScenarioStory(await scheduledWith('connect_required'), createReferenceManager)
    expect(unmet.passed).toBe(false)
    expect(unmet.verdicts).toContain('✗ 0 of 1 step outcomes as expected')
    expect(unmet.verdicts.join('\n')).not.toContain('the step was not played')
  }, 60_000)
})

/**
 * The library of named support scenarios (scenarios/library/): every file plays to the end on the
 * reference manager with all its expectations met, and the files that name a buggy manager in
 * `origin.manager` break a rule on it (the ticket's root cause), while the reference keeps them.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { playScenarioStory } from '../src/cli/commands/scenario.ts'
import { createManager as referenceManager } from '../src/manager/reference-manager.ts'
import { loadScenarioFile } from '../src/scenario/load.ts'
import { createManager as rotatedNotPersisted } from './mutants/rotated-refresh-token-not-persisted.ts'
import { createManager as tokenSharedAcrossPacks } from './mutants/token-shared-across-packs.ts'

const dir = join(import.meta.dirname, 'library')
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
const MUTANTS = {
  'scenarios/mutants/rotated-refresh-token-not-persisted.ts': rotatedNotPersisted,
  'scenarios/mutants/token-shared-across-packs.ts': tokenSharedAcrossPacks,
}

describe('the scenario library', () => {
  it('holds at least 16 named cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(16)
  })

  it.each(files)('%s plays with every expectation met on the reference manager', async (file) => {
    const scenario = await loadScenarioFile(join(dir, file), process.cwd())
    expect(scenario.definition.id).toBe(file.replace(/\.yaml$/, ''))
    const story = await playScenarioStory(scenario, referenceManager)
    expect(
      story.verdicts.filter((v) => v.startsWith('✗')),
      story.story.join('\n'),
    ).toEqual([])
    expect(story.passed).toBe(true)
    expect(story.verdicts.length, 'a library case states what it expects').toBeGreaterThan(0)
  })

  const withMutant = files.filter((f) => f.startsWith('slack-rotation') || f.startsWith('jira-two-sites'))
  it.each(withMutant)('%s breaks a rule on the buggy manager it names', async (file) => {
    const scenario = await loadScenarioFile(join(dir, file), process.cwd())
    const name = scenario.definition.origin?.manager as keyof typeof MUTANTS
    expect(Object.keys(MUTANTS)).toContain(name)
    const story = await playScenarioStory(scenario, MUTANTS[name])
    expect(story.broken.length, story.story.join('\n')).toBeGreaterThan(0)
    expect(story.passed).toBe(false)
  })
})

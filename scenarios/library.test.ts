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
import { createManager as neverPrompts } from './mutants/never-prompts-on-dead-grant.ts'
import { createManager as rotatedNotPersisted } from './mutants/rotated-refresh-token-not-persisted.ts'
import { createManager as tokenSharedAcrossPacks } from './mutants/token-shared-across-packs.ts'
import { createManager as keepAlive } from '../examples/keepalive-manager.ts'
import { createManager as hidesRepeatPrompts } from '../src/manager/testing/adapters/hides-repeat-prompts.ts'

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

  // The other-devices cases: the eviction is the source's (the product's grant, not another device's,
  // ends), so a manager that never prompts on a dead grant breaks expiry-prompts-once there.
  it.each([
    'google-101st-token.yaml',
    'salesforce-sixth-approval.yaml',
  ])('%s: the eviction ends the product grant; a manager that never prompts breaks expiry-prompts-once', async (file) => {
    const scenario = await loadScenarioFile(join(dir, file), process.cwd())
    const story = await playScenarioStory(scenario, neverPrompts)
    expect(story.broken, story.story.join('\n')).toContain('expiry-prompts-once')
    expect(story.passed).toBe(false)
  })

  it('google-101st-token needs the 100-token limit: without it, the run after the 101st sign-in is silent', async () => {
    const scenario = await loadScenarioFile(join(dir, 'google-101st-token.yaml'), process.cwd())
    const unlimited = {
      ...scenario,
      org: {
        ...scenario.org,
        packs: scenario.org.packs.map((p) => ({ ...p, options: { liveTokenLimit: false } })),
      },
    }
    const story = await playScenarioStory(unlimited, referenceManager)
    expect(story.verdicts.join('\n')).toContain('✗ 3 of 4 step outcomes as expected')
  })

  it('pack-forgets-credentials-every-run: each product clear is judged as an admin clear, and hiding the prompt after it breaks admin-reset', async () => {
    const scenario = await loadScenarioFile(
      join(dir, 'pack-forgets-credentials-every-run.yaml'),
      process.cwd(),
    )
    // On the reference manager the cause names the product, in words for the ticket.
    const right = await playScenarioStory(scenario, referenceManager)
    expect(right.triage.join('\n')).toContain(
      'After every run the product cleared the teammate’s stored credentials for this action pack, while Jira (Atlassian) still honoured the grant',
    )
    // Without the product setting, the same timeline has no prompt at all: they are the product's.
    const keeping = {
      ...scenario,
      org: { ...scenario.org, packs: scenario.org.packs.map(({ product: _, ...p }) => p) },
    }
    const kept = await playScenarioStory(keeping, referenceManager)
    expect(kept.verdicts.join('\n')).toContain('✗ 3 of 5 step outcomes as expected')
    // A manager that answers the repeat prompt with retry_later: the oracle expected a prompt after the
    // product's clear (an admin clear), and triage, misled, finds nothing for the admin.
    const story = await playScenarioStory(scenario, hidesRepeatPrompts)
    expect(story.broken, story.story.join('\n')).toEqual(['admin-reset'])
    expect(story.verdicts.join('\n')).toMatch(/triage said no action/)
  })

  it('jira-90-day-idle-keepalive: the daily keep-alive of origin.manager never hits the 90-day idle expiry', async () => {
    const scenario = await loadScenarioFile(join(dir, 'jira-90-day-idle-keepalive.yaml'), process.cwd())
    expect(scenario.definition.origin?.manager).toBe('examples/keepalive-manager.ts')
    const story = await playScenarioStory(scenario, keepAlive)
    // The file expects the reference manager's prompt on day 121; with the keep-alive that run is ok.
    expect(story.broken, story.story.join('\n')).toEqual([])
    // Only the day-121 run differs from what the file expects of the reference manager: it is ok, and
    // with no prompt at all the triage finds nothing to do.
    const failed = story.verdicts.filter((v) => v.startsWith('✗')).join('\n')
    expect(failed).toMatch(/2 of 3 step outcomes as expected/)
    expect(failed).toMatch(/triage said no action \(quiet\)/)
  })
})

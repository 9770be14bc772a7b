import { describe, expect, it } from 'vitest'
import { validatePack } from '../../world/org.ts'
import { checkUnsupportedSetups, unsupportedSetupRejected } from './unsupported-setup-rejected.ts'

describe('unsupported-setup-rejected (a check of the harness, not of a manager)', () => {
  it('is marked as a harness check, so the report keeps it apart from the manager rows', () => {
    expect(unsupportedSetupRejected.subject).toBe('harness')
  })

  for (const provider of ['jira', 'slack', 'google'] as const) {
    it(`passes on ${provider} with the real pack validation`, () => {
      expect(checkUnsupportedSetups(provider, validatePack)).toMatchObject({ status: 'pass', checks: 2 })
    })

    it(`fails on ${provider} when the validation accepts everything`, () => {
      const result = checkUnsupportedSetups(provider, () => {})
      expect(result.status).toBe('fail')
      expect(result.note).toContain('the unsupported setup was accepted')
    })

    it(`fails on ${provider} when the validation refuses without saying why, or refuses the supported neighbour`, () => {
      const result = checkUnsupportedSetups(provider, () => {
        throw new Error('no')
      })
      expect(result.status).toBe('fail')
      expect(result.note).toMatch(/supported setup was refused/)
    })
  }
})

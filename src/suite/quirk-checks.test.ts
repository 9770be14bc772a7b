import { describe, expect, it } from 'vitest'
import { createManager as invalidClientSendsToConnect } from '../../scenarios/mutants/invalid-client-sends-to-connect.ts'
import { createManager as neverPromptsOnDeadGrant } from '../../scenarios/mutants/never-prompts-on-dead-grant.ts'
import { createManager as reference } from '../manager/reference-manager.ts'
import { QUIRK_CHECKS, runQuirkChecks } from './quirk-checks.ts'

const PROVIDERS = [...new Set(QUIRK_CHECKS.map((c) => c.provider))]

describe('quirk checks', () => {
  it('the reference manager passes every check, and every check made its quirk fire', async () => {
    const rows = await runQuirkChecks(reference, PROVIDERS)
    expect(rows.map((r) => [r.quirk, r.status, r.note])).toEqual(
      QUIRK_CHECKS.map((c) => [c.quirk, 'pass', undefined]),
    )
    for (const r of rows) expect(r.checks).toBeGreaterThan(0)
  }, 120_000)

  it('a manager that never prompts on a dead grant fails the eviction, password-change and revoke-endpoint checks', async () => {
    const rows = await runQuirkChecks(neverPromptsOnDeadGrant, ['google'])
    const failed = rows.filter((r) => r.status === 'fail').map((r) => r.quirk)
    expect(failed).toEqual(
      expect.arrayContaining([
        'google.live-token-limit-100',
        'google.password-change-revokes-gmail',
        'google.revoke-endpoint',
      ]),
    )
  }, 120_000)

  it('a manager that sends a configuration failure to Connect fails the deleted-client check', async () => {
    const rows = await runQuirkChecks(invalidClientSendsToConnect, ['google'])
    const row = rows.find((r) => r.quirk === 'google.deleted-client')
    expect(row?.status).toBe('fail')
    expect(row?.note).toContain('secret-mismatch-is-admin')
  }, 120_000)
})

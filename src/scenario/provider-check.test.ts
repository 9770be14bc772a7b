/** Scenario packs checked against the provider at load: the mock's own option and policy checks, with positions. */
import { describe, expect, it } from 'vitest'
import { runCli } from '../cli/program.ts'
import { captureIo } from '../cli/testing/capture-io.ts'
import { compileDefinition, parseScenario, ScenarioError } from './load.ts'
import { providerRefusal, validOptionsOf } from './provider-check.ts'

function scenarioWithPack(pack: string): string {
  return `id: pack-check
org:
  teammates: [alice]
  packs:
    - id: p
${pack}
timeline:
  - connect: alice@p
`
}

function refusal(pack: string): string {
  try {
    parseScenario(scenarioWithPack(pack), 'ticket.yaml')
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError)
    return (error as Error).message
  }
  throw new Error('expected the scenario to be refused')
}

describe('scenario packs checked against their provider', () => {
  it('refuses a policy on a fixed-lifetime provider (Atlassian), at the field, saying what is fixed', () => {
    const message = refusal(`      provider: jira
      setup: custom
      policy:
        rotation: true
        refreshIdleTtl: 7d`)
    expect(message).toContain(
      'ticket.yaml:10:9: org.packs[0].policy.refreshIdleTtl: jira policy.refreshIdleTtlMs cannot be changed',
    )
    expect(message).toContain('90-day idle and 365-day absolute expiry')
    expect(message).toContain(
      'valid jira options (they set its token behaviour): tokenBody (json | json-or-form',
    )
  })

  it('refuses any policy on a provider whose clients have none (Google), listing its options', () => {
    const message = refusal(`      provider: google
      setup: custom
      policy: { accessTokenTtl: 2h }`)
    expect(message).toContain(
      'ticket.yaml:8:7: org.packs[0].policy: google: an OAuth client has no refresh-token policy',
    )
    expect(message).toContain('publishingStatus (production | testing; default production)')
  })

  it('refuses a Slack policy that is not one of its shapes (access tokens 12h with rotation)', () => {
    const message = refusal(`      provider: slack
      setup: custom
      policy: { accessTokenTtl: 1h, rotation: true }`)
    expect(message).toMatch(/ticket\.yaml:8:\d+: org\.packs\[0\]\.policy(\.accessTokenTtl)?: slack/)
    expect(message).toContain('tokenRotation (false | true; default false)')
  })

  it('refuses a misspelled option name at its key, with the known names and the valid values', () => {
    const message = refusal(`      provider: slack
      setup: custom
      options: { tokenRotaton: true }`)
    expect(message).toContain(
      'ticket.yaml:8:18: org.packs[0].options.tokenRotaton: slack pack option "tokenRotaton" is unknown (known: grantType, tokenRotation, oldRefreshToken, concurrentRefresh); valid slack options: grantType (optional | required; default optional), tokenRotation (false | true; default false), oldRefreshToken (rejected | revokes-family; default rejected), concurrentRefresh (serial | divergent; default serial)',
    )
  })

  it('refuses an option value the provider does not have', () => {
    const message = refusal(`      provider: google
      setup: custom
      options: { publishingStatus: draft }`)
    expect(message).toMatch(
      /ticket\.yaml:8:18: org\.packs\[0\]\.options\.publishingStatus: .*publishingStatus/,
    )
    expect(message).toContain('must be one of production, testing')
  })

  it("refuses a number out of its range and a failing cross-field check at the key, in the record's words", () => {
    const range = refusal(`      provider: google
      setup: custom
      options: { reauthPolicyHours: 48 }`)
    expect(range).toContain(
      'ticket.yaml:8:18: org.packs[0].options.reauthPolicyHours: google pack option reauthPolicyHours must be an integer from 0 to 24 (0: no reauth policy), got 48',
    )
    const scopes = refusal(`      provider: google
      setup: custom
      options: { uncheckedScopes: openid }`)
    expect(scopes).toContain(
      'options.uncheckedScopes: google pack option uncheckedScopes may not hold "openid"',
    )
    const gate = refusal(`      provider: salesforce
      setup: custom
      options: { approvalGate: install }`)
    expect(gate).toContain(
      'org.packs[0].options.approvalGate: salesforce pack option approvalGate needs approvalRequired: true',
    )
    expect(gate).toContain(
      'approvalGate (install | admin_approved_users; default install; needs approvalRequired: true)',
    )
    expect(() =>
      parseScenario(
        scenarioWithPack(`      provider: salesforce
      setup: custom
      approvalRequired: true
      options: { approvalGate: admin_approved_users, refreshPolicy: 'specific_lifetime:90:DAYS' }`),
        'ok.yaml',
      ),
    ).not.toThrow()
    expect(
      refusal(`      provider: salesforce
      setup: custom
      options: { refreshPolicy: 'specific_lifetime:0:DAYS' }`),
    ).toContain('refreshPolicy must be infinite, immediately, specific_inactivity:<N>:<HOURS|DAYS|MONTHS>')
  })

  it('refuses an option on a provider that has none', () => {
    const message = refusal(`      provider: baseline
      setup: custom
      options: { rotation: true }`)
    expect(message).toContain('org.packs[0].options.rotation:')
    expect(message).toContain('valid baseline options: none')
  })

  it('accepts what the provider allows: Slack rotation as an option, a baseline policy, a restated Jira policy', () => {
    for (const pack of [
      `      provider: slack
      setup: custom
      options: { tokenRotation: true }`,
      `      provider: baseline
      setup: custom
      policy: { accessTokenTtl: 1h, refreshIdleTtl: 7d, rotation: true }`,
      `      provider: jira
      setup: custom
      policy: { rotation: true }`,
    ])
      expect(() => parseScenario(scenarioWithPack(pack), 'ok.yaml')).not.toThrow()
  })

  it('applies to defineScenario too (no positions there)', () => {
    expect(() =>
      compileDefinition(
        {
          id: 'typed',
          org: {
            teammates: ['alice'],
            packs: [{ id: 'p', provider: 'slack', setup: 'custom', options: { tokenRotaton: true } }],
          },
          timeline: [{ connect: 'alice@p' }],
        } as unknown as Parameters<typeof compileDefinition>[0],
        'typed.ts',
      ),
    ).toThrow(/org\.packs\[0\]\.options\.tokenRotaton: slack pack option "tokenRotaton" is unknown/)
  })

  it('lists each provider its selectable options from the quirk records', () => {
    expect(validOptionsOf('zendesk').join(', ')).toMatch(/tokens \(/)
    expect(validOptionsOf('baseline')).toEqual([])
    expect(
      providerRefusal({ id: 'p', provider: 'slack', setup: 'custom', options: { tokenRotation: true } }),
    ).toBeUndefined()
  })

  it('replay exits 2 with one message, no stack trace', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'rl-pack-check-'))
    await writeFile(
      join(dir, 'ticket.yaml'),
      scenarioWithPack('      provider: google\n      setup: custom\n      policy: { rotation: true }'),
    )
    const io = captureIo(dir)
    expect(await runCli(['replay', 'ticket.yaml'], io)).toBe(2)
    expect(io.stderr).toContain('ticket.yaml:8:7: org.packs[0].policy: google:')
    expect(io.stderr).not.toMatch(/\n\s+at /)
  })
})

import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { definePackOptions } from '../../mocks/pack-option-parsing.ts'
import { createBaselineMock } from '../../mocks/spec/index.ts'
import { DAY_MS, HOUR_MS, ManualClock, MINUTE_MS } from '../clock.ts'
import { createSequentialIds } from '../ids.ts'
import type { ProviderId } from '../manager/contract.ts'
import { createManager as referenceManager } from '../manager/reference-manager.ts'
import { extendBaseline, providerClient } from '../providers/index.ts'
import { runConformance } from '../suite/conformance.ts'
import { profileFor } from '../suite/profiles.ts'
import { validatePack } from '../world/org.ts'
import { mockFactoryFor } from '../world/mock-registry.ts'
import { connector, connectorIds, mockOptionsOf, registerConnectorForTest } from './registry.ts'
import { CONNECTOR_IDS } from './ids.ts'
import type { ConnectorRecord } from './types.ts'

/** The one list of built-in ids (src/connectors/ids.ts): the type and the registry both come from it. */
const BUILT_IN: readonly ProviderId[] = CONNECTOR_IDS

const baseInput = (options?: Record<string, string | number | boolean>) => ({
  clock: new ManualClock(0),
  ids: createSequentialIds(),
  issuer: 'http://pack.mock',
  ...(options ? { options } : {}),
})

describe('the connector registry', () => {
  it('holds one record per provider id, and every consumer reads that record', () => {
    expect(connectorIds()).toEqual(BUILT_IN)
    for (const id of BUILT_IN) {
      const record = connector(id)
      expect(record.id).toBe(id)
      expect(record.client.id).toBe(id)
      expect(record.profile.provider).toBe(id)
      expect(providerClient(id)).toBe(record.client)
      expect(mockFactoryFor(id)).toBe(record.mock.create)
      // The suite reads the record's profile with clock skew drawn into its orgs (src/suite/clock-skew.ts).
      const { org: _org, rotating: _rotating, ...rest } = record.suiteProfile
      expect(profileFor(id)).toMatchObject(rest)
      expect(profileFor(id)).toBe(record.suiteProfile)
      expect(profileFor(id)).toBe(profileFor(id))
      expect(profileFor(id)?.paceScenarios ?? []).toEqual(record.paceScenarios)
      expect(profileFor(id)?.rotating?.refreshDueMs ?? null).toBe(record.rotating?.refreshDueMs ?? null)
      for (const quirk of record.mock.quirks) expect(quirk.provider).toBe(id)
      for (const setup of record.unsupportedSetups) {
        expect(setup.refused.provider).toBe(id)
        expect(setup.matches(setup.refused)).toBe(true)
        expect(setup.matches(setup.accepted)).toBe(false)
      }
    }
  })

  it("derives each mock's pack options from its quirk records, and the mock takes exactly those", () => {
    let optionsSeen = 0
    for (const id of BUILT_IN) {
      const record = connector(id)
      expect(record.mockOptions).toEqual(mockOptionsOf(record))
      // A quirk chosen elsewhere (a pack field, a scheduled fault) is no pack option: the mock refuses it.
      for (const quirk of record.mock.quirks) {
        const option = quirk.option
        if (!option || (option.chosenBy === undefined && /^[A-Za-z][A-Za-z0-9]*$/.test(option.name))) continue
        expect(record.mockOptions.map((o) => o.name)).not.toContain(option.name)
        expect(() => record.mock.create(baseInput({ [option.name]: 'x' })), quirk.id).toThrow(/unknown/)
      }
      for (const option of record.mockOptions) {
        expect(option.values).toContain(option.default)
        const needs = NEEDS[option.name] ?? {}
        // A cross-field requirement on the pack's approvalRequired (Salesforce's approvalGate) is met.
        const gated = record.mock.options.requires.some(
          (r) => r.when.includes(option.name) && r.needs.key === 'approvalRequired',
        )
        const factoryInput = (options: Record<string, string | number | boolean>) => ({
          ...baseInput(options),
          ...(gated ? { approvalRequired: true } : {}),
        })
        for (const raw of option.values) {
          if (isTemplate(raw)) continue
          optionsSeen++
          const options = { ...needs, [option.name]: asOptionValue(raw) }
          expect(
            () => record.mock.create(factoryInput(options)),
            `${id} ${JSON.stringify(options)}`,
          ).not.toThrow()
        }
        if (option.values.some(isTemplate)) continue
        expect(
          () => record.mock.create(factoryInput({ ...needs, [option.name]: 'not-a-value' })),
          `${id} ${option.name}`,
        ).toThrow()
      }
      expect(() => record.mock.create(baseInput({ notAnOption: 'x' })), id).toThrow()
    }
    expect(optionsSeen).toBeGreaterThan(40)
  })
})

/**
 * Quirk records state option values as text; packs carry booleans and numbers as such. Values that
 * are templates (`1..24`, `<space-separated scopes>`) describe a range rather than list it.
 */
const asOptionValue = (raw: string): string | number | boolean =>
  raw === 'true' ? true : raw === 'false' ? false : /^\d+$/.test(raw) ? Number(raw) : raw
const isTemplate = (raw: string) => /[<>]|\.\./.test(raw)

/** Options that only mean something together with another one. */
const NEEDS: Readonly<Record<string, Record<string, boolean>>> = {
  oldRefreshToken: { tokenRotation: true },
  concurrentRefresh: { tokenRotation: true },
}

describe('a made-up connector needs nothing but its record', () => {
  // A test-only provider: ProviderId is a closed union of the shipped connectors, so the made-up id
  // is cast once here; a real connector adds its id to the union and its record to the registry.
  const ACME = 'acme' as ProviderId
  const acme: ConnectorRecord = {
    id: ACME,
    mock: {
      create: (input) => createBaselineMock({ ...input, policy: { accessTokenTtlMs: HOUR_MS } }),
      quirks: [],
      // Its one pack option is the on-premises deployment it refuses (see unsupportedSetups).
      options: definePackOptions('acme', [], { extraKeys: ['deployment'] }),
    },
    client: extendBaseline(ACME),
    profile: {
      provider: ACME,
      teammates: ['alice', 'bob'],
      packIds: ['acme'],
      org: fc.constant({
        teammates: ['alice', 'bob'],
        packs: [{ id: 'acme', provider: ACME, setup: 'custom' as const }],
      }),
      durationsMs: [MINUTE_MS, 59 * MINUTE_MS, 61 * MINUTE_MS, DAY_MS],
    },
    rotating: null,
    rotation: 'unknown',
    reuseLeewayMs: null,
    paceScenarios: [],
    unsupportedSetups: [
      {
        matches: (pack) => pack.options?.['deployment'] === 'on-premises',
        reason: 'Acme on-premises is not supported for actions',
        refused: { id: 'acme-op', provider: ACME, setup: 'custom', options: { deployment: 'on-premises' } },
        accepted: { id: 'acme-cloud', provider: ACME, setup: 'custom' },
        mustSay: /on-premises is not supported/,
      },
    ],
  }
  let unregister: (() => void) | undefined
  afterEach(() => {
    unregister?.()
    unregister = undefined
  })

  it('is unknown before it is registered', () => {
    expect(() => validatePack({ id: 'acme', provider: ACME, setup: 'custom' })).toThrow(
      /unknown provider "acme"/,
    )
  })

  it('is validated, mocked, spoken to and checked by the suite once registered', async () => {
    unregister = registerConnectorForTest(acme)
    expect(() => validatePack({ id: 'acme', provider: ACME, setup: 'custom' })).not.toThrow()
    expect(() =>
      validatePack({ id: 'acme', provider: ACME, setup: 'custom', options: { deployment: 'on-premises' } }),
    ).toThrow(/on-premises is not supported/)
    const report = await runConformance({
      providers: [ACME],
      createManager: referenceManager,
      managerLabel: 'reference',
      seed: 1,
      runs: 8,
      interleavings: 8,
    })
    const row = (id: string) => report.rules.find((r) => r.id === id)
    expect(row('silent-refresh')).toMatchObject({ provider: ACME, status: 'pass' })
    expect(row('silent-refresh')?.checks ?? 0).toBeGreaterThan(0)
    expect(row('transient-never-prompts')?.status).toBe('pass')
    expect(report.summary.failed).toBe(0)
  }, 120_000)
})

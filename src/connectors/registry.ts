/**
 * The one registry of connectors, keyed by provider id. It is a full `Record<ProviderId, ...>`, not a
 * Partial: a provider id without a record, or a record without one of its parts, fails the
 * typecheck. Everything that used to keep its own per-provider list reads it from here: the world's
 * mock factories, the reference manager's client dialects and rotation knowledge, the suite's
 * profiles, pace scenarios and rotating setups, the unsupported setups the pack validation refuses.
 *
 * Adding a connector: a mock folder (mocks/<p>/ with index.ts and quirks.ts), a client-side folder
 * (src/connectors/<p>/index.ts: the record, with its dialect and profile), its id in CONNECTOR_IDS
 * (ids.ts, from which ProviderId is derived), its line in BUILT_IN below, and `npm run docs`. README "Add a provider" and docs/EXTENDING.md say the same.
 */
import { LabError } from '../errors.ts'
import { CONNECTOR_IDS, type ProviderId } from './ids.ts'
import { withClockSkew } from '../suite/clock-skew.ts'
import type { ProviderProfile } from '../suite/profile-types.ts'
import type { PackSpec } from '../world/types.ts'
import { baselineConnector } from './baseline/index.ts'
import { databricksConnector } from './databricks/index.ts'
import { googleConnector } from './google/index.ts'
import { jiraConnector } from './jira/index.ts'
import { salesforceConnector } from './salesforce/index.ts'
import { slackConnector } from './slack/index.ts'
import type { ConnectorRecord, MockOption, UnsupportedSetup } from './types.ts'
import { type PackOptionContext, packOptionProblem } from '../../mocks/pack-option-parsing.ts'
import { zendeskConnector } from './zendesk/index.ts'

const BUILT_IN: Readonly<Record<ProviderId, ConnectorRecord>> = {
  baseline: baselineConnector,
  jira: jiraConnector,
  slack: slackConnector,
  salesforce: salesforceConnector,
  google: googleConnector,
  zendesk: zendeskConnector,
  databricks: databricksConnector,
}

/** A record with what the registry derives from it, computed once. */
export interface Connector extends ConnectorRecord {
  /**
   * The profile the suite runs: the record's profile with its pace scenarios and rotating setup, and
   * manager/source clock skew drawn for every generated org (src/suite/clock-skew.ts).
   */
  suiteProfile: ProviderProfile
  /** The pack options the mock takes (`mock.options`: its quirk records' options and the few that are no quirk's). */
  mockOptions: readonly MockOption[]
}

/** The pack options a connector's mock takes, as its PackOptionSet defines them. */
export function mockOptionsOf(record: Pick<ConnectorRecord, 'mock'>): MockOption[] {
  return [...record.mock.options.options]
}

function derive(record: ConnectorRecord): Connector {
  const { rotating: _profileRotating, paceScenarios: _profilePace, ...profile } = record.profile
  return {
    ...record,
    suiteProfile: withClockSkew({
      ...profile,
      provider: record.id,
      ...(record.rotating !== null ? { rotating: record.rotating } : {}),
      ...(record.paceScenarios.length > 0 ? { paceScenarios: record.paceScenarios } : {}),
    }),
    mockOptions: mockOptionsOf(record),
  }
}

const connectors = new Map<ProviderId, Connector>(CONNECTOR_IDS.map((id) => [id, derive(BUILT_IN[id])]))

export function connector(id: ProviderId): Connector {
  const found = connectors.get(id)
  // Unreachable for a ProviderId while BUILT_IN is a full Record; kept for ids that arrive from data.
  if (!found) throw new LabError('UNKNOWN_PROVIDER', `no connector record for provider "${id}"`)
  return found
}

export function isConnectorId(id: string): id is ProviderId {
  return connectors.has(id as ProviderId)
}

/** Every registered provider id, built-in ones first, in registry order. */
export function connectorIds(): ProviderId[] {
  return [...connectors.keys()]
}

/** The setup a pack is that its source does not support for actions, if any. */
export function unsupportedSetupOf(pack: PackSpec): UnsupportedSetup | undefined {
  if (!isConnectorId(pack.provider)) return undefined
  return connector(pack.provider).unsupportedSetups.find((u) => u.matches(pack))
}

/**
 * Registers an extra connector for the duration of a test (the made-up connector that proves a record
 * is all a connector needs); returns the function that removes it again. Built-in ids are refused.
 */
export function registerConnectorForTest(record: ConnectorRecord): () => void {
  if (connectors.has(record.id)) throw new LabError('USAGE', `connector "${record.id}" is already registered`)
  connectors.set(record.id, derive(record))
  return () => {
    connectors.delete(record.id)
  }
}

/** Why a pack's options are refused, naming the option; what scenario packs, `serve --config`, `--option` and `/_lab/options` all say. */
export interface OptionRefusal {
  key: string
  message: string
}

/**
 * The connector record's verdict on a pack's options, from the mock's own PackOptionSet (the one
 * definition: names, values, ranges, templates, lists and cross-field checks; see
 * mocks/pack-option-parsing.ts). Undefined when the set accepts them; the mock factory reads them
 * through the same set, and still refuses what only it can judge (a refused setup, a site name).
 */
export function packOptionRefusal(
  provider: ProviderId,
  options: Readonly<Record<string, string | number | boolean>> | undefined,
  pack: PackOptionContext = {},
): OptionRefusal | undefined {
  const set = connector(provider).mock.options
  const found = packOptionProblem(set, options, pack)
  if (!found) return undefined
  if (found.kind === 'unknown')
    return { key: found.key, message: `${provider} pack option "${found.key}" is unknown ${found.problem}` }
  const def = set.options.find((o) => o.name === found.key)
  // A plain one-of option is worded as the registry always worded it (values unquoted).
  const value = options?.[found.key]
  if (found.kind === 'value' && def !== undefined && def.type === undefined && value !== undefined)
    return {
      key: found.key,
      message: `${provider} pack option ${found.key} must be one of ${def.values.join(', ')}, got ${JSON.stringify(value)}`,
    }
  return { key: found.key, message: `${provider} pack option ${found.key} ${found.problem}` }
}

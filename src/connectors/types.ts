/**
 * One connector, whole: what the harness knows about a provider on both sides, joined here and only
 * here. Server-side knowledge (mocks/<provider>/: the mock and its quirk records) and client-side
 * knowledge (the dialect a token manager speaks, the suite's profile) stay independent of each
 * other; a record puts them side by side. Every field is required: a connector that lacks a part
 * fails the typecheck, and a part it legitimately has none of is stated (`null`, `[]`) with a reason.
 */
import type { MockFactoryInput } from '../../mocks/factory-input.ts'
import type { PackOptionDef, PackOptionSet } from '../../mocks/pack-option-parsing.ts'
import type { Quirk } from '../../mocks/quirk.ts'
import type { MockProvider } from '../../mocks/types.ts'
import type { ProviderId } from '../manager/contract.ts'
import type { ProviderClient } from '../providers/types.ts'
import type { PaceScenario } from '../rules/types.ts'
import type { ProviderProfile, RotatingSetup } from '../suite/profile-types.ts'
import type { PackSpec } from '../world/types.ts'

export type MockFactory = (input: MockFactoryInput) => MockProvider

/**
 * What the reference manager knows about a provider's rotation, for one decision: when a refresh
 * answer lacks the refresh token on a rotating source, present the old one again while the source's
 * reuse leeway still honours it (Atlassian: 10 minutes), or keep it and wait.
 * - `leeway`: rotates, and a retired token is honoured for a while: re-present at once.
 * - `no_leeway`: re-presenting a retired token is a reuse (Salesforce RTR, Zendesk, Databricks): never.
 * - `never`: never rotates (Google): a missing refresh token is normal.
 * - `unknown`: re-present only for a grant already seen rotating (a refresh answer carried a new
 *   refresh token; remembered in the credential's extras).
 */
export type RotationKnowledge = 'leeway' | 'no_leeway' | 'never' | 'unknown'

/** A setup the source page says is not supported for actions: refused when the pack is defined. */
export interface UnsupportedSetup {
  matches(pack: PackSpec): boolean
  /** The refusal, as the user reads it. */
  reason: string
  /** For `unsupported-setup-rejected`: a pack that must be refused, and a supported neighbour that must not. */
  refused: PackSpec
  accepted: PackSpec
  /** Words the refusal must contain. */
  mustSay: RegExp
}

export interface ConnectorRecord {
  id: ProviderId
  /**
   * Server side. `create` builds the mock from a pack; `options` are its pack options (names, values,
   * defaults, ranges, cross-field checks): the `option`s of `quirks` (mocks/<provider>/quirks.ts) plus
   * the few that are no quirk's, defined once by the mock (definePackOptions) and read by the factory
   * and by the harness alike.
   */
  mock: { create: MockFactory; quirks: readonly Quirk[]; options: PackOptionSet }
  /** Client side: endpoints, token-response and error parsing (src/providers/<provider>.ts). */
  client: ProviderClient
  /** How the conformance suite explores the provider (src/suite/profiles/<provider>.ts). */
  profile: ProviderProfile
  /** How to set the provider up with rotating refresh tokens for the interleavings; null: it never rotates. */
  rotating: RotatingSetup | null
  /** The reference manager's rotation knowledge (see RotationKnowledge). */
  rotation: RotationKnowledge
  /**
   * How long the source is documented to honour a retired refresh token (Atlassian: 10 minutes), or
   * null where connectors.md documents none. With `rotation: 'leeway'`, the reference manager may take
   * over another process's lease inside it (a holder that died with its rotated write refused).
   */
  reuseLeewayMs: number | null
  /** Scripted horizons for `policy-sets-the-pace`; [] when no policy ends a grant on a schedule. */
  paceScenarios: readonly PaceScenario[]
  /** Setups refused at pack definition; [] when the source page names none. */
  unsupportedSetups: readonly UnsupportedSetup[]
}

/** A connector's pack option, as its mock's PackOptionSet defines it (from a quirk record, or no quirk's). */
export type MockOption = PackOptionDef

/**
 * The RFC-faithful baseline mock, and the kit provider mocks build on: `createSpecMock` wires store,
 * core, faults, recorder, control and app; a provider passes its own paths, dialect, policy and hooks
 * and adds routes to `mock.app`. `createBaselineMock` is that kit with every default.
 */
import { OffsetClock } from '../../src/clock.ts'
import { DEFAULT_MAX_BODY_BYTES } from '../body-guard.ts'
import { createMockControl } from '../control.ts'
import { createFaultQueue } from '../faults.ts'
import { createInProcessFetch } from '../in-process-fetch.ts'
import { BASELINE_DEFAULT_POLICY, parsePolicyPatch, resolvePolicy } from '../policy.ts'
import { type JwtSigner, createJwtSigner } from '../jwt.ts'
import { type SecretSet, createRequestRecorder } from '../recorder.ts'
import { type QuirkTally, createQuirkTally } from '../quirk-tally.ts'
import type { RecordedEndpoint } from '../request-state.ts'
import { type ProviderStore, createProviderStore } from '../store.ts'
import type { LedgerEvent, MockOptions, MockProvider, MockProviderId, TokenPolicy } from '../types.ts'
import { createSpecApp } from './app.ts'
import {
  type AuthorizationCore,
  type CoreHooks,
  DEFAULT_LOGIN,
  type PkceMode,
  createAuthorizationCore,
} from './core.ts'
import { RFC_DIALECT, type ResponseDialect } from './dialect.ts'
import type { BodyFormat } from './params.ts'
import { BASELINE_PATHS, type SpecPaths } from './paths.ts'

export const DEFAULT_BASELINE_ISSUER = 'http://baseline.mock'

export interface SpecMockOptions extends MockOptions {
  /** Which provider this mock plays; names the default issuer (`http://<provider>.mock`) and the realm. */
  provider?: MockProviderId
  paths?: Partial<SpecPaths>
  dialect?: ResponseDialect
  /** The provider's own defaults, layered over BASELINE_DEFAULT_POLICY and under `policy`. */
  providerPolicy?: Partial<TokenPolicy>
  tokenBodyFormats?: BodyFormat[]
  inferGrantType?: (params: Readonly<Record<string, string>>) => string | undefined
  /** See SpecAppOptions.onTokenBody. */
  onTokenBody?: (contentType: string | undefined) => void
  hooks?: CoreHooks
  classify?: (path: string) => RecordedEndpoint | undefined
  realm?: string
  /** A scope /api/me demands, answering 403 insufficient_scope without it. Default: none. */
  apiRequiredScope?: string
  /** The provider's PKCE default when `pkce` is not given (baseline: required). */
  providerPkce?: PkceMode
  /** The provider's rule for a client's effective policy; see ControlDeps.checkPolicy. */
  checkPolicy?: (effective: TokenPolicy, patch: Partial<TokenPolicy>) => void
  /** A revocation route the provider mounts itself (paths.revoke null): advertised in discovery. */
  revocationPath?: string
  /** Extra discovery fields (jwks_uri, userinfo_endpoint, …) the provider implements. */
  metadataExtras?: (issuer: string) => Record<string, unknown>
  /**
   * The provider's quirks a ledger event shows firing (a rotation, a reuse inside the leeway, an expiry),
   * for the quirks that live in the policy rather than in a route. Recorded in `SpecMock.quirks`.
   */
  ledgerQuirks?: (event: LedgerEvent, policyOf: (clientId: string) => TokenPolicy) => readonly string[]
  /**
   * Puts the provider's own state (what it keeps outside the store) back as the factory left it.
   * Called by `control.reset()` (and /_lab/reset); a provider that keeps such state must pass it, or
   * a reset mock (serve's, the world's pooled ones) would answer from the previous run's state.
   */
  onReset?: () => void
}

/** A spec mock, with the internals a provider mock needs to extend it. */
export interface SpecMock extends MockProvider {
  readonly store: ProviderStore
  readonly core: AuthorizationCore
  /** This mock's own clock (the one `control.advanceClock` shifts). */
  readonly clock: OffsetClock
  readonly paths: SpecPaths
  readonly dialect: ResponseDialect
  /** Signs this mock's JWTs; every signed value is registered as a secret for the request log. */
  readonly signer: JwtSigner
  /** The values the request log redacts wherever they appear. */
  readonly secrets: SecretSet
  /** Who /authorize signs in without a login_hint. */
  readonly defaultLogin: string
  /** Where the provider's code records each time one of its quirks decided an answer (mocks/quirk-tally.ts). */
  readonly quirks: QuirkTally
}

/** A store whose minted secrets (token values, codes, client secrets) are learnt by the request log. */
function watchingSecrets(store: ProviderStore, secrets: SecretSet): ProviderStore {
  return {
    ...store,
    createToken(input) {
      secrets.add(input.value)
      return store.createToken(input)
    },
    deleteToken(value) {
      secrets.forget(value)
      return store.deleteToken(value)
    },
    createCode(input) {
      secrets.add(input.value)
      return store.createCode(input)
    },
    createClient(input) {
      secrets.add(input.clientSecret)
      return store.createClient(input)
    },
    patchClient(clientId, patch) {
      secrets.add(patch.clientSecret)
      return store.patchClient(clientId, patch)
    },
  }
}

export function createSpecMock(options: SpecMockOptions): SpecMock {
  const provider = options.provider ?? 'baseline'
  const issuer = (options.issuer ?? `http://${provider}.mock`).replace(/\/+$/, '')
  const paths: SpecPaths = { ...BASELINE_PATHS, ...options.paths }
  const dialect = options.dialect ?? RFC_DIALECT
  const clock = new OffsetClock(options.clock)
  const defaultPolicy: TokenPolicy = resolvePolicy(
    resolvePolicy(BASELINE_DEFAULT_POLICY, parsePolicyPatch(options.providerPolicy ?? {})),
    parsePolicyPatch(options.policy ?? {}),
  )
  const recorder = createRequestRecorder(
    options.requestLogSize === undefined ? {} : { capacity: options.requestLogSize },
  )
  const secrets = recorder.secrets
  const quirks = createQuirkTally()
  const watched = watchingSecrets(
    createProviderStore({
      defaultPolicy,
      ...(options.ledgerSize === undefined ? {} : { ledgerSize: options.ledgerSize }),
    }),
    secrets,
  )
  const ledgerQuirks = options.ledgerQuirks
  // Policy quirks (rotation, reuse leeway, expiries) are seen where the ledger records them.
  const store: ProviderStore = ledgerQuirks
    ? {
        ...watched,
        appendLedger(event) {
          watched.appendLedger(event)
          for (const id of ledgerQuirks(event, (clientId) => watched.policyFor(clientId))) quirks.fire(id)
        },
      }
    : watched
  // Created on first use: most in-process mocks never sign anything (key setup costs ~0.25 ms for
  // HS256, ~1 s for an RSA key under serve).
  const algorithm = options.signing ?? 'HS256'
  let baseSigner: JwtSigner | undefined
  const base = (): JwtSigner => {
    baseSigner ??= createJwtSigner(algorithm, issuer)
    return baseSigner
  }
  const signer: JwtSigner = {
    alg: algorithm,
    get kid() {
      return base().kid
    },
    sign(claims, typ) {
      const jwt = base().sign(claims, typ)
      secrets.add(jwt)
      return jwt
    },
    jwks: () => base().jwks(),
    verificationKey: () => base().verificationKey(),
  }
  const defaultPkce: PkceMode = options.pkce ?? options.providerPkce ?? 'required'
  const clientPkce = new Map<string, PkceMode>()
  const defaultLogin = options.defaultLogin ?? DEFAULT_LOGIN
  const core = createAuthorizationCore({
    store,
    clock,
    ids: options.ids,
    ...(options.consentGate ? { consentGate: options.consentGate } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    pkce: (clientId) => clientPkce.get(clientId) ?? defaultPkce,
    defaultLogin: () => defaultLogin,
    signJwt: (claims, typ) => signer.sign(claims, typ),
    issuer,
    ...(options.tokenRetention === undefined ? {} : { tokenRetention: options.tokenRetention }),
  })
  const faults = createFaultQueue()
  const control = createMockControl({
    store,
    core,
    faults,
    recorder,
    clock,
    ids: options.ids,
    clientPkce,
    defaultPkce,
    ...(options.checkPolicy ? { checkPolicy: options.checkPolicy } : {}),
    onReset() {
      quirks.clear()
      secrets.clear()
      options.onReset?.()
    },
  })
  const app = createSpecApp({
    provider,
    issuer,
    paths,
    dialect,
    core,
    control,
    faults,
    recorder,
    clock,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    lifetime: options.lifetime ?? 'world',
    tokenBodyFormats: options.tokenBodyFormats ?? ['form'],
    ...(options.inferGrantType ? { inferGrantType: options.inferGrantType } : {}),
    ...(options.onTokenBody ? { onTokenBody: options.onTokenBody } : {}),
    ...(options.classify ? { classify: options.classify } : {}),
    ...(options.realm ? { realm: options.realm } : {}),
    ...(options.apiRequiredScope ? { apiRequiredScope: options.apiRequiredScope } : {}),
    ...(options.revocationPath ? { revocationPath: options.revocationPath } : {}),
    ...(options.metadataExtras ? { metadataExtras: options.metadataExtras } : {}),
    pkce: defaultPkce,
  })
  return {
    provider,
    issuer,
    app,
    fetch: createInProcessFetch(app, issuer, provider),
    control,
    requests: () => control.requests(),
    reset: () => control.reset(),
    store,
    core,
    clock,
    paths,
    dialect,
    signer,
    secrets,
    defaultLogin,
    quirks,
  }
}

/** The RFC 6749/6750/7009/7636/8414 baseline at `http://baseline.mock` unless told otherwise. */
export function createBaselineMock(options: MockOptions): MockProvider {
  return createSpecMock({
    ...options,
    provider: 'baseline',
    issuer: options.issuer ?? DEFAULT_BASELINE_ISSUER,
  })
}

export { BASELINE_DEFAULT_POLICY } from '../policy.ts'
export { BASELINE_PATHS, type SpecPaths } from './paths.ts'
export { RFC_DIALECT, type ResponseDialect, type WireResponse } from './dialect.ts'
export type { AuthorizationCore, CoreHooks, IssuedTokens, CoreError, ErrorReason, PkceMode } from './core.ts'

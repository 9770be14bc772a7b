/**
 * The control surface every mock shares (MockControl): what a scenario, the world or a test may do
 * to a source from outside its HTTP API. It validates its input (the /_lab routes feed it JSON) and
 * throws ControlError with an HTTP-ish status the routes can answer with.
 */
import type { OffsetClock } from '../src/clock.ts'
import type { IdSource } from '../src/ids.ts'
import { parseScheduledFault } from './faults.ts'
import type { FaultQueue } from './faults.ts'
import { PackOptionError } from './pack-option-parsing.ts'
import { PolicyError, parsePolicyPatch, resolvePolicy } from './policy.ts'
import type { RequestRecorder } from './recorder.ts'
import type { AuthorizationCore } from './spec/core.ts'
import type { ClientRecord, ProviderStore } from './store.ts'
import type { PkceMode } from './spec/core.ts'
import type { ClientRecordView, ConsentDecision, MockControl, TokenPolicy } from './types.ts'

/** Provider-side (mocks/ imports nothing from src/ but clock and ids), so not src/errors.ts's LabError: the /_lab routes answer it as a 4xx JSON body with its status. */
export class ControlError extends Error {
  override name = 'ControlError'
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message)
  }
}

export interface ControlDeps {
  store: ProviderStore
  core: AuthorizationCore
  faults: FaultQueue
  recorder: RequestRecorder
  /** This mock's own clock: advanceClock shifts it and nobody else's. */
  clock: OffsetClock
  ids: IdSource
  /** Per-client PKCE requirement (cleared on reset) and the mock's default. */
  clientPkce: Map<string, PkceMode>
  defaultPkce: PkceMode
  /**
   * The provider's own rule for an effective client policy (Slack: only what the rotation setting
   * implies; Atlassian: fixed lifetimes). Throws PolicyError or PackOptionError naming the field, so
   * /_lab refuses exactly what the pack factory refuses: never a hybrid.
   */
  checkPolicy?: (effective: TokenPolicy, patch: Partial<TokenPolicy>) => void
  /**
   * Forgets what the mock keeps outside the store (its quirk counts, learnt secrets, a provider's own
   * state): after `reset` the mock answers exactly as a new one built from the same options would.
   */
  onReset?: () => void
}

/** The largest clock move /_lab and the control accept in one call: ten years either way. */
export const MAX_CLOCK_ADVANCE_MS = 10 * 366 * 24 * 60 * 60 * 1000

function checkRedirectUri(uri: unknown): string {
  if (typeof uri !== 'string') throw new ControlError('redirectUris must be strings')
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw new ControlError(`redirect URI "${uri}" is not an absolute URL`)
  }
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment.
  if (url.hash !== '' || uri.includes('#')) throw new ControlError(`redirect URI "${uri}" has a fragment`)
  return uri
}

function checkLogin(login: unknown): string {
  if (typeof login !== 'string' || login.trim() === '')
    throw new ControlError('login must be a non-empty string')
  return login
}

export function parseConsentDecision(input: unknown): ConsentDecision {
  if (typeof input !== 'object' || input === null) throw new ControlError('decision must be an object')
  const record = input as Record<string, unknown>
  switch (record['kind']) {
    case 'allow':
      return { kind: 'allow' }
    case 'deny_redirect': {
      const error = record['error']
      const description = record['description']
      if (typeof error !== 'string' || error === '')
        throw new ControlError('deny_redirect needs an error code')
      if (description !== undefined && typeof description !== 'string') {
        throw new ControlError('deny_redirect description must be a string')
      }
      return { kind: 'deny_redirect', error, ...(description === undefined ? {} : { description }) }
    }
    case 'error_page': {
      const status = record['status']
      const message = record['message']
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        throw new ControlError('error_page needs an integer status between 400 and 599')
      }
      if (typeof message !== 'string') throw new ControlError('error_page needs a message')
      return { kind: 'error_page', status, message }
    }
    default:
      throw new ControlError("decision.kind must be 'allow', 'deny_redirect' or 'error_page'")
  }
}

function rethrowAsControlError<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof ControlError) throw error
    if (error instanceof PolicyError || error instanceof PackOptionError || error instanceof TypeError)
      throw new ControlError(error.message)
    throw error
  }
}

export function createMockControl(deps: ControlDeps): MockControl {
  const { store, core, faults, recorder, clock, ids } = deps

  const view = (client: ClientRecord): ClientRecordView => ({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUris: [...client.redirectUris],
    policy: store.policyFor(client.clientId),
    pkce: deps.clientPkce.get(client.clientId) ?? deps.defaultPkce,
  })
  const checkEffective = (base: TokenPolicy, patch: Partial<TokenPolicy>): void => {
    try {
      deps.checkPolicy?.(resolvePolicy(base, patch), patch)
    } catch (error) {
      // Whatever the provider's rule throws is a refusal of the caller's input, never a 500.
      throw new ControlError(error instanceof Error ? error.message : String(error))
    }
  }

  return {
    createClient(input) {
      return rethrowAsControlError(() => {
        if (!Array.isArray(input.redirectUris) || input.redirectUris.length === 0) {
          throw new ControlError('a client needs at least one redirect URI')
        }
        const redirectUris = input.redirectUris.map(checkRedirectUri)
        const policy = parsePolicyPatch(input.policy ?? {})
        checkEffective(store.defaultPolicy(), policy)
        const pkce = input.pkce
        if (pkce !== undefined && pkce !== 'required' && pkce !== 'optional')
          throw new ControlError("pkce must be 'required' or 'optional'")
        const clientId = input.clientId ?? ids.next('client_')
        if (typeof clientId !== 'string' || clientId === '')
          throw new ControlError('clientId must be a non-empty string')
        if (store.getClient(clientId)) throw new ControlError(`client "${clientId}" already exists`, 409)
        const clientSecret = input.clientSecret ?? ids.next('secret_')
        if (typeof clientSecret !== 'string' || clientSecret === '') {
          throw new ControlError('clientSecret must be a non-empty string')
        }
        if (pkce !== undefined) deps.clientPkce.set(clientId, pkce)
        return view(
          store.createClient({
            clientId,
            clientSecret,
            redirectUris,
            policyOverrides: policy,
            createdAtMs: clock.now(),
          }),
        )
      })
    },

    createUser(input) {
      const login = checkLogin(input.login)
      store.ensureUser(login, clock.now())
      return { login }
    },

    rotateClientSecret(clientId) {
      if (!store.getClient(clientId)) throw new ControlError(`unknown client "${clientId}"`, 404)
      return core.rotateClientSecret(clientId)
    },

    revokeGrant(login, clientId, by) {
      if (by !== 'user' && by !== 'admin') throw new ControlError("by must be 'user' or 'admin'")
      core.revokeGrant(checkLogin(login), clientId, by)
    },

    setPolicy(policy, clientId) {
      rethrowAsControlError(() => {
        const patch = parsePolicyPatch(policy)
        if (clientId === undefined) {
          checkEffective(store.defaultPolicy(), patch)
          for (const client of store.listClients()) checkEffective(store.policyFor(client.clientId), patch)
          store.setDefaultPolicy(patch)
          return
        }
        if (!store.getClient(clientId)) throw new ControlError(`unknown client "${clientId}"`, 404)
        checkEffective(store.policyFor(clientId), patch)
        store.setClientPolicyOverrides(clientId, { ...store.clientPolicyOverrides(clientId), ...patch })
      })
    },

    setConsentAnswer(login, decision) {
      store.setConsentAnswer(checkLogin(login), parseConsentDecision(decision))
    },

    approve(key) {
      if (typeof key !== 'string' || key === '')
        throw new ControlError('approval key must be a non-empty string')
      store.approve(key)
    },

    unapprove(key) {
      store.unapprove(key)
    },

    injectFault(fault) {
      rethrowAsControlError(() => faults.schedule(parseScheduledFault(fault)))
    },

    scriptResponses(endpoint, responses) {
      rethrowAsControlError(() => {
        if (!Array.isArray(responses)) throw new ControlError('responses must be an array')
        faults.script(endpoint, responses)
      })
    },

    clearFaults() {
      faults.clear()
    },

    advanceClock(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new ControlError('ms must be a finite number')
      // Beyond this, date arithmetic leaves the range a Date can hold (Zendesk renders dates).
      if (Math.abs(clock.offset + ms) > MAX_CLOCK_ADVANCE_MS)
        throw new ControlError(
          `ms: the mock's clock may move at most ${MAX_CLOCK_ADVANCE_MS} ms (ten years) from the world's`,
        )
      clock.shift(ms)
    },

    requests: () => recorder.list(),
    ledger: () => store.ledger(),
    requestMark: () => recorder.mark(),
    requestsSince: (mark) => recorder.since(mark),
    ledgerMark: () => store.ledgerMark(),
    ledgerSince: (mark) => store.ledgerSince(mark),
    grantTruth: (login, clientId, held) => core.grantTruth(login, clientId, held),
    accessTokenIsLive: (token) => core.accessTokenIsLive(token),

    reset() {
      store.reset()
      deps.clientPkce.clear()
      faults.clear()
      recorder.clear()
      // The mock's own skew goes too: a reset mock agrees with the world's clock again.
      clock.shift(-clock.offset)
      deps.onReset?.()
    },
  }
}

/**
 * A mock provider's state: clients, users, grants, token families, tokens, authorization codes and
 * approvals, kept in @mswjs/data, plus the ledger, consent answers and the default policy.
 *
 * @mswjs/data scans every record on each query (even by primary key) and `update()` re-queries and
 * replaces the stored object, so a simulated year of hourly refreshes would turn quadratic. Every hot
 * lookup therefore goes through a `Map` index beside the database, and every write goes through this
 * repository: records are patched in place (the database holds the very object the indexes hold, so
 * both stay in step in O(1)), deletions remove the record from the database and the indexes together.
 * The database itself serves the cold, multi-record questions (all families of a client, counts).
 */
import { drop, factory, nullable, primaryKey } from '@mswjs/data'
import { resolvePolicy } from './policy.ts'
import type { ConsentDecision, GrantEndCause, LedgerEvent, TokenPolicy } from './types.ts'

export type TokenKind = 'access' | 'refresh'

function createDatabase() {
  return factory({
    client: {
      clientId: primaryKey(String),
      clientSecret: String,
      redirectUris: () => [] as string[],
      /** The client's overrides of the mock's default policy, as JSON: null means "no limit", absent means "inherit". */
      policyJson: () => '{}',
      createdAtMs: Number,
    },
    user: {
      login: primaryKey(String),
      createdAtMs: Number,
    },
    /** A teammate's consent to a client: created at the first consent, outlives its token families. */
    grant: {
      id: primaryKey(String),
      login: String,
      clientId: String,
      createdAtMs: Number,
    },
    /** One Connect's worth of tokens: everything minted from one authorization code. */
    family: {
      id: primaryKey(String),
      grantId: String,
      login: String,
      clientId: String,
      /** Space-separated scopes granted at consent. */
      scope: String,
      createdAtMs: Number,
      /** The code exchange, then each successful refresh: the idle timer runs from here. */
      lastRefreshAtMs: Number,
      hasRefreshToken: Boolean,
      currentRefreshToken: nullable<string>(() => null),
      endedAtMs: nullable<number>(() => null),
      endCause: nullable<GrantEndCause>(() => null),
      /** When the end was noticed; later than endedAtMs for a lazily detected TTL expiry. */
      endDetectedAtMs: nullable<number>(() => null),
    },
    token: {
      value: primaryKey(String),
      kind: (): TokenKind => 'access',
      familyId: String,
      login: String,
      clientId: String,
      scope: String,
      issuedAtMs: Number,
      /** Access tokens only; null: no expiry of its own (it still dies with its family). */
      expiresAtMs: nullable<number>(() => null),
      /** Refresh tokens only: when rotation replaced it. */
      retiredAtMs: nullable<number>(() => null),
      /** Revoked on its own through the revocation endpoint (access tokens). */
      revokedAtMs: nullable<number>(() => null),
    },
    code: {
      value: primaryKey(String),
      clientId: String,
      login: String,
      redirectUri: String,
      /** RFC 6749 §4.1.3: redirect_uri is required at the token endpoint only if the authorize request had it. */
      redirectUriIncluded: Boolean,
      scope: String,
      codeChallenge: String,
      /** The authorize query (no secrets in it), for provider hooks such as Google's prompt=consent. */
      queryJson: () => '{}',
      issuedAtMs: Number,
      expiresAtMs: Number,
      usedAtMs: nullable<number>(() => null),
      /** The family the code was exchanged for, so a reused code can end it. */
      familyId: nullable<string>(() => null),
    },
    approval: {
      key: primaryKey(String),
    },
  })
}

export type ProviderDatabase = ReturnType<typeof createDatabase>
type ClientEntity = ReturnType<ProviderDatabase['client']['create']>
type UserEntity = ReturnType<ProviderDatabase['user']['create']>
type GrantEntity = ReturnType<ProviderDatabase['grant']['create']>
type FamilyEntity = ReturnType<ProviderDatabase['family']['create']>
type TokenEntity = ReturnType<ProviderDatabase['token']['create']>
type CodeEntity = ReturnType<ProviderDatabase['code']['create']>

export type ClientRecord = Readonly<ClientEntity>
export type UserRecord = Readonly<UserEntity>
export type GrantRecord = Readonly<GrantEntity>
export type FamilyRecord = Readonly<FamilyEntity>
export type TokenRecord = Readonly<TokenEntity>
export type CodeRecord = Readonly<CodeEntity>

export interface NewClient {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  policyOverrides: Partial<TokenPolicy>
  createdAtMs: number
}
export interface NewGrant {
  id: string
  login: string
  clientId: string
  createdAtMs: number
}
export interface NewFamily {
  id: string
  grantId: string
  login: string
  clientId: string
  scope: string
  createdAtMs: number
  hasRefreshToken: boolean
}
export interface NewToken {
  value: string
  kind: TokenKind
  familyId: string
  login: string
  clientId: string
  scope: string
  issuedAtMs: number
  expiresAtMs: number | null
}
export interface NewCode {
  value: string
  clientId: string
  login: string
  redirectUri: string
  redirectUriIncluded: boolean
  scope: string
  codeChallenge: string
  query: Record<string, string>
  issuedAtMs: number
  expiresAtMs: number
}

/** Fields that may change after creation; identity fields (the keys of the indexes) never do. */
export type ClientPatch = Partial<Pick<ClientEntity, 'clientSecret' | 'redirectUris'>>
export type FamilyPatch = Partial<
  Pick<
    FamilyEntity,
    | 'lastRefreshAtMs'
    | 'currentRefreshToken'
    | 'endedAtMs'
    | 'endCause'
    | 'endDetectedAtMs'
    | 'hasRefreshToken'
  >
>
export type TokenPatch = Partial<Pick<TokenEntity, 'retiredAtMs' | 'revokedAtMs' | 'expiresAtMs'>>
export type CodePatch = Partial<Pick<CodeEntity, 'usedAtMs' | 'familyId'>>

export interface ProviderStore {
  /**
   * The underlying @mswjs/data database, for read-only questions over many records. Never write
   * through it: `update()` replaces the stored object and the indexes would point at a stale one.
   */
  readonly db: ProviderDatabase

  createClient(input: NewClient): ClientRecord
  getClient(clientId: string): ClientRecord | undefined
  patchClient(clientId: string, patch: ClientPatch): ClientRecord
  listClients(): ClientRecord[]
  deleteClient(clientId: string): boolean
  /** The client's own overrides (not merged with the default). */
  clientPolicyOverrides(clientId: string): Partial<TokenPolicy>
  setClientPolicyOverrides(clientId: string, overrides: Partial<TokenPolicy>): void

  /** Idempotent: an existing user is returned as is. */
  ensureUser(login: string, atMs: number): UserRecord
  getUser(login: string): UserRecord | undefined

  getGrant(login: string, clientId: string): GrantRecord | undefined
  createGrant(input: NewGrant): GrantRecord

  createFamily(input: NewFamily): FamilyRecord
  getFamily(id: string): FamilyRecord | undefined
  patchFamily(id: string, patch: FamilyPatch): FamilyRecord
  deleteFamily(id: string): boolean
  /** Families of one teammate's grant to one client, oldest first. */
  familiesOf(login: string, clientId: string): FamilyRecord[]
  familiesOfClient(clientId: string): FamilyRecord[]

  createToken(input: NewToken): TokenRecord
  getToken(value: string): TokenRecord | undefined
  patchToken(value: string, patch: TokenPatch): TokenRecord
  deleteToken(value: string): boolean

  createCode(input: NewCode): CodeRecord
  getCode(value: string): CodeRecord | undefined
  patchCode(value: string, patch: CodePatch): CodeRecord
  deleteCode(value: string): boolean

  approve(key: string): void
  unapprove(key: string): void
  approvals(): ReadonlySet<string>

  setConsentAnswer(login: string, decision: ConsentDecision): void
  consentAnswer(login: string): ConsentDecision | undefined

  defaultPolicy(): TokenPolicy
  setDefaultPolicy(patch: Partial<TokenPolicy>): void
  /** The client's effective policy: its overrides over the current default. */
  policyFor(clientId: string): TokenPolicy

  appendLedger(event: LedgerEvent): void
  ledger(): LedgerEvent[]

  /** Back to the state right after creation: no records, empty ledger, the initial default policy. */
  reset(): void
}

export interface ProviderStoreOptions {
  /** The default policy the store starts with and returns to on reset. */
  defaultPolicy: TokenPolicy
}

const pairKey = (login: string, clientId: string): string => `${login}\u0000${clientId}`

export function createProviderStore(options: ProviderStoreOptions): ProviderStore {
  const db = createDatabase()
  const initialPolicy: TokenPolicy = { ...options.defaultPolicy }

  const clients = new Map<string, ClientEntity>()
  const users = new Map<string, UserEntity>()
  const grants = new Map<string, GrantEntity>()
  const grantByPair = new Map<string, string>()
  const families = new Map<string, FamilyEntity>()
  const familiesByPair = new Map<string, string[]>()
  const familiesByClient = new Map<string, string[]>()
  const tokens = new Map<string, TokenEntity>()
  const codes = new Map<string, CodeEntity>()
  const approvalKeys = new Set<string>()
  const consentAnswers = new Map<string, ConsentDecision>()
  const policyOverrides = new Map<string, Partial<TokenPolicy>>()
  let defaultPolicy: TokenPolicy = { ...initialPolicy }
  let ledgerEvents: LedgerEvent[] = []

  function mustGet<V>(map: Map<string, V>, key: string, what: string): V {
    const found = map.get(key)
    if (found === undefined) throw new Error(`no ${what} "${key}" in the provider store`)
    return found
  }

  function pushIndex(index: Map<string, string[]>, key: string, id: string): void {
    const list = index.get(key)
    if (list) list.push(id)
    else index.set(key, [id])
  }

  function dropIndex(index: Map<string, string[]>, key: string, id: string): void {
    const list = index.get(key)
    if (!list) return
    const at = list.indexOf(id)
    if (at >= 0) list.splice(at, 1)
    if (list.length === 0) index.delete(key)
  }

  function listFamilies(ids: string[] | undefined): FamilyRecord[] {
    if (!ids) return []
    const out: FamilyRecord[] = []
    for (const id of ids) {
      const family = families.get(id)
      if (family) out.push(family)
    }
    return out
  }

  return {
    db,

    createClient(input) {
      const entity = db.client.create({
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        redirectUris: [...input.redirectUris],
        policyJson: JSON.stringify(input.policyOverrides),
        createdAtMs: input.createdAtMs,
      })
      clients.set(entity.clientId, entity)
      policyOverrides.set(entity.clientId, { ...input.policyOverrides })
      return entity
    },
    getClient: (clientId) => clients.get(clientId),
    patchClient(clientId, patch) {
      const entity = mustGet(clients, clientId, 'client')
      if (patch.clientSecret !== undefined) entity.clientSecret = patch.clientSecret
      if (patch.redirectUris !== undefined) entity.redirectUris = [...patch.redirectUris]
      return entity
    },
    listClients: () => [...clients.values()],
    deleteClient(clientId) {
      if (!clients.has(clientId)) return false
      db.client.delete({ where: { clientId: { equals: clientId } } })
      clients.delete(clientId)
      policyOverrides.delete(clientId)
      return true
    },
    clientPolicyOverrides: (clientId) => ({ ...policyOverrides.get(clientId) }),
    setClientPolicyOverrides(clientId, overrides) {
      const entity = mustGet(clients, clientId, 'client')
      // The parsed copy serves the hot path (every refresh); the JSON keeps the database self-describing.
      policyOverrides.set(clientId, { ...overrides })
      entity.policyJson = JSON.stringify(overrides)
    },

    ensureUser(login, atMs) {
      const existing = users.get(login)
      if (existing) return existing
      const entity = db.user.create({ login, createdAtMs: atMs })
      users.set(login, entity)
      return entity
    },
    getUser: (login) => users.get(login),

    getGrant(login, clientId) {
      const id = grantByPair.get(pairKey(login, clientId))
      return id === undefined ? undefined : grants.get(id)
    },
    createGrant(input) {
      const entity = db.grant.create({ ...input })
      grants.set(entity.id, entity)
      grantByPair.set(pairKey(entity.login, entity.clientId), entity.id)
      return entity
    },

    createFamily(input) {
      const entity = db.family.create({
        ...input,
        lastRefreshAtMs: input.createdAtMs,
        currentRefreshToken: null,
        endedAtMs: null,
        endCause: null,
        endDetectedAtMs: null,
      })
      families.set(entity.id, entity)
      pushIndex(familiesByPair, pairKey(entity.login, entity.clientId), entity.id)
      pushIndex(familiesByClient, entity.clientId, entity.id)
      return entity
    },
    getFamily: (id) => families.get(id),
    patchFamily(id, patch) {
      const entity = mustGet(families, id, 'family')
      Object.assign(entity, patch)
      return entity
    },
    deleteFamily(id) {
      const entity = families.get(id)
      if (!entity) return false
      db.family.delete({ where: { id: { equals: id } } })
      families.delete(id)
      dropIndex(familiesByPair, pairKey(entity.login, entity.clientId), id)
      dropIndex(familiesByClient, entity.clientId, id)
      return true
    },
    familiesOf: (login, clientId) => listFamilies(familiesByPair.get(pairKey(login, clientId))),
    familiesOfClient: (clientId) => listFamilies(familiesByClient.get(clientId)),

    createToken(input) {
      const entity = db.token.create({ ...input, retiredAtMs: null, revokedAtMs: null })
      tokens.set(entity.value, entity)
      return entity
    },
    getToken: (value) => tokens.get(value),
    patchToken(value, patch) {
      const entity = mustGet(tokens, value, 'token')
      Object.assign(entity, patch)
      return entity
    },
    deleteToken(value) {
      if (!tokens.has(value)) return false
      db.token.delete({ where: { value: { equals: value } } })
      tokens.delete(value)
      return true
    },

    createCode(input) {
      const { query, ...rest } = input
      const entity = db.code.create({
        ...rest,
        queryJson: JSON.stringify(query),
        usedAtMs: null,
        familyId: null,
      })
      codes.set(entity.value, entity)
      return entity
    },
    getCode: (value) => codes.get(value),
    patchCode(value, patch) {
      const entity = mustGet(codes, value, 'code')
      Object.assign(entity, patch)
      return entity
    },
    deleteCode(value) {
      if (!codes.has(value)) return false
      db.code.delete({ where: { value: { equals: value } } })
      codes.delete(value)
      return true
    },

    approve(key) {
      if (approvalKeys.has(key)) return
      db.approval.create({ key })
      approvalKeys.add(key)
    },
    unapprove(key) {
      if (!approvalKeys.delete(key)) return
      db.approval.delete({ where: { key: { equals: key } } })
    },
    approvals: () => new Set(approvalKeys),

    setConsentAnswer(login, decision) {
      // `allow` is the absence of an override: it clears the scripted answer.
      if (decision.kind === 'allow') consentAnswers.delete(login)
      else consentAnswers.set(login, { ...decision })
    },
    consentAnswer: (login) => consentAnswers.get(login),

    defaultPolicy: () => ({ ...defaultPolicy }),
    setDefaultPolicy(patch) {
      defaultPolicy = resolvePolicy(defaultPolicy, patch)
    },
    policyFor(clientId) {
      return resolvePolicy(defaultPolicy, policyOverrides.get(clientId) ?? {})
    },

    appendLedger(event) {
      ledgerEvents.push(Object.freeze({ ...event }))
    },
    ledger: () => [...ledgerEvents],

    reset() {
      drop(db)
      for (const index of [
        clients,
        users,
        grants,
        grantByPair,
        families,
        familiesByPair,
        familiesByClient,
        tokens,
        codes,
        consentAnswers,
        policyOverrides,
      ]) {
        index.clear()
      }
      approvalKeys.clear()
      defaultPolicy = { ...initialPolicy }
      ledgerEvents = []
    },
  }
}

/**
 * A mock provider's state: clients, users, grants, token families, tokens, authorization codes and
 * approvals, kept in @mswjs/data (the one copy of every record), plus the ledger (a ring), consent
 * answers and the default policy.
 *
 * @mswjs/data's query API scans every record on each query (even by primary key) and `update()`
 * re-queries and replaces the stored object, so a simulated year of hourly refreshes would turn
 * quadratic. Underneath, its Database keeps each model in a `Map` keyed by primary key: this store
 * reads and deletes by primary key through that very Map (`Database.getModel`, O(1)), inserts
 * complete records into that Map (the last step of the public `create()`, see
 * createRecordInserter), and patches the stored object in place. The
 * only other structures are secondary indexes that hold primary keys, never records: grant by
 * (login, client), families by (login, client) and by client, tokens by family (docs/DESIGN.md §7).
 */
import { createRing } from './ring.ts'
import { factory, nullable, primaryKey } from './mswjs-data.ts'
import { resolvePolicy } from './policy.ts'
import type { ConsentDecision, GrantEndCause, LedgerEvent, TokenPolicy } from './types.ts'

export type TokenKind = 'access' | 'refresh'

/**
 * @mswjs/data names each Database by an md5 of a `new Error().stack` frame. Under source maps (tsx)
 * that stack costs more than the rest of building a store, and the in-process suite builds one per
 * world, so the stack is built empty: the name then rests on the Database's invocation counter alone,
 * which still tells sibling databases apart (nothing here syncs databases by name).
 */
function createDatabase() {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return defineDatabase()
  } finally {
    Error.stackTraceLimit = limit
  }
}

function defineDatabase() {
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
   * through it: `update()` replaces the stored object and `delete()` skips the secondary indexes.
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
  /** The family's stored tokens of one kind, oldest first (O(tokens of that family)). */
  tokensOf(familyId: string, kind: TokenKind): TokenRecord[]
  /** How many tokens of one kind the family has stored (O(1)). */
  tokenCount(familyId: string, kind: TokenKind): number
  /** The family's oldest stored token of one kind (O(1)). */
  oldestToken(familyId: string, kind: TokenKind): TokenRecord | undefined

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
  /** Oldest first; at most `ledgerCapacity` events (a ring: the oldest are dropped). */
  ledger(): LedgerEvent[]
  /** Events ever appended (a mark that survives the ring wrapping; see mocks/ring.ts). */
  ledgerMark(): number
  /** The events appended at or after `mark` that the ring still holds. */
  ledgerSince(mark: number): LedgerEvent[]
  readonly ledgerCapacity: number

  /** Back to the state right after creation: no records, empty ledger, the initial default policy. */
  reset(): void
}

/** Ledger events a store keeps unless told otherwise (in process: a timeline never comes close). */
export const DEFAULT_LEDGER_SIZE = 100_000

export interface ProviderStoreOptions {
  /** The default policy the store starts with and returns to on reset. */
  defaultPolicy: TokenPolicy
  /** The ledger is a ring of this many events (default DEFAULT_LEDGER_SIZE). */
  ledgerSize?: number
}

const pairKey = (login: string, clientId: string): string => `${login}\u0000${clientId}`

type ModelName = 'client' | 'user' | 'grant' | 'family' | 'token' | 'code' | 'approval'
const MODELS: readonly ModelName[] = ['client', 'user', 'grant', 'family', 'token', 'code', 'approval']

/** The part of @mswjs/data 0.16's Database (lib/db/Database.d.ts, public methods) this store uses. */
interface MswDatabase {
  getModel(name: ModelName): Map<string, unknown>
  delete(name: ModelName, primaryKey: string): void
}

/**
 * Inserts a complete record the way `db.<model>.create()` ends (into the model's Map, with the two
 * internal symbols every @mswjs/data entity carries), without its per-property lodash get/set walk,
 * which cost ~30 µs a record under load (a refresh mints two tokens, a Connect five records). The
 * caller passes every field of the model, so the record is the one `create()` would have built;
 * clients and approvals (rare, and with array fields) keep the public `create()`.
 */
function createRecordInserter(db: ProviderDatabase, database: MswDatabase) {
  const probe = db.approval.create({ key: '\u0000probe' })
  const symbols = Object.getOwnPropertySymbols(probe)
  const typeSymbol = symbols.find((s) => s.description === 'type')
  const keySymbol = symbols.find((s) => s.description === 'primaryKey')
  database.delete('approval', '\u0000probe')
  if (typeSymbol === undefined || keySymbol === undefined)
    throw new Error(
      '@mswjs/data entities no longer carry their type and primary key symbols: mocks/store.ts needs porting',
    )
  return <T extends object>(model: ModelName, primaryKey: keyof T & string, record: T): T => {
    const key = record[primaryKey] as unknown as string
    if (database.getModel(model).has(key))
      throw new Error(
        `Failed to create a "${model}" entity: an entity with the same primary key "${primaryKey}" ("${key}") already exists.`,
      )
    const entity = Object.assign(record, { [typeSymbol]: model, [keySymbol]: primaryKey })
    // What Database.create does, minus its 'create' event (a serialised copy per record, for the
    // browser-only sync extension: nothing listens in Node).
    database.getModel(model).set(key, entity)
    return entity
  }
}

/** @mswjs/data keeps its Database under a symbol of the factory result (glossary DATABASE_INSTANCE). */
function databaseOf(db: ProviderDatabase): MswDatabase {
  const symbol = Object.getOwnPropertySymbols(db).find((s) => s.description === 'databaseInstance')
  const database = symbol === undefined ? undefined : (db as unknown as Record<symbol, unknown>)[symbol]
  if (typeof (database as { getModel?: unknown } | undefined)?.getModel !== 'function')
    throw new Error('@mswjs/data no longer exposes its Database: mocks/store.ts needs porting')
  return database as MswDatabase
}

export function createProviderStore(options: ProviderStoreOptions): ProviderStore {
  const db = createDatabase()
  const database = databaseOf(db)
  const insert = createRecordInserter(db, database)
  const initialPolicy: TokenPolicy = { ...options.defaultPolicy }
  const ledgerCapacity = options.ledgerSize ?? DEFAULT_LEDGER_SIZE
  if (!Number.isInteger(ledgerCapacity) || ledgerCapacity < 1)
    throw new RangeError(`the ledger size must be a positive integer, got ${ledgerCapacity}`)

  // The records themselves: @mswjs/data's own primary-key Maps.
  const clients = database.getModel('client') as unknown as Map<string, ClientEntity>
  const users = database.getModel('user') as unknown as Map<string, UserEntity>
  const grants = database.getModel('grant') as unknown as Map<string, GrantEntity>
  const families = database.getModel('family') as unknown as Map<string, FamilyEntity>
  const tokens = database.getModel('token') as unknown as Map<string, TokenEntity>
  const codes = database.getModel('code') as unknown as Map<string, CodeEntity>
  const approvalRecords = database.getModel('approval') as unknown as Map<string, unknown>

  // Secondary indexes: primary keys only.
  const grantByPair = new Map<string, string>()
  const familiesByPair = new Map<string, string[]>()
  const familiesByClient = new Map<string, string[]>()
  /** familyId -> token values of one kind, in creation order (a Set: O(1) delete, oldest first). */
  const tokensByFamily = { access: new Map<string, Set<string>>(), refresh: new Map<string, Set<string>>() }

  // Not records of the card's model: scripted answers, and the parsed form of each client's policyJson.
  const consentAnswers = new Map<string, ConsentDecision>()
  const parsedPolicies = new Map<
    string,
    { json: string; overrides: Partial<TokenPolicy>; resolved?: { over: TokenPolicy; policy: TokenPolicy } }
  >()
  let defaultPolicy: TokenPolicy = { ...initialPolicy }
  const ledgerRing = createRing<LedgerEvent>(ledgerCapacity)

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

  /** The client's overrides, parsed once per distinct policyJson (the record is the truth). */
  function overridesOf(clientId: string): Partial<TokenPolicy> {
    const client = clients.get(clientId)
    if (!client) return {}
    const cached = parsedPolicies.get(clientId)
    if (cached && cached.json === client.policyJson) return cached.overrides
    const overrides = JSON.parse(client.policyJson) as Partial<TokenPolicy>
    parsedPolicies.set(clientId, { json: client.policyJson, overrides })
    return overrides
  }

  return {
    db,
    ledgerCapacity,

    createClient(input) {
      return db.client.create({
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        redirectUris: [...input.redirectUris],
        policyJson: JSON.stringify(input.policyOverrides),
        createdAtMs: input.createdAtMs,
      })
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
      database.delete('client', clientId)
      parsedPolicies.delete(clientId)
      return true
    },
    clientPolicyOverrides: (clientId) => ({ ...overridesOf(clientId) }),
    setClientPolicyOverrides(clientId, overrides) {
      const entity = mustGet(clients, clientId, 'client')
      entity.policyJson = JSON.stringify(overrides)
    },

    ensureUser(login, atMs) {
      return (
        users.get(login) ?? insert<UserEntity>('user', 'login', { login, createdAtMs: atMs } as UserEntity)
      )
    },
    getUser: (login) => users.get(login),

    getGrant(login, clientId) {
      const id = grantByPair.get(pairKey(login, clientId))
      return id === undefined ? undefined : grants.get(id)
    },
    createGrant(input) {
      const entity = insert<GrantEntity>('grant', 'id', {
        id: input.id,
        login: input.login,
        clientId: input.clientId,
        createdAtMs: input.createdAtMs,
      } as GrantEntity)
      grantByPair.set(pairKey(entity.login, entity.clientId), entity.id)
      return entity
    },

    createFamily(input) {
      const entity = insert<FamilyEntity>('family', 'id', {
        id: input.id,
        grantId: input.grantId,
        login: input.login,
        clientId: input.clientId,
        scope: input.scope,
        createdAtMs: input.createdAtMs,
        lastRefreshAtMs: input.createdAtMs,
        hasRefreshToken: input.hasRefreshToken,
        currentRefreshToken: null,
        endedAtMs: null,
        endCause: null,
        endDetectedAtMs: null,
      } as FamilyEntity)
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
      database.delete('family', id)
      dropIndex(familiesByPair, pairKey(entity.login, entity.clientId), id)
      dropIndex(familiesByClient, entity.clientId, id)
      return true
    },
    familiesOf: (login, clientId) => listFamilies(familiesByPair.get(pairKey(login, clientId))),
    familiesOfClient: (clientId) => listFamilies(familiesByClient.get(clientId)),

    createToken(input) {
      const entity = insert<TokenEntity>('token', 'value', {
        value: input.value,
        kind: input.kind,
        familyId: input.familyId,
        login: input.login,
        clientId: input.clientId,
        scope: input.scope,
        issuedAtMs: input.issuedAtMs,
        expiresAtMs: input.expiresAtMs,
        retiredAtMs: null,
        revokedAtMs: null,
      } as TokenEntity)
      const index = tokensByFamily[entity.kind]
      const set = index.get(entity.familyId)
      if (set) set.add(entity.value)
      else index.set(entity.familyId, new Set([entity.value]))
      return entity
    },
    getToken: (value) => tokens.get(value),
    patchToken(value, patch) {
      const entity = mustGet(tokens, value, 'token')
      Object.assign(entity, patch)
      return entity
    },
    deleteToken(value) {
      const entity = tokens.get(value)
      if (!entity) return false
      database.delete('token', value)
      const index = tokensByFamily[entity.kind]
      const set = index.get(entity.familyId)
      if (set) {
        set.delete(value)
        if (set.size === 0) index.delete(entity.familyId)
      }
      return true
    },
    tokensOf(familyId, kind) {
      const out: TokenRecord[] = []
      for (const value of tokensByFamily[kind].get(familyId) ?? []) {
        const token = tokens.get(value)
        if (token) out.push(token)
      }
      return out
    },
    tokenCount: (familyId, kind) => tokensByFamily[kind].get(familyId)?.size ?? 0,
    oldestToken(familyId, kind) {
      const set = tokensByFamily[kind].get(familyId)
      if (!set) return undefined
      for (const value of set) return tokens.get(value)
      return undefined
    },

    createCode(input) {
      return insert<CodeEntity>('code', 'value', {
        value: input.value,
        clientId: input.clientId,
        login: input.login,
        redirectUri: input.redirectUri,
        redirectUriIncluded: input.redirectUriIncluded,
        scope: input.scope,
        codeChallenge: input.codeChallenge,
        queryJson: JSON.stringify(input.query),
        issuedAtMs: input.issuedAtMs,
        expiresAtMs: input.expiresAtMs,
        usedAtMs: null,
        familyId: null,
      } as CodeEntity)
    },
    getCode: (value) => codes.get(value),
    patchCode(value, patch) {
      const entity = mustGet(codes, value, 'code')
      Object.assign(entity, patch)
      return entity
    },
    deleteCode(value) {
      if (!codes.has(value)) return false
      database.delete('code', value)
      return true
    },

    approve(key) {
      if (!approvalRecords.has(key)) db.approval.create({ key })
    },
    unapprove(key) {
      if (approvalRecords.has(key)) database.delete('approval', key)
    },
    approvals: () => new Set(approvalRecords.keys()),

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
      const overrides = overridesOf(clientId)
      const cached = parsedPolicies.get(clientId)
      if (!cached) return resolvePolicy(defaultPolicy, overrides)
      // A refresh asks several times: resolved once per (default policy, client overrides), frozen
      // because every caller shares it.
      if (cached.resolved?.over !== defaultPolicy)
        cached.resolved = {
          over: defaultPolicy,
          policy: Object.freeze(resolvePolicy(defaultPolicy, overrides)),
        }
      return cached.resolved.policy
    },

    appendLedger(event) {
      // The core builds each event for this call alone: freezing it in place spares a copy a request.
      ledgerRing.push(Object.isFrozen(event) ? event : Object.freeze(event))
    },
    ledger: () => ledgerRing.list(),
    ledgerMark: () => ledgerRing.mark(),
    ledgerSince: (mark) => ledgerRing.since(mark),

    reset() {
      // Straight to the model Maps: @mswjs/data's drop() runs a compiled query per record.
      for (const model of MODELS) database.getModel(model).clear()
      for (const index of [
        grantByPair,
        familiesByPair,
        familiesByClient,
        tokensByFamily.access,
        tokensByFamily.refresh,
        consentAnswers,
        parsedPolicies,
      ]) {
        index.clear()
      }
      defaultPolicy = { ...initialPolicy }
      ledgerRing.clear()
    },
  }
}

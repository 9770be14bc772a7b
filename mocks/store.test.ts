import { describe, expect, test } from 'vitest'
import { BASELINE_DEFAULT_POLICY } from './policy.ts'
import { createProviderStore } from './store.ts'

function store() {
  return createProviderStore({ defaultPolicy: { ...BASELINE_DEFAULT_POLICY } })
}

function seed(s: ReturnType<typeof store>) {
  s.createClient({
    clientId: 'c1',
    clientSecret: 's1',
    redirectUris: ['https://a.test/cb'],
    policyOverrides: {},
    createdAtMs: 1,
  })
  s.ensureUser('ada', 1)
  const grant = s.createGrant({ id: 'g1', login: 'ada', clientId: 'c1', createdAtMs: 1 })
  const family = s.createFamily({
    id: 'f1',
    grantId: grant.id,
    login: 'ada',
    clientId: 'c1',
    scope: 'read',
    createdAtMs: 1,
    hasRefreshToken: true,
  })
  s.createToken({
    value: 'rt1',
    kind: 'refresh',
    familyId: family.id,
    login: 'ada',
    clientId: 'c1',
    scope: 'read',
    issuedAtMs: 1,
    expiresAtMs: null,
  })
  s.createCode({
    value: 'code1',
    clientId: 'c1',
    login: 'ada',
    redirectUri: 'https://a.test/cb',
    redirectUriIncluded: true,
    scope: 'read',
    codeChallenge: 'x',
    query: { prompt: 'consent' },
    issuedAtMs: 1,
    expiresAtMs: 2,
  })
}

describe('provider store', () => {
  test('indexes find what the database holds', () => {
    const s = store()
    seed(s)
    expect(s.getClient('c1')?.clientSecret).toBe('s1')
    expect(s.getGrant('ada', 'c1')?.id).toBe('g1')
    expect(s.getFamily('f1')?.currentRefreshToken).toBeNull()
    expect(s.familiesOf('ada', 'c1').map((f) => f.id)).toEqual(['f1'])
    expect(s.familiesOfClient('c1').map((f) => f.id)).toEqual(['f1'])
    expect(s.getToken('rt1')?.kind).toBe('refresh')
    expect(JSON.parse(s.getCode('code1')?.queryJson ?? '')).toEqual({ prompt: 'consent' })
    expect(s.db.token.count()).toBe(1)
    expect(s.db.family.findFirst({ where: { id: { equals: 'f1' } } })).toBe(s.getFamily('f1'))
  })

  test('patches are visible both through the indexes and through database queries', () => {
    const s = store()
    seed(s)
    s.patchFamily('f1', { lastRefreshAtMs: 50, currentRefreshToken: 'rt1' })
    s.patchToken('rt1', { retiredAtMs: 60 })
    s.patchCode('code1', { usedAtMs: 1, familyId: 'f1' })
    s.patchClient('c1', { clientSecret: 's2' })
    expect(s.getFamily('f1')).toMatchObject({ lastRefreshAtMs: 50, currentRefreshToken: 'rt1' })
    expect(s.db.family.findFirst({ where: { lastRefreshAtMs: { equals: 50 } } })?.id).toBe('f1')
    expect(s.db.token.findFirst({ where: { retiredAtMs: { equals: 60 } } })?.value).toBe('rt1')
    expect(s.db.code.findFirst({ where: { familyId: { equals: 'f1' } } })?.value).toBe('code1')
    expect(s.db.client.findFirst({ where: { clientSecret: { equals: 's2' } } })?.clientId).toBe('c1')
    expect(s.getClient('c1')?.clientSecret).toBe('s2')
  })

  test('deletes remove the record from the database and every index', () => {
    const s = store()
    seed(s)
    s.createFamily({
      id: 'f2',
      grantId: 'g1',
      login: 'ada',
      clientId: 'c1',
      scope: 'read',
      createdAtMs: 2,
      hasRefreshToken: false,
    })
    expect(s.deleteFamily('f1')).toBe(true)
    expect(s.deleteFamily('f1')).toBe(false)
    expect(s.getFamily('f1')).toBeUndefined()
    expect(s.familiesOf('ada', 'c1').map((f) => f.id)).toEqual(['f2'])
    expect(s.familiesOfClient('c1').map((f) => f.id)).toEqual(['f2'])
    expect(s.db.family.count()).toBe(1)
    expect(s.deleteToken('rt1')).toBe(true)
    expect(s.getToken('rt1')).toBeUndefined()
    expect(s.db.token.count()).toBe(0)
    expect(s.deleteCode('code1')).toBe(true)
    expect(s.getCode('code1')).toBeUndefined()
    expect(s.deleteClient('c1')).toBe(true)
    expect(s.getClient('c1')).toBeUndefined()
    expect(s.db.client.count()).toBe(0)
    // A deleted key can be created again.
    s.createToken({
      value: 'rt1',
      kind: 'access',
      familyId: 'f2',
      login: 'ada',
      clientId: 'c1',
      scope: '',
      issuedAtMs: 3,
      expiresAtMs: 4,
    })
    expect(s.getToken('rt1')?.kind).toBe('access')
  })

  test('reset empties database, indexes, ledger and answers, and restores the default policy', () => {
    const s = store()
    seed(s)
    s.approve('site')
    s.setConsentAnswer('ada', { kind: 'deny_redirect', error: 'access_denied' })
    s.setDefaultPolicy({ rotation: false })
    s.appendLedger({ type: 'secret_rotated', atMs: 1, clientId: 'c1' })
    s.reset()
    expect(s.getClient('c1')).toBeUndefined()
    expect(s.getUser('ada')).toBeUndefined()
    expect(s.getGrant('ada', 'c1')).toBeUndefined()
    expect(s.getFamily('f1')).toBeUndefined()
    expect(s.familiesOf('ada', 'c1')).toEqual([])
    expect(s.getToken('rt1')).toBeUndefined()
    expect(s.getCode('code1')).toBeUndefined()
    expect(s.approvals().size).toBe(0)
    expect(s.consentAnswer('ada')).toBeUndefined()
    expect(s.ledger()).toEqual([])
    expect(s.defaultPolicy()).toEqual(BASELINE_DEFAULT_POLICY)
    for (const model of ['client', 'user', 'grant', 'family', 'token', 'code', 'approval'] as const) {
      expect(s.db[model].count()).toBe(0)
    }
    seed(s)
    expect(s.getFamily('f1')).toBeDefined()
  })

  test('client policy = default overlaid with the client overrides, field by field', () => {
    const s = store()
    seed(s)
    s.setClientPolicyOverrides('c1', { rotation: false, refreshIdleTtlMs: null })
    s.setDefaultPolicy({ rotation: true, reuseLeewayMs: 1000, refreshIdleTtlMs: 5 })
    expect(s.policyFor('c1')).toMatchObject({ rotation: false, refreshIdleTtlMs: null, reuseLeewayMs: 1000 })
    expect(s.policyFor('unknown')).toMatchObject({ rotation: true, refreshIdleTtlMs: 5 })
    expect(JSON.parse(s.getClient('c1')?.policyJson ?? '')).toEqual({
      rotation: false,
      refreshIdleTtlMs: null,
    })
  })

  test('ledger events and approvals handed out are copies', () => {
    const s = store()
    s.appendLedger({ type: 'secret_rotated', atMs: 1, clientId: 'c1' })
    s.ledger().pop()
    expect(s.ledger()).toHaveLength(1)
    expect(Object.isFrozen(s.ledger()[0])).toBe(true)
    s.approve('a')
    ;(s.approvals() as Set<string>).add('b')
    expect([...s.approvals()]).toEqual(['a'])
  })

  test('the ledger is a ring of ledgerSize events, oldest first', () => {
    const s = createProviderStore({ defaultPolicy: { ...BASELINE_DEFAULT_POLICY }, ledgerSize: 3 })
    expect(s.ledgerCapacity).toBe(3)
    for (let i = 1; i <= 5; i++) s.appendLedger({ type: 'secret_rotated', atMs: i, clientId: 'c1' })
    expect(s.ledger().map((e) => e.atMs)).toEqual([3, 4, 5])
    s.appendLedger({ type: 'secret_rotated', atMs: 6, clientId: 'c1' })
    expect(s.ledger().map((e) => e.atMs)).toEqual([4, 5, 6])
    s.reset()
    expect(s.ledger()).toEqual([])
    expect(() =>
      createProviderStore({ defaultPolicy: { ...BASELINE_DEFAULT_POLICY }, ledgerSize: 0 }),
    ).toThrow(RangeError)
  })

  test('records live once, in @mswjs/data: what the store hands out is what its queries find', () => {
    const s = store()
    seed(s)
    expect(s.db.token.findFirst({ where: { value: { equals: 'rt1' } } })).toBe(s.getToken('rt1'))
    expect(s.db.grant.findFirst({ where: { login: { equals: 'ada' } } })).toBe(s.getGrant('ada', 'c1'))
    expect(s.db.code.findFirst({ where: { value: { equals: 'code1' } } })).toBe(s.getCode('code1'))
    expect(s.db.user.findFirst({ where: { login: { equals: 'ada' } } })).toBe(s.getUser('ada'))
    expect(s.tokensOf('f1', 'refresh').map((t) => t.value)).toEqual(['rt1'])
    expect(s.oldestToken('f1', 'refresh')?.value).toBe('rt1')
    expect(s.tokenCount('f1', 'access')).toBe(0)
    expect(() =>
      s.createToken({
        value: 'rt1',
        kind: 'refresh',
        familyId: 'f1',
        login: 'ada',
        clientId: 'c1',
        scope: '',
        issuedAtMs: 2,
        expiresAtMs: null,
      }),
    ).toThrow(/same primary key/)
    s.approve('site')
    expect(s.db.approval.count()).toBe(1)
    s.unapprove('site')
    expect(s.db.approval.count()).toBe(0)
  })

  test('hot lookups stay fast with many records', () => {
    const s = store()
    seed(s)
    for (let i = 0; i < 5000; i++) {
      s.createToken({
        value: `at${i}`,
        kind: 'access',
        familyId: 'f1',
        login: 'ada',
        clientId: 'c1',
        scope: '',
        issuedAtMs: i,
        expiresAtMs: null,
      })
    }
    for (let i = 0; i < 5000; i++) s.patchToken(`at${i}`, { revokedAtMs: i })
    expect(s.getToken('at4999')?.revokedAtMs).toBe(4999)
  })
})

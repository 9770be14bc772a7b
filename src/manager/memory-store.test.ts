import { describe, expect, it } from 'vitest'
import type { StoredCredential } from './contract.ts'
import { createMemoryCredentialStore } from './memory-store.ts'

const cred = (accessToken: string, refreshToken?: string): StoredCredential => ({
  accessToken,
  ...(refreshToken === undefined ? {} : { refreshToken }),
  scopes: ['read'],
  extras: { token_type: 'Bearer' },
  obtainedAt: 1,
})

describe('createMemoryCredentialStore', () => {
  it('reads absent keys as undefined and creates only with expectedVersion 0', async () => {
    const store = createMemoryCredentialStore()
    expect(await store.get('k')).toBeUndefined()
    expect(await store.compareAndSet('k', 1, cred('a'))).toBe(false)
    expect(await store.compareAndSet('k', 0, cred('a'))).toBe(true)
    expect(await store.get('k')).toEqual({ credential: cred('a'), version: 1 })
    expect(await store.compareAndSet('k', 0, cred('b'))).toBe(false)
  })

  it('writes only on the expected version, and every write takes a new version', async () => {
    const store = createMemoryCredentialStore()
    await store.compareAndSet('k', 0, cred('a', 'r1'))
    expect(await store.compareAndSet('k', 1, cred('b', 'r2'))).toBe(true)
    // A stale writer that read version 1 cannot put r1 back.
    expect(await store.compareAndSet('k', 1, cred('a', 'r1'))).toBe(false)
    expect(await store.get('k')).toEqual({ credential: cred('b', 'r2'), version: 2 })
  })

  it('deletes with undefined, and a re-created key never repeats an old version (no ABA)', async () => {
    const store = createMemoryCredentialStore()
    await store.compareAndSet('k', 0, cred('a'))
    expect(await store.compareAndSet('k', 1, undefined)).toBe(true)
    expect(await store.get('k')).toBeUndefined()
    expect(await store.keys()).toEqual([])
    expect(await store.compareAndSet('k', 0, cred('b'))).toBe(true)
    const recreated = await store.get('k')
    expect(recreated?.version).toBeGreaterThan(1)
    expect(await store.compareAndSet('k', 1, cred('stale'))).toBe(false)
  })

  it('deleting an absent key is a successful no-op; deleting with a stale version fails', async () => {
    const store = createMemoryCredentialStore()
    expect(await store.compareAndSet('k', 0, undefined)).toBe(true)
    await store.compareAndSet('k', 0, cred('a'))
    expect(await store.compareAndSet('k', 7, undefined)).toBe(false)
    expect(await store.get('k')).toBeDefined()
  })

  it('copies values in and out', async () => {
    const store = createMemoryCredentialStore()
    const input = cred('a')
    await store.compareAndSet('k', 0, input)
    input.accessToken = 'mutated'
    input.scopes?.push('write')
    const out = await store.get('k')
    expect(out?.credential.accessToken).toBe('a')
    expect(out?.credential.scopes).toEqual(['read'])
    if (out?.credential.extras) out.credential.extras['token_type'] = 'mutated'
    expect((await store.get('k'))?.credential.extras).toEqual({ token_type: 'Bearer' })
  })

  it('copies what is not plain data as structuredClone does, and refuses what it refuses', async () => {
    const store = createMemoryCredentialStore()
    // A manager may keep more than the contract names: a Date, a Map, a cycle.
    const odd = { ...cred('a'), at: new Date(5), seen: new Map([['x', 1]]) } as StoredCredential & {
      at: Date
      seen: Map<string, number>
      self?: unknown
    }
    odd.self = odd
    await store.compareAndSet('k', 0, odd)
    const out = (await store.get('k'))?.credential as typeof odd
    expect(out.at).toBeInstanceOf(Date)
    expect(out.at.getTime()).toBe(5)
    expect(out.seen.get('x')).toBe(1)
    expect(out.self).toBe(out)
    expect(out).not.toBe(odd)
    const withFunction = { ...cred('b'), f: () => 1 } as StoredCredential
    await expect(store.compareAndSet('j', 0, withFunction)).rejects.toThrow(/could not be cloned/)
  })

  it('keeps keys independent', async () => {
    const store = createMemoryCredentialStore()
    await store.compareAndSet('a', 0, cred('1'))
    await store.compareAndSet('b', 0, cred('2'))
    await store.compareAndSet('a', 1, undefined)
    expect(await store.keys()).toEqual(['b'])
    expect((await store.get('b'))?.credential.accessToken).toBe('2')
  })
})

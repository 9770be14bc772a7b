import { describe, expect, it } from 'vitest'
import { createManager as reference } from '../manager/reference-manager.ts'
import { createWorld } from './world.ts'

describe('other_devices', () => {
  it("counts against Google's 100 live tokens while the teammate's grant stays the product's", async () => {
    const world = createWorld({
      org: { teammates: ['ada'], packs: [{ id: 'g', provider: 'google', setup: 'central' }] },
      createManager: reference,
    })
    await world.apply({ type: 'connect', teammate: 'ada', pack: 'g' })
    const mine = world.grantTruth('ada', 'g')
    expect(mine.status).toBe('alive')
    const within = await world.apply({ type: 'other_devices', teammate: 'ada', pack: 'g', count: 99 })
    // 99 code exchanges at the source, none through the manager's processes.
    expect(within.requests.filter((r) => r.endpoint === 'token')).toHaveLength(99)
    expect(within.io).toBeUndefined()
    expect(within.truthAfter).toEqual(mine)
    const over = await world.apply({ type: 'other_devices', teammate: 'ada', pack: 'g', count: 1 })
    expect(over.truthAfter).toMatchObject({ status: 'ended', cause: 'evicted' })
    if (mine.status === 'alive') expect(over.truthAfter).toMatchObject({ familyId: mine.familyId })
    await world.close()
  })

  it('says so when the source refuses the other device (a Jira site not approved yet)', async () => {
    const world = createWorld({
      org: {
        teammates: ['ada'],
        packs: [{ id: 'j', provider: 'jira', setup: 'central', approvalRequired: true }],
      },
      createManager: reference,
    })
    await expect(
      world.apply({ type: 'other_devices', teammate: 'ada', pack: 'j', count: 2 }),
    ).rejects.toThrow(
      /other_devices\(ada@j\): the source refused sign-in number 1 on another device \(authorize answered 403\)/,
    )
    await world.close()
  })
})

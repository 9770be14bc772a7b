/** The shared pack-option reader: one set per provider, every kind of value, and cross-field checks. */
import { describe, expect, it } from 'vitest'
import {
  definePackOptions,
  PackOptionError,
  packOptionProblem,
  readPackOptions,
} from './pack-option-parsing.ts'
import { defineQuirks } from './quirk.ts'

const quirks = defineQuirks([
  {
    id: 'baseline.session',
    provider: 'baseline',
    summary: 'a session timeout',
    departsFrom: 'test',
    source: 'test',
    kind: 'option',
    option: { name: 'session', values: ['15', '60'], default: '60', why: 'test', type: { kind: 'number' } },
  },
  {
    id: 'baseline.reauth',
    provider: 'baseline',
    summary: 'a reauth period',
    departsFrom: 'test',
    source: 'test',
    kind: 'option',
    option: {
      name: 'reauthHours',
      values: ['0', '1..24'],
      default: '0',
      why: 'test',
      type: { kind: 'integer', min: 0, max: 24, note: '0: off' },
    },
  },
  {
    id: 'baseline.policy',
    provider: 'baseline',
    summary: 'a templated policy',
    departsFrom: 'test',
    source: 'test',
    kind: 'option',
    option: {
      name: 'policy',
      values: ['infinite', 'after:<N>'],
      default: 'infinite',
      why: 'test',
      type: {
        kind: 'template',
        pattern: /^(infinite|after:[1-9]\d*)$/,
        expected: 'infinite or after:<N> with N >= 1',
      },
    },
  },
  {
    id: 'baseline.unticked',
    provider: 'baseline',
    summary: 'a scope list',
    departsFrom: 'test',
    source: 'test',
    kind: 'option',
    option: {
      name: 'unticked',
      values: ['', '<scopes>'],
      default: '',
      why: 'test',
      type: { kind: 'list', of: 'scopes', refused: { items: ['openid'], why: 'sign-in scopes stay' } },
    },
  },
  {
    id: 'baseline.rotation',
    provider: 'baseline',
    summary: 'a flag',
    departsFrom: 'test',
    source: 'test',
    kind: 'option',
    option: { name: 'rotation', values: ['false', 'true'], default: 'false', why: 'test' },
  },
  {
    id: 'baseline.elsewhere',
    provider: 'baseline',
    summary: 'chosen by an event',
    departsFrom: 'test',
    source: 'test',
    kind: 'option',
    option: {
      name: 'installed',
      values: ['true', 'false'],
      default: 'true',
      why: 'test',
      chosenBy: 'an event',
    },
  },
])

const set = definePackOptions('baseline', quirks, {
  extra: [{ name: 'gate', values: ['install', 'users'], default: 'install', why: 'which gate' }],
  extraKeys: ['deployment'],
  requires: [
    {
      when: ['gate'],
      needs: { key: 'approvalRequired', value: true },
      why: 'it names the gate approvalRequired closes',
    },
    { when: ['reauthHours'], needs: { key: 'rotation', value: true }, why: 'reauth needs a rotating grant' },
  ],
})

const refusal = (options: Record<string, string | number | boolean>, approvalRequired = false): string => {
  try {
    readPackOptions(set, options, { approvalRequired })
  } catch (error) {
    expect(error).toBeInstanceOf(PackOptionError)
    return (error as Error).message
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`)
}

describe('definePackOptions', () => {
  it('takes the quirk options but those chosen elsewhere, then the extra ones', () => {
    expect(set.options.map((o) => o.name)).toEqual([
      'session',
      'reauthHours',
      'policy',
      'unticked',
      'rotation',
      'gate',
    ])
    expect(set.options.find((o) => o.name === 'session')?.quirk).toBe('baseline.session')
    expect(set.options.find((o) => o.name === 'gate')?.quirk).toBeUndefined()
  })

  it('refuses a requirement that names no pack option, and an option defined twice', () => {
    expect(() =>
      definePackOptions('baseline', quirks, {
        requires: [{ when: ['sesion'], needs: { key: 'rotation', value: true }, why: '' }],
      }),
    ).toThrow(/"sesion", which is no pack option/)
    expect(() =>
      definePackOptions('baseline', quirks, { extra: [{ name: 'rotation', values: ['a'], default: 'a' }] }),
    ).toThrow(/rotation is defined twice/)
  })
})

describe('readPackOptions', () => {
  it('reads every kind of value once checked', () => {
    const options = readPackOptions(
      set,
      {
        session: 15,
        reauthHours: 24,
        policy: 'after:30',
        unticked: 'calendar  gmail',
        rotation: true,
        gate: 'users',
      },
      { approvalRequired: true },
    )
    expect(options.number('session')).toBe(15)
    expect(options.number('reauthHours')).toBe(24)
    expect(options.text('policy')).toBe('after:30')
    expect(options.list('unticked')).toEqual(['calendar', 'gmail'])
    expect(options.flag('rotation')).toBe(true)
    expect(options.choice('gate')).toBe('users')
    expect(readPackOptions(set, {}).number('session')).toBeUndefined()
  })

  it('refuses a number that is no number, or not one of the values', () => {
    expect(refusal({ session: '15' })).toBe(
      'baseline: options.session must be one of 15, 60 (a number), got "15"',
    )
    expect(refusal({ session: 30 })).toBe(
      'baseline: options.session must be one of 15, 60 (a number), got 30',
    )
  })

  it('refuses an integer out of its range, or not whole', () => {
    const range = 'baseline: options.reauthHours must be an integer from 0 to 24 (0: off)'
    expect(refusal({ reauthHours: 25, rotation: true })).toBe(`${range}, got 25`)
    expect(refusal({ reauthHours: -1, rotation: true })).toBe(`${range}, got -1`)
    expect(refusal({ reauthHours: 1.5, rotation: true })).toBe(`${range}, got 1.5`)
    expect(refusal({ reauthHours: 'eight', rotation: true })).toBe(`${range}, got "eight"`)
  })

  it('refuses text that does not fit the template', () => {
    expect(refusal({ policy: 'after:0' })).toBe(
      'baseline: options.policy must be infinite or after:<N> with N >= 1, got "after:0"',
    )
  })

  it('refuses a list that is no text, or holds a refused item', () => {
    expect(refusal({ unticked: 3 })).toBe(
      'baseline: options.unticked must be a space-separated string of scopes, got 3',
    )
    expect(refusal({ unticked: 'calendar openid' })).toBe(
      'baseline: options.unticked may not hold "openid": sign-in scopes stay',
    )
  })

  it('refuses a failing cross-field check, on another option or on the pack', () => {
    expect(refusal({ reauthHours: 8 })).toBe(
      'baseline: options.reauthHours needs rotation: true (reauth needs a rotating grant)',
    )
    expect(refusal({ reauthHours: 8, rotation: false })).toMatch(/reauthHours needs rotation: true/)
    expect(refusal({ gate: 'install' })).toBe(
      'baseline: options.gate needs approvalRequired: true (it names the gate approvalRequired closes)',
    )
    expect(() => readPackOptions(set, { gate: 'install' }, { approvalRequired: true })).not.toThrow()
  })

  it('refuses an unknown key (an option chosen elsewhere included), naming the known ones; extra keys pass', () => {
    expect(refusal({ installed: false })).toBe(
      'baseline: unknown pack option "installed" (known: session, reauthHours, policy, unticked, rotation, gate, deployment)',
    )
    expect(packOptionProblem(set, { deployment: 'anything' })).toBeUndefined()
    expect(refusal({ rotation: 'true' })).toBe('baseline: options.rotation must be true or false, got "true"')
    expect(refusal({ gate: 'nobody' }, true)).toBe(
      'baseline: options.gate must be one of "install", "users", got "nobody"',
    )
  })
})

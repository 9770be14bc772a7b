import fc from 'fast-check'
import { DAY_MS } from '../clock.ts'
import type { Fault } from '../../mocks/types.ts'
import type { TimelineEvent } from '../world/types.ts'
import type { ProviderProfile } from './profile-types.ts'

/**
 * Trouble that is the source's and passes: 5xx, 429 with Retry-After, a reset connection, latency.
 * Scheduled on the token endpoint or the API; consumed by the next requests that reach it.
 */
export function transientFault(pack: fc.Arbitrary<string>): fc.Arbitrary<TimelineEvent> {
  const fault: fc.Arbitrary<Fault> = fc.oneof(
    fc.record({ kind: fc.constant('http_error' as const), status: fc.constantFrom(500, 502, 503, 504) }),
    fc.record({
      kind: fc.constant('http_error' as const),
      status: fc.constant(429),
      retryAfterSeconds: fc.constantFrom(1, 30, 120),
    }),
    fc.record({ kind: fc.constant('connection_reset' as const) }),
    fc.record({ kind: fc.constant('latency' as const), ms: fc.constantFrom(200, 5000, 30_000) }),
  )
  return fc.record({
    type: fc.constant('fault' as const),
    pack,
    endpoint: fc.constantFrom('token' as const, 'api' as const),
    fault,
    times: fc.integer({ min: 1, max: 4 }),
  })
}

/**
 * Answers lost to the world after the source acted: commit-then-drop (the source rotates, the answer
 * never arrives) and a refresh answer without its refresh_token (seen on Atlassian).
 */
export function lostAnswerFault(pack: fc.Arbitrary<string>): fc.Arbitrary<TimelineEvent> {
  return fc.record({
    type: fc.constant('fault' as const),
    pack,
    endpoint: fc.constant('token' as const),
    fault: fc.constantFrom<Fault>({ kind: 'commit_then_drop' }, { kind: 'omit_refresh_token' }),
    times: fc.integer({ min: 1, max: 2 }),
  })
}

/**
 * Concurrency and process trouble: several agents at once (on one or two manager processes, which
 * share the credential store), sometimes with a process crashing mid-way; a restart between steps;
 * the credential store refusing writes.
 */
export function processTrouble(
  teammate: fc.Arbitrary<string>,
  pack: fc.Arbitrary<string>,
): fc.Arbitrary<TimelineEvent> {
  const instance = fc.integer({ min: 0, max: 1 })
  const crash = fc.record({ instance, atIo: fc.integer({ min: 1, max: 12 }) })
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc
        .record({
          runs: fc.array(fc.record({ teammate, pack, instance }), { minLength: 2, maxLength: 3 }),
          crash: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: crash }),
        })
        .map(
          ({ runs, crash }): TimelineEvent => ({
            type: 'concurrent_runs',
            runs,
            ...(crash === undefined ? {} : { crash: crash.instance, crashAtIo: crash.atIo }),
          }),
        ),
    },
    { weight: 1, arbitrary: fc.constant<TimelineEvent>({ type: 'restart_manager' }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('store_fault' as const),
        failures: fc.integer({ min: 1, max: 3 }),
        afterWrites: fc.integer({ min: 0, max: 2 }),
      }),
    },
  )
}

/**
 * A revocation in the source, for profiles whose grants mostly end by policy before a plain
 * revocation gets judged: extra weight keeps revocation-prompts exercised in every default run.
 */
export function revokeEvent(teammates: readonly string[], pack: string): fc.Arbitrary<TimelineEvent> {
  return fc.record({
    type: fc.constant('revoke' as const),
    teammate: fc.constantFrom(...teammates),
    pack: fc.constant(pack),
    by: fc.constantFrom('user' as const, 'admin' as const),
  })
}

/**
 * A client-secret rotation in the source, for profiles where custom apps (the only ones with a secret
 * to rotate) are a minority of packs: extra weight keeps secret-mismatch-is-admin at 30+ checks.
 */
export function secretRotationEvent(pack: string): fc.Arbitrary<TimelineEvent> {
  return fc.record({ type: fc.constant('rotate_secret' as const), pack: fc.constant(pack) })
}

/**
 * Timeline events drawn from the profile's cast. Runs and jumps in time dominate, as they do in real
 * life; the disruptive events (revoke, rotate, clear) are rarer so that their aftermath gets explored.
 */
export function eventArbitrary(profile: ProviderProfile): fc.Arbitrary<TimelineEvent> {
  const teammate = fc.constantFrom(...profile.teammates)
  const pack = fc.constantFrom(...profile.packIds)
  const duration = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...profile.durationsMs) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 120 * DAY_MS }) },
  )
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ type: fc.constant('run' as const), teammate, pack }) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant('advance' as const), ms: duration }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('connect' as const), teammate, pack }) },
    // Revocations, secret rotations and resets weigh 2 (not 1) so that revocation-prompts,
    // secret-mismatch-is-admin and admin-reset reach 30 checks per provider at the default run count.
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('revoke' as const),
        teammate,
        pack,
        by: fc.constantFrom('user' as const, 'admin' as const),
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('rotate_secret' as const), pack }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('update_secret' as const), pack }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('clear_credentials' as const), teammate, pack }) },
    { weight: 1, arbitrary: transientFault(pack) },
    { weight: 1, arbitrary: lostAnswerFault(pack) },
    { weight: 2, arbitrary: processTrouble(teammate, pack) },
    ...(profile.extraEvents ?? []),
  )
}

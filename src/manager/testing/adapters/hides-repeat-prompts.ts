/**
 * Test adapter: the reference manager, except that it hides a prompt that comes back. When the stored
 * credential was cleared right after this process's own run of that teammate (no other call between,
 * no time passed: a product that forgets after every run) a second time in a row, the next prompt is answered as `retry_later` ("probably a hiccup") instead
 * of `connect_required`. Triage then sees one prompt that Connect resolved, not prompts on every run,
 * so it says no action where the table says the admin: only triage-matches-table's "prompted every
 * time" row catches it. An admin clear in the console (a separate step) is left alone, so the
 * generated timelines, which never have such a product, see the reference manager.
 */
import type { CreateManager } from '../../contract.ts'
import { createReferenceManager } from '../../reference-manager.ts'

/** A clear that follows a run of the same pair with nothing in between is "the product forgot". */
const FORGETS_TO_HIDE = 2

export const createManager: CreateManager = (env) => {
  const inner = createReferenceManager(env)
  /** The last call this process answered: a run of this pair at this instant, or anything else. */
  let last: { pair: string; atMs: number } | undefined
  /** Per pair: clears that came right after its own run, in a row (an admin clear elsewhere resets). */
  const forgotten = new Map<string, number>()
  const key = (teammate: string, pack: string) => `${pack}\u0000${teammate}`
  return {
    async run(teammate, pack, callApi) {
      const pair = key(teammate, pack)
      const outcome = await inner.run(teammate, pack, callApi)
      last = { pair, atMs: env.clock.now() }
      if (outcome.kind === 'connect_required' && (forgotten.get(pair) ?? 0) >= FORGETS_TO_HIDE)
        return { kind: 'retry_later', reason: 'credentials briefly unavailable' }
      return outcome
    },
    async beginConnect(teammate, pack) {
      last = undefined
      return inner.beginConnect(teammate, pack)
    },
    async completeConnect(teammate, pack, callbackUrl) {
      last = undefined
      return inner.completeConnect(teammate, pack, callbackUrl)
    },
    async clearCredentials(teammate, pack) {
      const pair = key(teammate, pack)
      const rightAfterRun = last?.pair === pair && last.atMs === env.clock.now()
      forgotten.set(pair, rightAfterRun ? (forgotten.get(pair) ?? 0) + 1 : 0)
      last = undefined
      return inner.clearCredentials(teammate, pack)
    },
    async updateClientSecret(pack, secret) {
      last = undefined
      return inner.updateClientSecret(pack, secret)
    },
  }
}

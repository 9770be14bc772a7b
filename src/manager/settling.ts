/**
 * A manager in another process runs in real time: when the world's scheduler picks the next IO point,
 * an out-of-process run may still be on its way to one (its HTTP request not yet arrived). A
 * CreateManager that can tell when its process has nothing in motion registers `settled` here; the
 * interleaving explorer awaits it before every decision, so the set of pending IO points, and
 * therefore the schedule, is the world's, not the order in which bytes happened to arrive.
 */
import type { CreateManager } from './contract.ts'

const registry = new WeakMap<CreateManager, (silenceMs?: number) => Promise<void>>()

export function registerSettled(
  create: CreateManager,
  settled: (silenceMs?: number) => Promise<void>,
): CreateManager {
  registry.set(create, settled)
  return create
}

/** How to wait until `create`'s manager has nothing in motion; undefined for an in-process manager. */
export function settledOf(create: CreateManager): ((silenceMs?: number) => Promise<void>) | undefined {
  return registry.get(create)
}

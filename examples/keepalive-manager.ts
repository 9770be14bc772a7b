/**
 * The reference manager with a daily keep-alive on the background hook (docs/ADAPTER.md, "Background
 * work"): every 24 hours of virtual time it runs, for every teammate it connected, a run whose agent
 * call needs nothing, so an expired access token is refreshed and the source's idle timer reset
 * (Atlassian ends refresh tokens unused for 90 days). `--manager examples/keepalive-manager.ts`;
 * scenarios/library/jira-90-day-idle-keepalive.yaml shows the difference it makes.
 */
import type { CreateManager } from '../src/manager/contract.ts'
import { createManager as reference } from '../src/manager/reference-manager.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export const createManager: CreateManager = (env) => {
  const manager = reference(env)
  // Who this instance connected: the keep-alive refreshes only grants it holds.
  const connected = new Set<string>()
  return {
    ...manager,
    completeConnect: async (teammate, pack, callbackUrl) => {
      const outcome = await manager.completeConnect(teammate, pack, callbackUrl)
      if (outcome.kind === 'ok') connected.add(`${teammate}\u0000${pack}`)
      return outcome
    },
    clearCredentials: async (teammate, pack) => {
      connected.delete(`${teammate}\u0000${pack}`)
      await manager.clearCredentials(teammate, pack)
    },
    background: {
      everyMs: DAY_MS,
      tick: async () => {
        for (const key of connected) {
          const [teammate, pack] = key.split('\u0000') as [string, string]
          await manager.run(teammate, pack, async () => ({ status: 200, headers: {}, body: {} }))
        }
      },
    },
  }
}

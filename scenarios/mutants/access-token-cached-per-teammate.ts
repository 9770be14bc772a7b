import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { defineMutant, methodsOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'access-token-cached-per-teammate',
  title: "A teammate's last access token is tried on every pack",
  change:
    "An in-memory cache keyed by teammate (not by teammate and pack) hands the last access token to the next run whatever its pack; when the other site refuses it, the run falls back to the pack's own credential, so every outcome still looks right.",
  models:
    'rule pack-isolation ("each pack keeps its own credentials"; one pack per Jira site) and connectors.md root cause 3 (stale in-memory credentials: autokitteh/autokitteh#430)',
  targets: ['jira'],
  caughtBy: ['pack-isolation'],
  createManager: (env) => {
    const inner = createReferenceManager(env)
    const last = new Map<string, { pack: string; token: string }>()
    return {
      ...methodsOf(inner),
      async run(teammate, pack, callApi) {
        const cached = last.get(teammate)
        if (cached && cached.pack !== pack) {
          const result = await callApi(cached.token).catch(() => undefined)
          if (result !== undefined && result.status < 400) return { kind: 'ok' }
        }
        return inner.run(teammate, pack, async (token) => {
          last.set(teammate, { pack, token })
          return callApi(token)
        })
      },
    }
  },
})

export const createManager = mutant.createManager

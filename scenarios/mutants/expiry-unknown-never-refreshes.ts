import type { ApiResult, Outcome } from '../../src/manager/contract.ts'
import { outcomeForApiClass } from '../../src/manager/decisions.ts'
import { createReferenceManager, credentialKey } from '../../src/manager/reference-manager.ts'
import { providerClient } from '../../src/providers/index.ts'
import { defineMutant, methodsOf, storeOf } from './mutant.ts'

export const mutant = defineMutant({
  id: 'expiry-unknown-never-refreshes',
  title: 'A token response without expires_in means it never refreshes',
  change:
    'It refreshes only at a known expiry: when the source sent no expires_in, a refused access token ends the run with a reconnect prompt instead of a refresh and one retry.',
  models:
    'connectors.md root cause 4 (Salesforce never sends expires_in: PostHog/posthog#34828, verbb/auth 2.0.43; Zendesk echoes it only when asked: NangoHQ/nango#6775)',
  targets: ['salesforce', 'zendesk'],
  caughtBy: ['silent-refresh', 'long-lived-stays-quiet'],
  createManager: (env) => {
    const store = storeOf(env)
    const inner = createReferenceManager({ ...env, store })
    const packs = new Map(env.packs.map((p) => [p.id, p]))
    return {
      ...methodsOf(inner),
      async run(teammate, packId, callApi): Promise<Outcome> {
        const pack = packs.get(packId)
        const row = await store.get(credentialKey(packId, teammate))
        if (!pack || !row || row.credential.accessTokenExpiresAt !== undefined)
          return inner.run(teammate, packId, callApi)
        // The one change: no expiry, so nothing ever triggers a refresh; a refused token is "expired, reconnect".
        let result: ApiResult
        try {
          result = await callApi(row.credential.accessToken)
        } catch {
          return { kind: 'retry_later', reason: 'the API call failed on the network' }
        }
        const apiClass = providerClient(pack.provider).classifyApiResult(result)
        return apiClass === 'token_rejected'
          ? { kind: 'connect_required', reason: 'grant_expired' }
          : outcomeForApiClass(apiClass, result.status)
      },
    }
  },
})

export const createManager = mutant.createManager

import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { classifyBaselineApiResult } from '../../src/providers/baseline.ts'
import { providerClient } from '../../src/providers/index.ts'
import { createSlackClient } from '../../src/providers/slack.ts'
import { defineMutant } from './mutant.ts'

const apiStatusOnly = createSlackClient({ classifyApiResult: classifyBaselineApiResult })

export const mutant = defineMutant({
  id: 'slack-api-ok-false-read-as-success',
  title: "Slack's API HTTP 200 ok:false read as success",
  change:
    "The API answer is classified by HTTP status only: auth.test's 200 ok:false token_revoked reads as success.",
  models:
    'connectors.md root cause 7 (Slack errors arrive as HTTP 200 ok:false: TundraSoft/tundra-connect wiki)',
  targets: ['slack'],
  caughtBy: ['revocation-prompts'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) => (pack.provider === 'slack' ? apiStatusOnly : providerClient(pack.provider)),
      },
    }),
})

export const createManager = mutant.createManager

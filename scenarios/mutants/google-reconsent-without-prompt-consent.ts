import { createReferenceManager } from '../../src/manager/reference-manager.ts'
import { googleClient } from '../../src/providers/google.ts'
import { providerClient } from '../../src/providers/index.ts'
import type { ProviderClient } from '../../src/providers/types.ts'
import { defineMutant } from './mutant.ts'

/** Sends access_type=offline but not prompt=consent. */
const withoutPromptConsent: ProviderClient = {
  ...googleClient,
  authorizationUrl: (pack, request) => {
    const url = new URL(googleClient.authorizationUrl(pack, request))
    url.searchParams.delete('prompt')
    return url.toString()
  },
}

export const mutant = defineMutant({
  id: 'google-reconsent-without-prompt-consent',
  title: 'Google re-consent without prompt=consent',
  change:
    'The authorization URL drops prompt=consent: a teammate who connects again while Google still holds their earlier grant gets no refresh token, and after an admin reset nothing is left to refresh with.',
  models: 'connectors.md section 4 and root cause 5 (google/site-kit-wp#690, amp-labs/connectors#1168)',
  targets: ['google'],
  caughtBy: ['silent-refresh'],
  createManager: (env) =>
    createReferenceManager(env, {
      parts: {
        providerFor: (pack) =>
          pack.provider === 'google' ? withoutPromptConsent : providerClient(pack.provider),
      },
    }),
})

export const createManager = mutant.createManager

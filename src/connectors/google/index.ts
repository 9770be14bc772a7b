/** The Google connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { createGoogleMockFromInput, googlePackOptions } from '../../../mocks/google/index.ts'
import { googleQuirks } from '../../../mocks/google/quirks.ts'
import { googleClient } from '../../providers/google.ts'
import { googlePaceScenarios, googleProfile } from '../../suite/profiles/google.ts'
import type { ConnectorRecord, UnsupportedSetup } from '../types.ts'

const GOOGLE_UNSUPPORTED: readonly UnsupportedSetup[] = [
  {
    matches: (pack) => pack.options?.['domainWideDelegation'] === true,
    reason: 'Google actions use OAuth user authentication and do not support domain-wide delegation',
    refused: {
      id: 'google-dwd',
      provider: 'google',
      setup: 'central',
      options: { domainWideDelegation: true },
    },
    accepted: { id: 'google-oauth', provider: 'google', setup: 'central' },
    mustSay: /domain-wide delegation/i,
  },
]

export const googleConnector: ConnectorRecord = {
  id: 'google',
  mock: { create: createGoogleMockFromInput, quirks: googleQuirks, options: googlePackOptions },
  client: googleClient,
  profile: googleProfile,
  // Google never rotates refresh tokens.
  rotating: null,
  // Google never rotates: a refresh answer without a refresh token is normal.
  rotation: 'never',
  reuseLeewayMs: null,
  paceScenarios: googlePaceScenarios,
  unsupportedSetups: GOOGLE_UNSUPPORTED,
}

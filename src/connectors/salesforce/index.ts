/** The Salesforce connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { createSalesforceMockFromInput, salesforcePackOptions } from '../../../mocks/salesforce/index.ts'
import { salesforceQuirks } from '../../../mocks/salesforce/quirks.ts'
import { salesforceClient } from '../../providers/salesforce.ts'
import { ROTATING_SETUPS } from '../../suite/interleavings-setups.ts'
import { salesforcePaceScenarios, salesforceProfile } from '../../suite/profiles/salesforce.ts'
import type { ConnectorRecord } from '../types.ts'

export const salesforceConnector: ConnectorRecord = {
  id: 'salesforce',
  mock: { create: createSalesforceMockFromInput, quirks: salesforceQuirks, options: salesforcePackOptions },
  client: salesforceClient,
  profile: salesforceProfile,
  rotating: ROTATING_SETUPS.salesforce,
  // with Refresh Token Rotation a retired refresh token is refused at once.
  rotation: 'no_leeway',
  reuseLeewayMs: null,
  paceScenarios: salesforcePaceScenarios,
  // The source page names no unsupported setup.
  unsupportedSetups: [],
}

/** The Zendesk connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { createZendeskMockFromInput, zendeskPackOptions } from '../../../mocks/zendesk/index.ts'
import { zendeskQuirks } from '../../../mocks/zendesk/quirks.ts'
import { zendeskClient } from '../../providers/zendesk.ts'
import { ROTATING_SETUPS } from '../../suite/interleavings-setups.ts'
import { zendeskDailyScenarios, zendeskProfile } from '../../suite/profiles/zendesk.ts'
import type { ConnectorRecord } from '../types.ts'

export const zendeskConnector: ConnectorRecord = {
  id: 'zendesk',
  mock: { create: createZendeskMockFromInput, quirks: zendeskQuirks, options: zendeskPackOptions },
  client: zendeskClient,
  profile: zendeskProfile,
  rotating: ROTATING_SETUPS.zendesk,
  // each refresh rotates both tokens and the old refresh token is refused.
  rotation: 'no_leeway',
  reuseLeewayMs: null,
  paceScenarios: zendeskDailyScenarios,
  // The source page names no unsupported setup.
  unsupportedSetups: [],
}

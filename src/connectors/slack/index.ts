/** The Slack connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { createSlackMockFromInput, slackPackOptions } from '../../../mocks/slack/index.ts'
import { slackQuirks } from '../../../mocks/slack/quirks.ts'
import { slackClient } from '../../providers/slack.ts'
import { ROTATING_SETUPS } from '../../suite/interleavings-setups.ts'
import { slackProfile } from '../../suite/profiles/slack.ts'
import type { ConnectorRecord, UnsupportedSetup } from '../types.ts'

const SLACK_UNSUPPORTED: readonly UnsupportedSetup[] = [
  {
    matches: (pack) => pack.setup === 'central',
    reason:
      'Slack actions use custom OAuth only: create a Slack app for your workspace and choose the Custom setup',
    refused: { id: 'slack-central', provider: 'slack', setup: 'central' },
    accepted: { id: 'slack-custom', provider: 'slack', setup: 'custom' },
    mustSay: /custom OAuth only/i,
  },
]

export const slackConnector: ConnectorRecord = {
  id: 'slack',
  mock: { create: createSlackMockFromInput, quirks: slackQuirks, options: slackPackOptions },
  client: slackClient,
  profile: slackProfile,
  rotating: ROTATING_SETUPS.slack,
  // token rotation is an opt-in of each Slack app, so the manager learns it per grant.
  rotation: 'unknown',
  reuseLeewayMs: null,
  // Slack refresh tokens have no lifetime: no policy ends a grant on a schedule.
  paceScenarios: [],
  unsupportedSetups: SLACK_UNSUPPORTED,
}

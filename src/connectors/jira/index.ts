/** The Jira connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { MINUTE_MS } from '../../clock.ts'
import { createJiraMockFromInput, jiraPackOptions } from '../../../mocks/jira/index.ts'
import { jiraQuirks } from '../../../mocks/jira/quirks.ts'
import { jiraClient } from '../../providers/jira.ts'
import { ROTATING_SETUPS } from '../../suite/interleavings-setups.ts'
import { jiraPaceScenarios, jiraProfile } from '../../suite/profiles/jira.ts'
import type { ConnectorRecord, UnsupportedSetup } from '../types.ts'

const JIRA_UNSUPPORTED: readonly UnsupportedSetup[] = [
  {
    matches: (pack) => pack.options?.['deployment'] === 'data_center',
    reason:
      'Jira Data Center (on-premises) is not supported for actions; use Jira Cloud or Jira Service Management Cloud',
    refused: { id: 'jira-dc', provider: 'jira', setup: 'custom', options: { deployment: 'data_center' } },
    accepted: { id: 'jira-cloud', provider: 'jira', setup: 'custom', options: { deployment: 'cloud' } },
    mustSay: /Data Center.*not supported/i,
  },
]

export const jiraConnector: ConnectorRecord = {
  id: 'jira',
  mock: { create: createJiraMockFromInput, quirks: jiraQuirks, options: jiraPackOptions },
  client: jiraClient,
  profile: jiraProfile,
  rotating: ROTATING_SETUPS.jira,
  // Atlassian always rotates and honours a retired refresh token for 10 minutes.
  rotation: 'leeway',
  reuseLeewayMs: 10 * MINUTE_MS,
  paceScenarios: jiraPaceScenarios,
  unsupportedSetups: JIRA_UNSUPPORTED,
}

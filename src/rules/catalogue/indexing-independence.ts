import { healthy, OK, withTransient } from '../allowed.ts'
import type { RuleDefinition } from '../types.ts'

export const indexingIndependence: RuleDefinition = {
  id: 'indexing-independence',
  statement:
    "Salesforce action OAuth and the search-indexing connector's OAuth are separate: connecting, disconnecting or revoking one leaves the other alone.",
  source:
    'Troubleshooting page, Salesforce: "Salesforce actions use OAuth for each teammate that\'s separate from the Salesforce connector used for search indexing. Connecting or disconnecting one doesn\'t affect the other."',
  providers: ['salesforce'],
  judge(s) {
    if (s.kind !== 'run' || !s.indexingChangedSinceLastRun || !healthy(s)) return undefined
    return withTransient(s, { allowed: [OK], because: "only the indexing connector's own app changed" })
  },
}

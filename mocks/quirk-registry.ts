import { databricksQuirks } from './databricks/quirks.ts'
import { googleQuirks } from './google/quirks.ts'
import { jiraQuirks } from './jira/quirks.ts'
import type { Quirk } from './quirk.ts'
import { salesforceQuirks } from './salesforce/quirks.ts'
import { slackQuirks } from './slack/quirks.ts'
import { zendeskQuirks } from './zendesk/quirks.ts'

/**
 * Every provider mock's quirks, for `reconnect-lab list`, the fidelity table (docs/FIDELITY.md) and the test that
 * each quirk id has a test named after it. Add a provider's quirks here when its mock lands.
 */
const QUIRKS: readonly (readonly Quirk[])[] = [
  jiraQuirks,
  slackQuirks,
  salesforceQuirks,
  googleQuirks,
  zendeskQuirks,
  databricksQuirks,
]

export function allQuirks(): Quirk[] {
  return QUIRKS.flat()
}

export function quirksOf(provider: string): Quirk[] {
  return allQuirks().filter((q) => q.provider === provider)
}

/** The Databricks connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { createDatabricksMockFromInput, databricksPackOptions } from '../../../mocks/databricks/index.ts'
import { databricksQuirks } from '../../../mocks/databricks/quirks.ts'
import { databricksClient } from '../../providers/databricks.ts'
import { ROTATING_SETUPS } from '../../suite/interleavings-setups.ts'
import { databricksPaceScenarios, databricksProfile } from '../../suite/profiles/databricks.ts'
import type { ConnectorRecord } from '../types.ts'

export const databricksConnector: ConnectorRecord = {
  id: 'databricks',
  mock: { create: createDatabricksMockFromInput, quirks: databricksQuirks, options: databricksPackOptions },
  client: databricksClient,
  profile: databricksProfile,
  rotating: ROTATING_SETUPS.databricks,
  // single-use refresh tokens: presenting a retired one is a reuse.
  rotation: 'no_leeway',
  reuseLeewayMs: null,
  paceScenarios: databricksPaceScenarios,
  // The source page names no unsupported setup.
  unsupportedSetups: [],
}

/** The Baseline connector: its mock, its client dialect and its suite profile, joined (see ../types.ts). */
import { definePackOptions, readPackOptions } from '../../../mocks/pack-option-parsing.ts'
import { createBaselineMock } from '../../../mocks/spec/index.ts'
import { baselineClient } from '../../providers/baseline.ts'
import { baselineProfile, baselineRotating } from '../../suite/profiles/baseline.ts'
import type { ConnectorRecord } from '../types.ts'

const BASELINE_OPTIONS = definePackOptions('baseline', [])

export const baselineConnector: ConnectorRecord = {
  id: 'baseline',
  // The baseline takes no pack options: refuse any, so a typo never silently runs the default.
  mock: {
    create: (input) => {
      readPackOptions(BASELINE_OPTIONS, input.options)
      return createBaselineMock({ ...input, ...input.runtime })
    },
    quirks: [],
    options: BASELINE_OPTIONS,
  },
  client: baselineClient,
  profile: baselineProfile,
  rotating: baselineRotating,
  // the baseline's rotation is a policy the scenario chooses, so the manager learns it per grant.
  rotation: 'unknown',
  reuseLeewayMs: null,
  // its random policies have no documented schedule to restate.
  paceScenarios: [],
  // The source page names no unsupported setup.
  unsupportedSetups: [],
}

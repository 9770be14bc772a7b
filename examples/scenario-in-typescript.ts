/** The docs' defineScenario example: the same shape as a scenario file, typed and checked when loaded. */
import { defineScenario } from 'reconnect-lab'

export const lostRotation = defineScenario({
  id: 'lost-rotation',
  org: {
    teammates: ['alice'],
    packs: [{ id: 'jira', provider: 'baseline', setup: 'custom', policy: { accessTokenTtl: '1h' } }],
  },
  timeline: [
    { at: 'day 1 09:00', connect: 'alice@jira' },
    { at: '+61m', run: 'alice@jira' },
    { at: '+61m', run: 'alice@jira' },
  ],
})

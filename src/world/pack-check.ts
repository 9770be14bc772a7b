/**
 * A pack checked by the source it names, before anything plays: the provider's mock is built with
 * the pack's options and creates the pack's client with its policy, exactly as the world does, so a
 * policy the provider does not allow (Jira's lifetimes are fixed) or an option that is not one of its
 * quirk options is refused at load with the mock's own words, not at play time.
 */
import { ManualClock } from '../clock.ts'
import { createSequentialIds } from '../ids.ts'
import { mockFactoryFor } from './mock-registry.ts'
import type { PackSpec } from './types.ts'

export interface PackProblem {
  /** Which part of the pack the source refused. */
  field: 'options' | 'policy'
  message: string
}

export function packProblem(spec: PackSpec): PackProblem | undefined {
  let mock: ReturnType<ReturnType<typeof mockFactoryFor>>
  try {
    mock = mockFactoryFor(spec.provider)({
      clock: new ManualClock(),
      ids: createSequentialIds(),
      issuer: `http://${spec.id}.${spec.provider}.mock`,
      ...(spec.instance !== undefined ? { instance: spec.instance } : {}),
      ...(spec.options !== undefined ? { options: spec.options } : {}),
      ...(spec.approvalRequired ? { approvalRequired: true } : {}),
    })
  } catch (error) {
    return { field: 'options', message: messageOf(error) }
  }
  if (spec.setup !== 'custom' || !spec.policy) return undefined
  try {
    mock.control.createClient({
      redirectUris: ['https://app.reconnect-lab.test/oauth/callback'],
      policy: spec.policy,
    })
  } catch (error) {
    return { field: 'policy', message: messageOf(error) }
  }
  return undefined
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

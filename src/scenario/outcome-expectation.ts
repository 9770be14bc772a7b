/**
 * What a scenario step must end in, written the way outcomes are printed: `ok`, `connect_required`,
 * `connect_required(grant_expired)`, `blocked`, `blocked(admin)`, `retry_later`, `stuck_at_source`,
 * `crashed`, `manager_error`. Pure parsing and matching, so files and tests agree on the words.
 */
import { CONNECT_REASONS, type ConnectReason } from '../manager/contract.ts'
import type { StepResult } from '../world/types.ts'

export type OutcomeExpectation =
  | { kind: 'ok' | 'retry_later' | 'stuck_at_source' | 'crashed' | 'manager_error' }
  | { kind: 'connect_required'; reason?: ConnectReason }
  | { kind: 'blocked'; contact?: 'admin' | 'support' }

const PLAIN = ['ok', 'retry_later', 'stuck_at_source', 'crashed', 'manager_error'] as const
const KINDS = [...PLAIN, 'connect_required', 'blocked'] as const

/** The expectation, or a message saying what is wrong with the text. */
export function parseOutcomeExpectation(text: string): OutcomeExpectation | string {
  const match = /^([a-z_]+)(?:\(([a-z_]+)\))?$/.exec(text.trim())
  const kind = match?.[1]
  const detail = match?.[2]
  if (!match || !kind || !(KINDS as readonly string[]).includes(kind))
    return `expected an outcome: one of ${KINDS.join(', ')}, optionally with a reason such as connect_required(grant_expired) or blocked(admin); got "${text}"`
  if (kind === 'connect_required') {
    if (detail === undefined) return { kind }
    if ((CONNECT_REASONS as readonly string[]).includes(detail))
      return { kind, reason: detail as ConnectReason }
    return `connect_required takes one of ${CONNECT_REASONS.join(', ')}; got "${detail}"`
  }
  if (kind === 'blocked') {
    if (detail === undefined) return { kind }
    if (detail === 'admin' || detail === 'support') return { kind, contact: detail }
    return `blocked takes admin or support; got "${detail}"`
  }
  if (detail !== undefined) return `${kind} takes no reason; got "${text}"`
  return { kind: kind as (typeof PLAIN)[number] }
}

export function formatOutcomeExpectation(e: OutcomeExpectation): string {
  if (e.kind === 'connect_required' && e.reason) return `connect_required(${e.reason})`
  if (e.kind === 'blocked' && e.contact) return `blocked(${e.contact})`
  return e.kind
}

/** Whether a step's result is what the file expects. */
export function outcomeMatches(expected: OutcomeExpectation, result: StepResult): boolean {
  switch (result.kind) {
    case 'outcome': {
      const o = result.outcome
      if (o.kind !== expected.kind) return false
      if (expected.kind === 'connect_required' && o.kind === 'connect_required')
        return expected.reason === undefined || expected.reason === o.reason
      if (expected.kind === 'blocked' && o.kind === 'blocked')
        return expected.contact === undefined || expected.contact === o.contact
      return true
    }
    case 'none':
      return false
    default:
      return result.kind === expected.kind
  }
}

/**
 * Which token families the manager under test holds: those created by code exchanges that its own
 * processes sent. The source may hold other grants of the same account and OAuth client (the teammate
 * signed in on a phone; Google allows 100 live refresh tokens per account and client), and those must
 * not decide whether the manager's connection is alive: the oracle asks about the manager's grant.
 */
import type { LedgerEvent } from '../../mocks/types.ts'

export class HeldGrants {
  private readonly byTeammate = new Map<string, Set<string>>()

  /** Ledger entries produced by one request of a manager process. */
  observe(ledger: readonly LedgerEvent[]): void {
    for (const e of ledger) {
      if (e.type !== 'code_exchanged') continue
      const key = keyOf(e.login, e.clientId)
      const held = this.byTeammate.get(key) ?? new Set<string>()
      held.add(e.familyId)
      this.byTeammate.set(key, held)
    }
  }

  /** The families the manager obtained for this teammate and client (empty before its first Connect). */
  of(login: string, clientId: string): ReadonlySet<string> {
    return this.byTeammate.get(keyOf(login, clientId)) ?? EMPTY
  }
}

const EMPTY: ReadonlySet<string> = new Set()

const keyOf = (login: string, clientId: string): string => `${login}\u0000${clientId}`

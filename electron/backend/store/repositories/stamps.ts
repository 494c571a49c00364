import type { Database } from 'better-sqlite3';

export interface ReservationRow {
  id: string;
  residentId: string;
  messageId: string | null;
  mutationId: string;
  /** Stamps from the general balance. */
  stamps: number;
  /** Stamps from a prepaid reply holding (usable only for replies to that customer). */
  prepaidStamps: number;
  holdingId: string | null;
  state: 'pending' | 'confirmed' | 'released';
  createdAt: string;
}

export interface HoldingRow {
  id: string;
  residentId: string;
  contactId: string;
  sourceMessageId: string | null;
  stamps: number;
}

export interface LedgerRow {
  id: string;
  residentId: string;
  kind: 'purchase' | 'spend' | 'refund' | 'deposit' | 'fee' | 'adjustment';
  stampsDelta: number;
  centsDelta: number;
  description: string;
  at: string;
}

export function createStampsRepository(db: Database) {
  const confirmed = db.prepare<[string], { confirmed: number }>(
    `SELECT confirmed FROM stamp_balances WHERE resident_id = ?`,
  );
  const setConfirmed = db.prepare(
    `INSERT INTO stamp_balances (resident_id, confirmed, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (resident_id) DO UPDATE SET confirmed = excluded.confirmed,
       updated_at = excluded.updated_at`,
  );
  const reserved = db.prepare<[string], { stamps: number }>(
    `SELECT coalesce(sum(stamps), 0) AS stamps FROM stamp_reservations
      WHERE resident_id = ? AND state = 'pending'`,
  );
  const reserve = db.prepare(
    `INSERT INTO stamp_reservations (id, resident_id, message_id, mutation_id, stamps,
       prepaid_stamps, holding_id, state, created_at)
     VALUES (@id, @residentId, @messageId, @mutationId, @stamps, @prepaidStamps, @holdingId,
       @state, @createdAt)`,
  );
  const pending = db.prepare<[string], ReservationRow>(
    `SELECT id, resident_id AS residentId, message_id AS messageId, mutation_id AS mutationId,
            stamps, prepaid_stamps AS prepaidStamps, holding_id AS holdingId, state,
            created_at AS createdAt
       FROM stamp_reservations WHERE resident_id = ? AND state = 'pending'
      ORDER BY created_at DESC, id DESC`,
  );
  const holdings = db.prepare<[string, string], HoldingRow & { available: number }>(
    `SELECT h.id, h.resident_id AS residentId, h.contact_id AS contactId,
            h.source_message_id AS sourceMessageId, h.stamps,
            h.stamps - coalesce((SELECT sum(r.prepaid_stamps) FROM stamp_reservations r
                                  WHERE r.holding_id = h.id AND r.state = 'pending'), 0)
              AS available
       FROM prepaid_reply_holdings h WHERE h.resident_id = ? AND h.contact_id = ?
      ORDER BY h.id`,
  );
  const putHolding = db.prepare(
    `INSERT INTO prepaid_reply_holdings (id, resident_id, contact_id, source_message_id, stamps,
       updated_at)
     VALUES (@id, @residentId, @contactId, @sourceMessageId, @stamps, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET stamps = excluded.stamps, updated_at = excluded.updated_at`,
  );
  const addLedger = db.prepare(
    `INSERT INTO ledger_entries (id, resident_id, kind, stamps_delta, cents_delta, description, at)
     VALUES (@id, @residentId, @kind, @stampsDelta, @centsDelta, @description, @at)
     ON CONFLICT (id) DO NOTHING`,
  );
  const ledger = db.prepare<[string, number], LedgerRow>(
    `SELECT id, resident_id AS residentId, kind, stamps_delta AS stampsDelta,
            cents_delta AS centsDelta, description, at
       FROM ledger_entries WHERE resident_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
  );

  return {
    confirmed: (residentId: string): number => confirmed.get(residentId)?.confirmed ?? 0,
    setConfirmed(residentId: string, stamps: number, at: string): void {
      setConfirmed.run(residentId, stamps, at);
    },
    /** Stamps from the general balance held by pending local sends. */
    reserved: (residentId: string): number => reserved.get(residentId)?.stamps ?? 0,
    reserve: (reservation: ReservationRow): void => void reserve.run(reservation),
    pendingReservations: (residentId: string): ReservationRow[] => pending.all(residentId),
    /** Holdings for replies to one contact, with what is left after pending reservations. */
    holdingsFor: (residentId: string, contactId: string) => holdings.all(residentId, contactId),
    saveHolding(holding: HoldingRow, updatedAt: string): void {
      putHolding.run({ ...holding, updatedAt });
    },
    addLedgerEntry: (entry: LedgerRow): void => void addLedger.run(entry),
    ledger: (residentId: string, limit: number): LedgerRow[] => ledger.all(residentId, limit),
  };
}

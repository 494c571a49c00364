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

export type PaymentStatus = 'pending' | 'confirmed' | 'refused';

export interface StampHistoryRow {
  id: string;
  residentId: string;
  kind: 'purchase' | 'spend' | 'refund' | 'prepaid_received';
  /** Positive adds stamps, negative spends them. */
  stamps: number;
  status: PaymentStatus;
  messageId: string | null;
  at: string;
}

/**
 * A stamp ledger entry of the central service. `reference` is what it is for, as the ledger
 * names it: a purchase's id, a sent message's id, `<message id>:<item>` for a refund.
 */
export interface ServerStampEntry extends Omit<StampHistoryRow, 'status'> {
  reference: string;
}

export interface StampPurchaseRow {
  id: string;
  residentId: string;
  bundleId: string;
  stamps: number;
  priceCents: number;
  promotionId: string | null;
  paymentKind: 'account' | 'card' | 'cash';
  cardBrand: 'visa' | 'mastercard' | null;
  cardLast4: string | null;
  /** One-way token from the reader; never the card number. */
  cardToken: string | null;
  cashSessionId: string | null;
  status: PaymentStatus;
  createdAt: string;
}

/**
 * Settled stamp history kept per resident: the largest page `stamps.history` returns (100; the
 * stamps screen shows the newest 50 and pages no further). Pending entries are always kept (they
 * settle later), and nothing of the balance is read from history: the confirmed balance comes
 * from the central service and pending spends from reservations.
 */
export const HISTORY_KEPT = 100;

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
  const addHistory = db.prepare(
    `INSERT INTO stamp_history (id, resident_id, kind, stamps, status, message_id, at)
     VALUES (@id, @residentId, @kind, @stamps, @status, @messageId, @at)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status`,
  );
  const historyColumns = `id, resident_id AS residentId, kind, stamps, status,
    message_id AS messageId, at`;
  const historyFirst = db.prepare<[string, number], StampHistoryRow>(
    `SELECT ${historyColumns} FROM stamp_history WHERE resident_id = ?
      ORDER BY at DESC, id DESC LIMIT ?`,
  );
  const historyNext = db.prepare<[string, string, string, number], StampHistoryRow>(
    `SELECT ${historyColumns} FROM stamp_history WHERE resident_id = ? AND (at, id) < (?, ?)
      ORDER BY at DESC, id DESC LIMIT ?`,
  );
  // Older than the resident's HISTORY_KEPT-th newest entry (none when they have fewer).
  const pruneHistory = db.prepare(
    `DELETE FROM stamp_history WHERE resident_id = @residentId AND status <> 'pending'
        AND (at, id) < (SELECT at, id FROM stamp_history WHERE resident_id = @residentId
                         ORDER BY at DESC, id DESC LIMIT 1 OFFSET @kept - 1)`,
  );
  const pruneSettled = db.prepare(
    `DELETE FROM stamp_reservations WHERE state <> 'pending' AND settled_at < ?`,
  );
  const addPurchase = db.prepare(
    `INSERT INTO stamp_purchases (id, resident_id, bundle_id, stamps, price_cents, promotion_id,
       payment_kind, card_brand, card_last4, card_token, cash_session_id, status, created_at)
     VALUES (@id, @residentId, @bundleId, @stamps, @priceCents, @promotionId, @paymentKind,
       @cardBrand, @cardLast4, @cardToken, @cashSessionId, @status, @createdAt)`,
  );
  const pendingAccountSpend = db.prepare<[string], { cents: number }>(
    `SELECT coalesce(sum(price_cents), 0) AS cents FROM stamp_purchases
      WHERE resident_id = ? AND payment_kind = 'account' AND status = 'pending'`,
  );
  const arriving = db.prepare<[string], { stamps: number }>(
    `SELECT coalesce(sum(stamps), 0) AS stamps FROM stamp_purchases
      WHERE resident_id = ? AND status = 'pending'`,
  );
  const spendable = db.prepare<[string], { cents: number }>(
    `SELECT confirmed_cents AS cents FROM spendable_balances WHERE resident_id = ?`,
  );
  const setSpendable = db.prepare(
    `INSERT INTO spendable_balances (resident_id, confirmed_cents, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (resident_id) DO UPDATE SET confirmed_cents = excluded.confirmed_cents,
       updated_at = excluded.updated_at`,
  );
  const applyEntry = db.prepare(
    `INSERT INTO stamp_history (id, resident_id, kind, stamps, status, message_id, at)
     VALUES (@id, @residentId, @kind, @stamps, 'confirmed', @messageId, @at)
     ON CONFLICT (id) DO UPDATE SET status = 'confirmed', stamps = excluded.stamps`,
  );
  // The device's own entry for what a server entry records (written when the resident bought or
  // sent here) is named by the same reference: a purchase by its id, a send by its message.
  // The unary + keeps the resident's index out of the plan: two index probes, not a scan of the
  // resident's history per pulled entry.
  const dropLocalCopies = db.prepare(
    `DELETE FROM stamp_history
      WHERE (id = @reference OR message_id = @reference) AND id <> @id
        AND kind = @kind AND +resident_id = @residentId`,
  );
  const removeEntry = db.prepare(`DELETE FROM stamp_history WHERE id = ?`);
  const settleEntry = db.prepare(
    `UPDATE stamp_history SET status = ? WHERE id = ? AND status = 'pending'`,
  );
  const settleReservations = db.prepare(
    `UPDATE stamp_reservations SET state = ?, settled_at = ?
      WHERE mutation_id = ? AND state = 'pending'`,
  );
  const settlePurchase = db.prepare(
    `UPDATE stamp_purchases SET status = ? WHERE id = ? AND status = 'pending'`,
  );
  const confirmedAt = db.prepare<[string], { at: string }>(
    `SELECT updated_at AS at FROM stamp_balances WHERE resident_id = ?`,
  );

  return {
    confirmed: (residentId: string): number => confirmed.get(residentId)?.confirmed ?? 0,
    setConfirmed(residentId: string, stamps: number, at: string): void {
      setConfirmed.run(residentId, stamps, at);
    },
    /** Stamps bought on this device that the central service has not confirmed yet. */
    arriving: (residentId: string): number => arriving.get(residentId)?.stamps ?? 0,
    /** Stamps from the general balance held by pending local sends. */
    reserved: (residentId: string): number => reserved.get(residentId)?.stamps ?? 0,
    reserve: (reservation: ReservationRow): void => void reserve.run(reservation),
    pendingReservations: (residentId: string): ReservationRow[] => pending.all(residentId),
    /** Holdings for replies to one contact, with what is left after pending reservations. */
    holdingsFor: (residentId: string, contactId: string) => holdings.all(residentId, contactId),
    saveHolding(holding: HoldingRow, updatedAt: string): void {
      putHolding.run({ ...holding, updatedAt });
    },
    confirmedAt: (residentId: string): string | null => confirmedAt.get(residentId)?.at ?? null,
    /** Adds an entry, or updates its status when the id exists (a pending entry settling). */
    recordHistory: (entry: StampHistoryRow): void => void addHistory.run(entry),
    /**
     * A pulled ledger entry: stored confirmed, in place of the device's own pending or settled
     * entry for the same purchase or send, so the history shows it once.
     */
    applyServerEntry({ reference, ...entry }: ServerStampEntry): void {
      applyEntry.run(entry);
      dropLocalCopies.run({
        reference,
        id: entry.id,
        kind: entry.kind,
        residentId: entry.residentId,
      });
    },
    /** A ledger entry the server withdrew. */
    removeEntry: (id: string): void => void removeEntry.run(id),
    /** Settles a pending entry of this device (an entry already settled keeps its status). */
    settleEntry(id: string, status: Exclude<PaymentStatus, 'pending'>): void {
      settleEntry.run(status, id);
    },
    /** Settles the reservations of one mutation: its stamps are spent or free again. */
    settleReservations(mutationId: string, state: 'confirmed' | 'released', at: string): void {
      settleReservations.run(state, at, mutationId);
    },
    settlePurchase(id: string, status: Exclude<PaymentStatus, 'pending'>): void {
      settlePurchase.run(status, id);
    },
    history(residentId: string, limit: number, before?: { at: string; id: string }) {
      return before
        ? historyNext.all(residentId, before.at, before.id, limit)
        : historyFirst.all(residentId, limit);
    },
    /** Deletes the resident's settled history beyond the newest HISTORY_KEPT entries. */
    pruneHistory: (residentId: string): number =>
      pruneHistory.run({ residentId, kept: HISTORY_KEPT }).changes,
    /** Deletes confirmed and released reservations settled before `before` (ISO instant). */
    pruneSettledReservations: (before: string): number => pruneSettled.run(before).changes,
    addPurchase: (purchase: StampPurchaseRow): void => void addPurchase.run(purchase),
    /** Confirmed spendable cents, and cents held by pending purchases paid from the account. */
    spendable: (residentId: string): { confirmed: number; reserved: number } => ({
      confirmed: spendable.get(residentId)?.cents ?? 0,
      reserved: pendingAccountSpend.get(residentId)?.cents ?? 0,
    }),
    setSpendable(residentId: string, cents: number, at: string): void {
      setSpendable.run(residentId, cents, at);
    },
  };
}

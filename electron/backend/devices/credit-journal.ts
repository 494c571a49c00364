import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { BillCredit, JournaledBill } from '../../../hardware/hal';
import type { OrphanCash, StackedCash } from '../ports';

type BillState = JournaledBill['state'] | 'credited' | 'returned' | 'uncertain';

interface BillRow {
  billId: string;
  cashSessionId: string;
  device: string;
  cents: number;
  currency: string;
  state: BillState;
}

/**
 * The cash journal (WAL + synchronous=FULL): every bill with its cash session, device, value
 * and state, written at escrow, before stacking and at the credit; and the credits, one per bill
 * (the bill id is the credit id and the primary key, so a vend reported twice, or again after a
 * restart, is credited once and at the value read at escrow).
 */
export class CreditJournal {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS cash_credits (
      credit_id TEXT PRIMARY KEY,
      cash_session_id TEXT NOT NULL,
      device TEXT NOT NULL,
      sequence INTEGER NOT NULL,
      cents INTEGER NOT NULL CHECK (cents >= 0),
      currency TEXT NOT NULL,
      recorded_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS cash_bills (
      bill_id TEXT PRIMARY KEY,
      cash_session_id TEXT NOT NULL,
      device TEXT NOT NULL,
      cents INTEGER NOT NULL CHECK (cents >= 0),
      currency TEXT NOT NULL,
      state TEXT NOT NULL
        CHECK (state IN ('escrow', 'stacking', 'credited', 'returned', 'uncertain')),
      escrow_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS cash_bills_open ON cash_bills (device)
      WHERE state IN ('escrow', 'stacking');
    CREATE TABLE IF NOT EXISTS cash_orphan_summaries (
      credit_id TEXT PRIMARY KEY,
      queued_at TEXT NOT NULL
    ) STRICT;`);
    this.statements = journalStatements(this.db);
  }

  /** Writes a bill that reached escrow for a cash session; returns its id. */
  escrow(
    bill: { device: string; cents: number; currency: string },
    cashSessionId: string,
    at: string,
  ): string {
    const billId = `${bill.device}:${randomUUID()}`;
    this.statements.escrow.run({ ...bill, billId, cashSessionId, at });
    return billId;
  }

  /** Moves an open bill on; a bill already credited or settled keeps its state. */
  move(billId: string, state: 'stacking' | 'returned' | 'uncertain', at: string): void {
    this.statements.move.run(state, at, billId);
  }

  /**
   * Credits a bill once, in one transaction with its state: the second call for the same bill
   * finds the credit and returns it unchanged.
   */
  credit(
    billId: string,
    at: string,
  ): { credit: BillCredit; cashSessionId: string; fresh: boolean } {
    return this.db.transaction(() => {
      const bill = this.statements.bill.get(billId);
      if (!bill) throw new Error(`no journaled bill ${billId}`);
      const credit = {
        creditId: bill.billId,
        device: bill.device,
        cents: bill.cents,
        currency: bill.currency,
      };
      const inserted = this.statements.credit.run({ ...bill, at });
      this.statements.credited.run(at, billId);
      return { credit, cashSessionId: bill.cashSessionId, fresh: inserted.changes === 1 };
    })();
  }

  /** The device's bill still in escrow or stacking (at most one: an acceptor holds one bill). */
  open(device: string): JournaledBill | null {
    const row = this.statements.open.get(device);
    if (!row || (row.state !== 'escrow' && row.state !== 'stacking')) return null;
    return {
      billId: row.billId,
      device: row.device,
      cents: row.cents,
      currency: row.currency,
      state: row.state,
    };
  }

  bill(billId: string): BillRow | undefined {
    return this.statements.bill.get(billId);
  }

  /** What a session has been credited, from the journal (survives restarts). */
  insertedCents(cashSessionId: string): number {
    return this.statements.insertedCents.get(cashSessionId)?.cents ?? 0;
  }

  /** What a session stacked, per denomination (credited bills), or null when it stacked none. */
  stacked(cashSessionId: string): StackedCash | null {
    const rows = this.statements.stacked.all(cashSessionId);
    const first = rows.map((row) => row.first).sort()[0];
    const last = rows.map((row) => row.last).sort()[rows.length - 1];
    if (first === undefined || last === undefined) return null;
    return {
      denominations: rows.map(({ cents, count }) => ({ cents, count })),
      totalCents: rows.reduce((sum, row) => sum + row.cents * row.count, 0),
      firstBillAt: first,
      lastBillAt: last,
    };
  }

  /**
   * Bills credited outside any cash session whose journal summary is not queued yet, oldest
   * first: each is a session of its own, named by the id its credit carries (`<device>:<uuid>`).
   */
  unqueuedOrphans(): OrphanCash[] {
    return this.statements.unqueuedOrphans.all().map((row) => ({
      creditId: row.creditId,
      cashSessionId: row.creditId.slice(row.creditId.lastIndexOf(':') + 1),
      stacked: {
        denominations: [{ cents: row.cents, count: 1 }],
        totalCents: row.cents,
        firstBillAt: row.recordedAt,
        lastBillAt: row.recordedAt,
      },
    }));
  }

  /** The summary of an orphan bill is queued for the central service: not offered again. */
  orphanQueued(creditId: string, at: string): void {
    this.statements.orphanQueued.run(creditId, at);
  }

  close(): void {
    this.db.close();
  }
}

const SELECT_BILL = `SELECT bill_id AS billId, cash_session_id AS cashSessionId, device, cents,
  currency, state, rowid AS sequence FROM cash_bills`;

/** Prepared once per journal: a bill's escrow, moves and credit are on the cash path. */
function journalStatements(db: Database.Database) {
  return {
    escrow: db.prepare(
      `INSERT INTO cash_bills (bill_id, cash_session_id, device, cents, currency, state,
         escrow_at, updated_at)
       VALUES (@billId, @cashSessionId, @device, @cents, @currency, 'escrow', @at, @at)`,
    ),
    move: db.prepare(
      `UPDATE cash_bills SET state = ?, updated_at = ?
        WHERE bill_id = ? AND state IN ('escrow', 'stacking')`,
    ),
    // The bill's row number orders the credits as the bills came in.
    credit: db.prepare(
      `INSERT INTO cash_credits (credit_id, cash_session_id, device, sequence, cents, currency,
         recorded_at)
       VALUES (@billId, @cashSessionId, @device, @sequence, @cents, @currency, @at)
       ON CONFLICT (credit_id) DO NOTHING`,
    ),
    credited: db.prepare(
      `UPDATE cash_bills SET state = 'credited', updated_at = ? WHERE bill_id = ?`,
    ),
    bill: db.prepare<[string], BillRow & { sequence: number }>(`${SELECT_BILL} WHERE bill_id = ?`),
    open: db.prepare<[string], BillRow>(
      `${SELECT_BILL} WHERE device = ? AND state IN ('escrow', 'stacking')
        ORDER BY escrow_at DESC LIMIT 1`,
    ),
    insertedCents: db.prepare<[string], { cents: number | null }>(
      'SELECT SUM(cents) AS cents FROM cash_credits WHERE cash_session_id = ?',
    ),
    unqueuedOrphans: db.prepare<[], { creditId: string; cents: number; recordedAt: string }>(
      `SELECT credit_id AS creditId, cents, recorded_at AS recordedAt FROM cash_credits c
        WHERE cash_session_id LIKE 'orphan:%'
          AND NOT EXISTS (SELECT 1 FROM cash_orphan_summaries s WHERE s.credit_id = c.credit_id)
        ORDER BY recorded_at, sequence`,
    ),
    orphanQueued: db.prepare(
      `INSERT INTO cash_orphan_summaries (credit_id, queued_at) VALUES (?, ?)
       ON CONFLICT (credit_id) DO NOTHING`,
    ),
    stacked: db.prepare<[string], { cents: number; count: number; first: string; last: string }>(
      `SELECT cents, COUNT(*) AS count, MIN(recorded_at) AS first, MAX(recorded_at) AS last
         FROM cash_credits WHERE cash_session_id = ? GROUP BY cents ORDER BY cents`,
    ),
  };
}

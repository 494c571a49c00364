import Database from 'better-sqlite3';
import type { BillCredit } from '../../../hardware/hal';

/**
 * Bill credits written durably before the acceptor is acknowledged (WAL + synchronous=FULL).
 * The credit id is the primary key, so a vend reported twice is recorded once.
 */
export class CreditJournal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<
    [string, string, string, number, number, string, string]
  >;
  private readonly total: Database.Statement<[string], { cents: number | null }>;

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
    ) STRICT`);
    this.insert = this.db.prepare(
      `INSERT INTO cash_credits (credit_id, cash_session_id, device, sequence, cents, currency, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credit_id) DO NOTHING`,
    );
    this.total = this.db.prepare(
      'SELECT SUM(cents) AS cents FROM cash_credits WHERE cash_session_id = ?',
    );
  }

  /** Records a credit for a cash session; false when it was already recorded. */
  record(credit: BillCredit, cashSessionId: string, at: string): boolean {
    const result = this.insert.run(
      credit.creditId,
      cashSessionId,
      credit.device,
      credit.sequence,
      credit.cents,
      credit.currency,
      at,
    );
    return result.changes === 1;
  }

  /** What a session has been credited, from the journal (survives restarts). */
  insertedCents(cashSessionId: string): number {
    return this.total.get(cashSessionId)?.cents ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

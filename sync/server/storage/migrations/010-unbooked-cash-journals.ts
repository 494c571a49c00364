import { runPortableDdl, type CentralMigration } from './migration';

/**
 * A cash journal summary may name no resident: bills the kiosk's acceptor stacked that paid for
 * nothing (credited outside any cash session) still reach the journal, so finance sees them as
 * journaled but not booked. SQLite cannot drop a column's NOT NULL, so there the table is
 * rebuilt with its rows; PostgreSQL drops the constraint in place.
 */
const SQLITE_REBUILD = `
CREATE TABLE cash_journals_010 (
  cash_session_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(id),
  facility_id TEXT NOT NULL REFERENCES facilities(id),
  resident_id TEXT REFERENCES residents(id),
  bill_count INTEGER NOT NULL CHECK (bill_count > 0),
  total_cents INTEGER NOT NULL CHECK (total_cents > 0),
  denominations TEXT NOT NULL,
  first_bill_at TEXT NOT NULL,
  last_bill_at TEXT NOT NULL,
  received_at TEXT NOT NULL);
INSERT INTO cash_journals_010 (cash_session_id, device_id, facility_id, resident_id, bill_count,
  total_cents, denominations, first_bill_at, last_bill_at, received_at)
  SELECT cash_session_id, device_id, facility_id, resident_id, bill_count, total_cents,
    denominations, first_bill_at, last_bill_at, received_at FROM cash_journals;
DROP TABLE cash_journals;
ALTER TABLE cash_journals_010 RENAME TO cash_journals;
CREATE INDEX cash_journals_by_device ON cash_journals (device_id, received_at)
`;

export const migration010: CentralMigration = {
  version: 10,
  name: 'unbooked-cash-journals',
  async up(tx, dialect) {
    if (dialect === 'postgres') {
      await tx.run('ALTER TABLE cash_journals ALTER COLUMN resident_id DROP NOT NULL');
    } else {
      await runPortableDdl(tx, dialect, SQLITE_REBUILD);
    }
  },
};

import { runPortableDdl, type CentralMigration } from './migration';

/**
 * Kiosk bill journals, one summary per cash session (mutation `cash.journal`): what the
 * acceptor stacked, set against the bills the service booked and the cash finance counted.
 * `received_at` is the service's clock, so a session falls in the same collection period as
 * the deposit pushed with it; the kiosk's times are kept as they came.
 */
const TABLES = `
CREATE TABLE cash_journals (
  cash_session_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(id),
  facility_id TEXT NOT NULL REFERENCES facilities(id),
  resident_id TEXT NOT NULL REFERENCES residents(id),
  bill_count INTEGER NOT NULL CHECK (bill_count > 0),
  total_cents INTEGER NOT NULL CHECK (total_cents > 0),
  denominations TEXT NOT NULL,
  first_bill_at TEXT NOT NULL,
  last_bill_at TEXT NOT NULL,
  received_at TEXT NOT NULL);
CREATE INDEX cash_journals_by_device ON cash_journals (device_id, received_at)
`;

export const migration009: CentralMigration = {
  version: 9,
  name: 'cash-journals',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, TABLES);
  },
};

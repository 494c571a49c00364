import type { Migration } from './migration';

/**
 * What each open cash session pays for (a lobby deposit, a resident's stamp bundle), kept until
 * the session's cash is booked (deleted in the booking's transaction) or found empty, so bills
 * stacked before an app restart or a power cut still complete that deposit or purchase.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'cash-purposes',
  up(db) {
    db.exec(`
      CREATE TABLE cash_purposes (
        cash_session_id TEXT PRIMARY KEY,
        purpose_json TEXT NOT NULL,
        held_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};

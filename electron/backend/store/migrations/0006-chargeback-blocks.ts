import type { Migration } from './migration';

/**
 * Chargeback blocks as the central service sends them (the protocol's `block` entity, facility
 * scope): one row per blocked subject, deleted when the server lifts the block. The device
 * cannot rebuild chargebacks (amounts, recoveries) from them, so they get their own table
 * rather than the `chargebacks` one.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'chargeback-blocks',
  up(db) {
    db.exec(`
      CREATE TABLE blocks (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('card_sender', 'card_receiver')),
        subject_type TEXT NOT NULL CHECK (subject_type IN ('customer', 'resident')),
        subject_id TEXT NOT NULL,
        chargeback_id TEXT NOT NULL,
        since TEXT NOT NULL
      ) STRICT;
      CREATE INDEX blocks_by_subject ON blocks (subject_type, subject_id);
      CREATE INDEX blocks_by_chargeback ON blocks (chargeback_id);
    `);
  },
};

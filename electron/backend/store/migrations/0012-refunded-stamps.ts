import type { Migration } from './migration';

/**
 * The stamps review returned for a resident's own letter (`messages.refunded_stamps`), so the
 * letter itself can say so beside the "Returned" line of the stamp history. Cursors are forgotten
 * so letters pulled by an earlier release arrive again with that figure (pulls are idempotent;
 * the outbox is untouched).
 */
export const migration0012: Migration = {
  version: 12,
  name: 'refunded-stamps',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN refunded_stamps INTEGER NOT NULL DEFAULT 0;
      DELETE FROM sync_cursors;
    `);
  },
};

import type { Migration } from './migration';

/**
 * Least data per device. Until now every device held every resident of its facility with PIN
 * hash and raw badge code. From here on, sign-in records arrive only where the resident can sign
 * in (the unit's kiosks, their tablet), lobby kiosks get a depositor's directory, and badge codes
 * are kept only as keyed hashes (HMAC under the facility's badge key, `badge_key`).
 * - `residents.badge_token` (raw codes) becomes `badge_hash`, emptied: hashes arrive with the
 *   next pull. PIN hashes are deleted too: they come back only where they may be used.
 * - `residents.source_scope`: the pulled scope whose record keeps the resident here
 *   (`unit:<id>`, `device:<id>`, `directory:<facility>`); a tombstone from another scope leaves
 *   the resident alone. Rows of earlier releases came from the facility scope, whose tombstones
 *   (sent by the service's own migration) remove the residents no new scope vouches for.
 * - `sync_credentials.housing_unit_id`: a housing-unit kiosk's unit, whose scope it pulls.
 * - Every cursor is forgotten: the next sync pulls everything again under the new scopes (pulls
 *   are idempotent; the outbox is untouched).
 */
export const migration0008: Migration = {
  version: 8,
  name: 'least-data',
  up(db) {
    db.exec(`
      ALTER TABLE residents RENAME COLUMN badge_token TO badge_hash;
      UPDATE residents SET badge_hash = NULL;
      ALTER TABLE residents ADD COLUMN housing_unit_id TEXT;
      ALTER TABLE residents ADD COLUMN source_scope TEXT;
      UPDATE residents SET source_scope = 'facility:' || facility_id;
      DELETE FROM resident_credentials;
      ALTER TABLE sync_credentials ADD COLUMN housing_unit_id TEXT;
      CREATE TABLE badge_key (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        key_id TEXT NOT NULL,
        secret TEXT NOT NULL
      ) STRICT;
      DELETE FROM sync_cursors;
    `);
  },
};

import type { Migration } from './migration';

/**
 * The central service's page-signing key, pinned at enrollment (null for a device enrolled by an
 * earlier release: it pins the key from its first signed device-info answer). And the indexes the
 * sync path was missing: outcomes settle reservations by mutation id and pulls replace a
 * message's history rows by message id, each a full scan per item without them; the unread count
 * of every inbox listing reads only unread inbox rows through a partial index.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'pinned-key-and-indexes',
  up(db) {
    db.exec(`
      ALTER TABLE sync_credentials ADD COLUMN service_public_key TEXT;
      CREATE INDEX reservations_by_mutation ON stamp_reservations (mutation_id);
      CREATE INDEX stamp_history_by_message ON stamp_history (message_id)
        WHERE message_id IS NOT NULL;
      CREATE INDEX messages_unread ON messages (resident_id)
        WHERE folder = 'inbox' AND read_at IS NULL;
    `);
  },
};

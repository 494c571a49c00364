import type { Migration } from './migration';

/**
 * Reads that stay the same size whatever the mailbox, and upkeep that finds its rows:
 * - `messages.search_key`: the second of `sort_at` in the high bits, the row's `seq` (modulo
 *   2^30) in the low ones. The full-text index is keyed by it instead of `seq`, so FTS5 hands
 *   out a resident's matches newest first (`ORDER BY rowid DESC`) and a search stops once it
 *   has a page, instead of collecting every match of a frequent word first. It is unique as long
 *   as two messages of the same second are not 2^30 rows apart (a device never holds that many).
 *   It changes with `sort_at` (a draft sent), so the index follows `sort_at` too, and is
 *   rewritten only when its key or text really changed.
 * - `unread_counts`: a resident's unread inbox letters, kept by triggers on every write to
 *   `messages` (insert, delete, read, status), so the count beside every inbox page is one row
 *   read, not a walk over every unread letter (the partial index it replaces grew with them).
 * - `messages.server_timeline_json`: the central service's timeline of a pulled letter, stored
 *   with it as it arrives instead of as one `message_events` row per step (three row inserts and
 *   three index entries per pulled letter). `message_events` keeps the steps this device adds
 *   (draft, queued, a send's outcome); a letter's timeline is both, read together.
 * - `reservations_settled`: settled reservations by settle time, for the pruning that keeps the
 *   table small (electron/backend/sync/port.ts), which otherwise read every row of it.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'search-by-recency-and-counts',
  up(db) {
    db.exec(`
      DROP TRIGGER messages_fts_insert;
      DROP TRIGGER messages_fts_delete;
      DROP TRIGGER messages_fts_update;
      DROP TABLE messages_fts;

      ALTER TABLE messages ADD COLUMN search_key INTEGER GENERATED ALWAYS AS
        ((unixepoch(sort_at) << 30) | (seq & 1073741823)) VIRTUAL;
      CREATE UNIQUE INDEX messages_by_search_key ON messages (search_key);

      CREATE VIRTUAL TABLE messages_fts USING fts5(
        resident_id, subject, body,
        content = 'messages', content_rowid = 'search_key',
        tokenize = "unicode61 remove_diacritics 2 tokenchars '-'"
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, resident_id, subject, body)
          VALUES (new.search_key, new.resident_id, new.subject, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, resident_id, subject, body)
          VALUES ('delete', old.search_key, old.resident_id, old.subject, old.body);
      END;
      -- Only when what the index holds changed: a pull rewrites subject and body of a letter it
      -- holds at every status change, and a send moves sort_at without touching the text.
      CREATE TRIGGER messages_fts_update
        AFTER UPDATE OF resident_id, subject, body, sort_at ON messages
        WHEN old.search_key IS NOT new.search_key OR old.resident_id IS NOT new.resident_id
          OR old.subject IS NOT new.subject OR old.body IS NOT new.body
      BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, resident_id, subject, body)
          VALUES ('delete', old.search_key, old.resident_id, old.subject, old.body);
        INSERT INTO messages_fts (rowid, resident_id, subject, body)
          VALUES (new.search_key, new.resident_id, new.subject, new.body);
      END;
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

      DROP INDEX messages_unread;
      CREATE TABLE unread_counts (
        resident_id TEXT PRIMARY KEY REFERENCES residents (id) ON DELETE CASCADE,
        unread INTEGER NOT NULL CHECK (unread >= 0)
      ) STRICT;
      INSERT INTO unread_counts (resident_id, unread)
        SELECT resident_id, count(*) FROM messages
         WHERE folder = 'inbox' AND read_at IS NULL GROUP BY resident_id;
      CREATE TRIGGER messages_unread_insert AFTER INSERT ON messages
        WHEN new.folder = 'inbox' AND new.read_at IS NULL
      BEGIN
        INSERT INTO unread_counts (resident_id, unread) VALUES (new.resident_id, 1)
          ON CONFLICT (resident_id) DO UPDATE SET unread = unread + 1;
      END;
      CREATE TRIGGER messages_unread_delete AFTER DELETE ON messages
        WHEN old.folder = 'inbox' AND old.read_at IS NULL
      BEGIN
        UPDATE unread_counts SET unread = unread - 1 WHERE resident_id = old.resident_id;
      END;
      CREATE TRIGGER messages_unread_leave
        AFTER UPDATE OF resident_id, direction, status, read_at ON messages
        WHEN old.folder = 'inbox' AND old.read_at IS NULL
      BEGIN
        UPDATE unread_counts SET unread = unread - 1 WHERE resident_id = old.resident_id;
      END;
      CREATE TRIGGER messages_unread_enter
        AFTER UPDATE OF resident_id, direction, status, read_at ON messages
        WHEN new.folder = 'inbox' AND new.read_at IS NULL
      BEGIN
        INSERT INTO unread_counts (resident_id, unread) VALUES (new.resident_id, 1)
          ON CONFLICT (resident_id) DO UPDATE SET unread = unread + 1;
      END;

      ALTER TABLE messages ADD COLUMN server_timeline_json TEXT
        CHECK (server_timeline_json IS NULL OR json_valid(server_timeline_json));

      CREATE INDEX reservations_settled ON stamp_reservations (settled_at)
        WHERE state <> 'pending';
    `);
  },
};

import type { Migration } from './migration';

/**
 * Full-text search over mail subject and body: an external-content FTS5 index over `messages`
 * (keyed by its stable `seq`), kept in step by triggers and filled from mail already stored.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'mail-search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        subject, body,
        content = 'messages', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
      );

      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, subject, body) VALUES (new.seq, new.subject, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, subject, body)
          VALUES ('delete', old.seq, old.subject, old.body);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF subject, body ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, subject, body)
          VALUES ('delete', old.seq, old.subject, old.body);
        INSERT INTO messages_fts (rowid, subject, body) VALUES (new.seq, new.subject, new.body);
      END;

      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `);
  },
};

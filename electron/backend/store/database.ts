import Database from 'better-sqlite3-multiple-ciphers';
import { migrate } from './migrate';

export type SqliteDatabase = Database.Database;

/**
 * Opens (or creates) a database file with the pragmas the architecture asks for and migrates it.
 * With `key` the file is encrypted (ChaCha20-Poly1305 per page, WAL included); without one it is
 * plain, which only migration tests and the plain-vs-encrypted benchmark ask for: the backend
 * always opens through `openEncryptedDatabase`. `targetVersion` exists for migration tests only.
 */
export function openDatabase(
  path: string,
  options: { key?: Buffer; targetVersion?: number } = {},
): SqliteDatabase {
  const db = new Database(path);
  try {
    if (options.key) db.key(options.key);
    db.pragma('journal_mode = WAL');
    // Stamps and money live here: FULL makes each commit survive power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Deleted rows (e.g. drafts) are overwritten, not left in free pages.
    db.pragma('secure_delete = ON');
    // Sorts and temporary tables stay in memory: the cipher covers the file and WAL, not temp files.
    db.pragma('temp_store = MEMORY');
    // Pages are decrypted as they enter SQLite's cache: 8 MiB instead of 2 keeps the hot part of
    // the mail and search index decrypted once.
    db.pragma('cache_size = -8192');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.targetVersion);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

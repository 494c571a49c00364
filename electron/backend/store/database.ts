import Database from 'better-sqlite3';
import { migrate } from './migrate';

export type SqliteDatabase = Database.Database;

/**
 * Opens (or creates) the device's database with the pragmas the architecture asks for and
 * migrates it. `targetVersion` exists for migration tests only.
 */
export function openDatabase(
  path: string,
  options: { targetVersion?: number } = {},
): SqliteDatabase {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // Stamps and money live here: FULL makes each commit survive power loss (SECURITY.md).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Deleted rows (e.g. drafts) are overwritten, not left in free pages.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.targetVersion);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

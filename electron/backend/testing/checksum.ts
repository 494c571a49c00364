import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../store';

/**
 * A hash over every row of every table (sessions and audit excepted when asked): tests compare it
 * before and after bad input to prove nothing stored changed.
 */
export function storeChecksum(db: SqliteDatabase, ignoreTables: readonly string[] = []): string {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name NOT LIKE 'messages_fts%' ORDER BY name`,
    )
    .all()
    .map((row) => row.name)
    .filter((name) => !ignoreTables.includes(name));
  const hash = createHash('sha256');
  for (const table of tables) {
    hash.update(`#${table}\n`);
    for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all()) {
      hash.update(JSON.stringify(row));
    }
  }
  return hash.digest('hex');
}

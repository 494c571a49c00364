import type { Database } from 'better-sqlite3';

/**
 * One schema step. `version` is the `PRAGMA user_version` after it ran. A shipped migration is
 * never edited: fix forward with a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

import type { Database } from 'better-sqlite3';
import { DatabaseFromFutureError, StoreError } from './errors';
import { MIGRATIONS, type Migration } from './migrations';

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the file up to `targetVersion` (default: the newest), one transaction per migration so a
 * failed step leaves the previous version intact. A file from a newer app is refused.
 */
export function migrate(
  db: Database,
  targetVersion?: number,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const target = targetVersion ?? latest;
  const current = schemaVersion(db);
  if (current > latest) throw new DatabaseFromFutureError(current, latest);
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    const step = db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      step.exclusive();
    } catch (error) {
      throw new StoreError(
        'migration_failed',
        `Migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
      );
    }
  }
  return schemaVersion(db);
}

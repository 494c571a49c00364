import { CENTRAL_MIGRATIONS, type CentralMigration } from './migrations';
import type { Storage, Transaction } from './types';

/** A database written by a newer service: starting on it could corrupt what that version wrote. */
export class CentralSchemaFromFutureError extends Error {
  override readonly name = 'CentralSchemaFromFutureError';
  constructor(
    readonly found: number,
    readonly latest: number,
  ) {
    super(
      `the central database is at schema version ${found}, newer than this service knows ` +
        `(${latest}); run the newer service or restore a backup made for this one`,
    );
  }
}

export class CentralMigrationError extends Error {
  override readonly name = 'CentralMigrationError';
}

/** Locks the schema against other service nodes until commit, then reads its version. */
async function lockedVersion(tx: Transaction): Promise<number> {
  await tx.lockKey('central-schema');
  // The meta table predates versioning; a new database has none yet.
  await tx.run('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const row = await tx.get<{ value: string }>(
    "SELECT value FROM meta WHERE key = 'schema_version'",
  );
  return row ? Number(row.value) : 0;
}

/**
 * Brings the central database up to `target` (default: the newest), one transaction per step, so
 * a failed step leaves the previous version whole. Service nodes starting together serialize on a
 * lock and re-read the version inside it, so each step runs once. A newer database is refused.
 */
export async function migrateCentral(
  storage: Storage,
  options: { target?: number; migrations?: readonly CentralMigration[] } = {},
): Promise<number> {
  const migrations = options.migrations ?? CENTRAL_MIGRATIONS;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const target = options.target ?? latest;
  const found = await storage.transaction(lockedVersion);
  if (found > latest) throw new CentralSchemaFromFutureError(found, latest);
  for (const migration of migrations) {
    if (migration.version <= found || migration.version > target) continue;
    await storage.transaction(async (tx) => {
      if ((await lockedVersion(tx)) >= migration.version) return;
      try {
        await migration.up(tx, storage.dialect);
      } catch (error) {
        throw new CentralMigrationError(
          `central migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await tx.run(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) " +
          'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [String(migration.version)],
      );
    });
  }
  return storage.transaction(lockedVersion);
}

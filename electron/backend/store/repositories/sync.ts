import type { Database } from 'better-sqlite3';

export interface SyncStateRow {
  serverEpoch: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
}

/** Pull cursors per scope and the server epoch (a change of epoch means a server restore). */
export function createSyncRepository(db: Database) {
  const cursor = db.prepare<[string], { cursor: string }>(
    `SELECT cursor FROM sync_cursors WHERE scope = ?`,
  );
  const putCursor = db.prepare(
    `INSERT INTO sync_cursors (scope, cursor, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (scope) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
  );
  const clearCursors = db.prepare(`DELETE FROM sync_cursors`);
  const forgetCursor = db.prepare(`DELETE FROM sync_cursors WHERE scope = ?`);
  const state = db.prepare<[], SyncStateRow>(
    `SELECT server_epoch AS serverEpoch, last_success_at AS lastSuccessAt,
            last_error AS lastError FROM sync_state WHERE singleton = 1`,
  );
  const putState = db.prepare(
    `INSERT INTO sync_state (singleton, server_epoch, last_success_at, last_error)
     VALUES (1, @serverEpoch, @lastSuccessAt, @lastError)
     ON CONFLICT (singleton) DO UPDATE SET server_epoch = excluded.server_epoch,
       last_success_at = excluded.last_success_at, last_error = excluded.last_error`,
  );
  return {
    cursor: (scope: string): string | undefined => cursor.get(scope)?.cursor,
    saveCursor: (scope: string, value: string, at: string): void =>
      void putCursor.run(scope, value, at),
    clearCursors: (): void => void clearCursors.run(),
    /** Forgets one scope's cursor: should it be read again, everything is pulled again. */
    forgetCursor: (scope: string): void => void forgetCursor.run(scope),
    state: (): SyncStateRow =>
      state.get() ?? { serverEpoch: null, lastSuccessAt: null, lastError: null },
    saveState: (row: SyncStateRow): void => void putState.run(row),
  };
}

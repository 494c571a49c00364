import type { Database } from 'better-sqlite3';

export type SessionKind = 'resident' | 'maintenance';
export type SessionEndReason = 'logout' | 'idle' | 'closed' | 'locked' | 'replaced';

export function createSessionsRepository(db: Database) {
  const start = db.prepare(
    `INSERT INTO sessions (id, kind, resident_id, started_at, last_activity_at)
     VALUES (@id, @kind, @residentId, @at, @at)`,
  );
  const end = db.prepare(
    `UPDATE sessions SET ended_at = @at, last_activity_at = @lastActivityAt, end_reason = @reason
      WHERE id = @id AND ended_at IS NULL`,
  );
  return {
    start(id: string, kind: SessionKind, residentId: string | null, at: string): void {
      start.run({ id, kind, residentId, at });
    },
    end(id: string, reason: SessionEndReason, at: string, lastActivityAt: string): void {
      end.run({ id, reason, at, lastActivityAt });
    },
  };
}

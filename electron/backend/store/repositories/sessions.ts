import type { Database } from 'better-sqlite3';

export type SessionKind = 'resident' | 'maintenance';
export type SessionEndReason = 'logout' | 'idle' | 'closed' | 'locked' | 'replaced';

export function createSessionsRepository(db: Database) {
  const start = db.prepare(
    `INSERT INTO sessions (id, kind, resident_id, started_at, last_activity_at)
     VALUES (@id, @kind, @residentId, @at, @at)`,
  );
  const touch = db.prepare(`UPDATE sessions SET last_activity_at = ? WHERE id = ?`);
  const end = db.prepare(
    `UPDATE sessions SET ended_at = @at, end_reason = @reason
      WHERE id = @id AND ended_at IS NULL`,
  );
  return {
    start(id: string, kind: SessionKind, residentId: string | null, at: string): void {
      start.run({ id, kind, residentId, at });
    },
    touch: (id: string, at: string): void => void touch.run(at, id),
    end(id: string, reason: SessionEndReason, at: string): void {
      end.run({ id, reason, at });
    },
  };
}

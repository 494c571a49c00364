import type { Database } from 'better-sqlite3';

export type AuditActorKind = 'resident' | 'maintenance' | 'lobby' | 'system';

export interface AuditEntry {
  at: string;
  action: string;
  actorKind: AuditActorKind;
  actorId: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export function createAuditRepository(db: Database) {
  const append = db.prepare(
    `INSERT INTO audit_log (at, action, actor_kind, actor_id, subject_id, details_json)
     VALUES (@at, @action, @actorKind, @actorId, @subjectId, @detailsJson)`,
  );
  const forget = db.prepare(`DELETE FROM audit_log WHERE actor_id = @id OR subject_id = @id`);
  const recent = db.prepare<[number], Omit<AuditEntry, 'details'> & { detailsJson: string }>(
    `SELECT at, action, actor_kind AS actorKind, actor_id AS actorId, subject_id AS subjectId,
            details_json AS detailsJson
       FROM audit_log ORDER BY id DESC LIMIT ?`,
  );
  return {
    append({ details, ...entry }: AuditEntry): void {
      append.run({ ...entry, detailsJson: JSON.stringify(details) });
    },
    /** Deletes the lines naming someone as actor or subject (they left this device). */
    forget: (id: string): void => void forget.run({ id }),
    recent: (limit: number): AuditEntry[] =>
      recent.all(limit).map(({ detailsJson, ...rest }) => ({
        ...rest,
        details: JSON.parse(detailsJson) as Record<string, unknown>,
      })),
  };
}

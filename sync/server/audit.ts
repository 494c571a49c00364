import type { Work } from './work';

/** Appends to the audit trail, in the same transaction as the action it records. */
export async function audit(
  work: Work,
  actor: string,
  action: string,
  subjectType: string,
  subjectId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await work.tx.run(
    'INSERT INTO audit (id, actor, action, subject_type, subject_id, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [crypto.randomUUID(), actor, action, subjectType, subjectId, JSON.stringify(detail), work.now],
  );
}

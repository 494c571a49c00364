import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { CashPurposeSchema } from '../../../contract';

/** A cash session's purpose as kept: a stamp purchase with the buyer the session named. */
export const StoredPurposeSchema = z.union([
  CashPurposeSchema.options[0],
  CashPurposeSchema.options[1].extend({ residentId: z.string().min(1) }),
]);
export type StoredPurpose = z.infer<typeof StoredPurposeSchema>;

/**
 * The purposes of open cash sessions (migration 10). A row goes when the session's cash is
 * booked, in the booking's transaction, or when the session turns out to hold no cash; a row
 * that no longer parses is skipped with the others kept (the journal still holds its bills).
 */
export function createCashPurposesRepository(db: Database) {
  const put = db.prepare(
    `INSERT INTO cash_purposes (cash_session_id, purpose_json, held_at) VALUES (?, ?, ?)
     ON CONFLICT (cash_session_id) DO UPDATE SET purpose_json = excluded.purpose_json,
       held_at = excluded.held_at`,
  );
  const remove = db.prepare('DELETE FROM cash_purposes WHERE cash_session_id = ?');
  const all = db.prepare<[], { cashSessionId: string; purposeJson: string }>(
    `SELECT cash_session_id AS cashSessionId, purpose_json AS purposeJson FROM cash_purposes
      ORDER BY held_at, cash_session_id`,
  );
  return {
    save(cashSessionId: string, purpose: StoredPurpose, at: string): void {
      put.run(cashSessionId, JSON.stringify(purpose), at);
    },
    remove: (cashSessionId: string): void => void remove.run(cashSessionId),
    /** Every kept purpose that still reads as one, oldest first. */
    all(): { cashSessionId: string; purpose: StoredPurpose }[] {
      return all.all().flatMap(({ cashSessionId, purposeJson }) => {
        const parsed = StoredPurposeSchema.safeParse(parseJson(purposeJson));
        return parsed.success ? [{ cashSessionId, purpose: parsed.data }] : [];
      });
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

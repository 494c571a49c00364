import type { Database } from 'better-sqlite3';
import type { BlockData } from '../../../../sync/protocol';

/** A pulled block, and whether its chargeback was a bank-card one (it also blocks a sender). */
export interface BlockRow extends BlockData {
  bankCard: boolean;
}

/** Chargeback blocks pulled from the central service (migration 6). */
export function createBlocksRepository(db: Database) {
  const put = db.prepare(
    `INSERT INTO blocks (id, kind, subject_type, subject_id, chargeback_id, since)
     VALUES (@id, @kind, @subjectType, @subjectId, @chargebackId, @since)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, subject_type = excluded.subject_type,
       subject_id = excluded.subject_id, chargeback_id = excluded.chargeback_id,
       since = excluded.since`,
  );
  const remove = db.prepare(`DELETE FROM blocks WHERE id = ?`);
  // Only a bank-card chargeback blocks its customer as a sender (sync/server/chargebacks.ts).
  const onSubjects = db.prepare<
    [string, string],
    Omit<BlockRow, 'bankCard'> & { bankCard: number }
  >(
    `SELECT id, kind, subject_type AS subjectType, subject_id AS subjectId,
            chargeback_id AS chargebackId, since,
            EXISTS (SELECT 1 FROM blocks sender WHERE sender.chargeback_id = blocks.chargeback_id
                      AND sender.kind = 'card_sender') AS bankCard
       FROM blocks
      WHERE (subject_type = 'resident' AND subject_id = ?)
         OR (subject_type = 'customer' AND subject_id = ?)
      ORDER BY since, id`,
  );
  return {
    save: (block: BlockData): void => void put.run(block),
    remove: (id: string): void => void remove.run(id),
    /** Blocks on this resident or on this customer. */
    on: (residentId: string, customerId: string): BlockRow[] =>
      onSubjects
        .all(residentId, customerId)
        .map((row) => ({ ...row, bankCard: row.bankCard === 1 })),
  };
}

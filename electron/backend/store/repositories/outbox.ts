import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export type OutboxState = 'pending' | 'sent' | 'applied' | 'rejected';

export interface OutboxRow {
  /** Per-device sequence, strictly increasing. */
  seq: number;
  mutationId: string;
  name: string;
  args: unknown;
  state: OutboxState;
  outcome: unknown;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

type RawOutbox = Omit<OutboxRow, 'args' | 'outcome'> & {
  argsJson: string;
  outcomeJson: string | null;
};
const toRow = ({ argsJson, outcomeJson, ...rest }: RawOutbox): OutboxRow => ({
  ...rest,
  args: JSON.parse(argsJson) as unknown,
  outcome: outcomeJson === null ? null : (JSON.parse(outcomeJson) as unknown),
});
const columns = `seq, mutation_id AS mutationId, name, args_json AS argsJson, state,
  outcome_json AS outcomeJson, attempts, created_at AS createdAt, updated_at AS updatedAt`;

/**
 * The mutations waiting for (or settled by) the central service; the sync client pushes them.
 * `onEnqueue` hears of every new row (the store uses it to poke the sync client after commit).
 */
export function createOutboxRepository(db: Database, onEnqueue: () => void = () => {}) {
  const insert = db.prepare(
    `INSERT INTO outbox (mutation_id, name, args_json, state, created_at, updated_at)
     VALUES (@mutationId, @name, @argsJson, 'pending', @at, @at)`,
  );
  const unsettled = db.prepare<[number], RawOutbox>(
    `SELECT ${columns} FROM outbox WHERE state IN ('pending', 'sent') ORDER BY seq LIMIT ?`,
  );
  const byMutation = db.prepare<[string], RawOutbox>(
    `SELECT ${columns} FROM outbox WHERE mutation_id = ?`,
  );
  // One statement per batch rather than one per mutation (push throughput).
  const markSent = db.prepare(
    `UPDATE outbox SET state = 'sent', attempts = attempts + 1, updated_at = ?
      WHERE mutation_id IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'sent')`,
  );
  const requeueAfter = db.prepare(
    `UPDATE outbox SET state = 'sent', outcome_json = NULL WHERE state = 'applied' AND seq > ?`,
  );
  const forgetSettledOf = db.prepare(
    `DELETE FROM outbox WHERE state IN ('applied', 'rejected')
       AND json_extract(args_json, '$.residentId') = ?`,
  );
  const settle = db.prepare(
    `UPDATE outbox SET state = @state, outcome_json = @outcomeJson, updated_at = @at
      WHERE mutation_id = @mutationId AND state IN ('pending', 'sent')`,
  );
  const counts = db.prepare<[], { state: OutboxState; n: number }>(
    `SELECT state, count(*) AS n FROM outbox GROUP BY state`,
  );

  return {
    /**
     * Appends a mutation. Must run inside the transaction that writes the local change it
     * describes, so the change and its outbox row commit together or not at all.
     */
    enqueue(name: string, args: unknown, at: string): { mutationId: string; seq: number } {
      if (!db.inTransaction) {
        throw new Error(`enqueueMutation(${name}) must run inside the store transaction`);
      }
      const mutationId = randomUUID();
      const { lastInsertRowid } = insert.run({
        mutationId,
        name,
        argsJson: JSON.stringify(args),
        at,
      });
      onEnqueue();
      return { mutationId, seq: Number(lastInsertRowid) };
    },
    unsettled: (limit: number): OutboxRow[] => unsettled.all(limit).map(toRow),
    byMutationId(mutationId: string): OutboxRow | undefined {
      const row = byMutation.get(mutationId);
      return row && toRow(row);
    },
    /** Marks a batch as sent (again): one more attempt each; settled ones stay settled. */
    markSent(mutationIds: readonly string[], at: string): void {
      markSent.run(at, JSON.stringify(mutationIds));
    },
    /**
     * After the server was restored from a backup (a new epoch): mutations it had applied past
     * what the backup holds are pushed again (the server answers each once, by id).
     */
    requeueAppliedAfter: (seq: number): void => void requeueAfter.run(seq),
    /** Deletes settled mutations whose args name the resident (they left this device). */
    forgetSettledOf: (residentId: string): void => void forgetSettledOf.run(residentId),
    /** Records the server's final word; a settled mutation never changes again. */
    settle(
      mutationId: string,
      state: 'applied' | 'rejected',
      outcome: unknown,
      at: string,
    ): boolean {
      const outcomeJson = JSON.stringify(outcome ?? null);
      return settle.run({ mutationId, state, outcomeJson, at }).changes === 1;
    },
    counts(): Record<OutboxState, number> {
      const result: Record<OutboxState, number> = { pending: 0, sent: 0, applied: 0, rejected: 0 };
      for (const row of counts.all()) result[row.state] = row.n;
      return result;
    },
  };
}

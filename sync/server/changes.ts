import { canonicalJson, type EntityName, type Scope } from '../protocol';
import type { Transaction } from './storage/types';

/**
 * Changes that flow down to devices. Services record them while they work; at the end of the
 * transaction `flush` gives them positions and writes them to the `changes` table, which holds
 * the latest state of every (scope, entity, id), tombstones included.
 *
 * Cursor safety on PostgreSQL: positions come from one counter row, incremented by
 * `UPDATE ... RETURNING` as the last step before COMMIT. That row lock is held until the
 * transaction ends, so transactions receive positions in the order they commit: a reader can
 * never see position n+1 committed while n is still in flight, and a cursor never skips a row
 * that commits late. The lock is held only for the multi-row inserts between the counter update
 * and the commit. On SQLite there is one writer, so the same code is trivially ordered.
 */

/** 7 parameters a row: well under SQLite's and PostgreSQL's limits on parameters a statement. */
const ROWS_PER_INSERT = 500;

interface PendingChange {
  scope: Scope;
  entity: EntityName;
  id: string;
  data: unknown;
}

export class ChangeBuffer {
  private readonly log: PendingChange[] = [];

  upsert(scope: Scope, entity: EntityName, id: string, data: unknown): void {
    this.log.push({ scope, entity, id, data });
  }

  /** A tombstone: the device deletes its copy. */
  remove(scope: Scope, entity: EntityName, id: string): void {
    this.log.push({ scope, entity, id, data: null });
  }

  /** A point to roll back to when a savepoint is undone. */
  mark(): number {
    return this.log.length;
  }

  rollback(mark: number): void {
    this.log.length = mark;
  }

  async flush(tx: Transaction): Promise<void> {
    const latest = new Map<string, PendingChange>();
    for (const change of this.log) {
      const key = `${change.scope.kind}\u0000${change.scope.id}\u0000${change.entity}\u0000${change.id}`;
      latest.delete(key);
      latest.set(key, change);
    }
    if (latest.size === 0) return;
    const counter = await tx.get<{ value: number }>(
      "UPDATE counters SET value = value + ? WHERE name = 'position' RETURNING value",
      [latest.size],
    );
    let position = (counter?.value ?? 0) - latest.size;
    // The counter row stays locked until commit, so every writer waits for what follows: the
    // rows go in as few multi-row statements as possible, not one round trip per change.
    const rows = [...latest.values()].map((change) => {
      position += 1;
      return [
        change.scope.kind,
        change.scope.id,
        change.entity,
        change.id,
        change.data === null ? 'delete' : 'upsert',
        // Canonical, so pulls send and checksum the stored text as it is (page-json.ts).
        change.data === null ? null : canonicalJson(change.data),
        position,
      ];
    });
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      await tx.run(
        `INSERT INTO changes (scope_kind, scope_id, entity, entity_id, op, data, position)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (scope_kind, scope_id, entity, entity_id)
         DO UPDATE SET op = excluded.op, data = excluded.data, position = excluded.position`,
        chunk.flat(),
      );
    }
    this.log.length = 0;
  }
}

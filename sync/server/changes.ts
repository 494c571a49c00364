import { canonicalJson, type EntityName, type Scope } from '../protocol';
import { prepared, typed } from './storage/typed';
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

/** Takes `count` positions: answers the last of them. */
const takePositions = prepared((db, p: { count: number }) =>
  db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', p.count) }))
    .where('name', '=', 'position')
    .returning('value'),
);

/** The latest state of each (scope, entity, id), one list per column. */
const upsertChanges = prepared(
  (
    db,
    p: {
      scopeKinds: string[];
      scopeIds: string[];
      entities: string[];
      entityIds: string[];
      ops: string[];
      data: (string | null)[];
      positions: number[];
    },
  ) =>
    db
      .insertInto('changes')
      .values(
        p.positions.map((position, i) => ({
          scope_kind: p.scopeKinds[i]!,
          scope_id: p.scopeIds[i]!,
          entity: p.entities[i]!,
          entity_id: p.entityIds[i]!,
          op: p.ops[i]!,
          data: p.data[i]!,
          position,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['scope_kind', 'scope_id', 'entity', 'entity_id']).doUpdateSet((eb) => ({
          op: eb.ref('excluded.op'),
          data: eb.ref('excluded.data'),
          position: eb.ref('excluded.position'),
        })),
      ),
);

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
    const q = typed(tx);
    const counter = await q.first(takePositions, { count: latest.size });
    let position = (counter?.value ?? 0) - latest.size;
    // The counter row stays locked until commit, so every writer waits for what follows: the
    // rows go in as few multi-row statements as possible, not one round trip per change.
    const changes = [...latest.values()];
    for (let start = 0; start < changes.length; start += ROWS_PER_INSERT) {
      const chunk = changes.slice(start, start + ROWS_PER_INSERT);
      await q.run(upsertChanges, {
        scopeKinds: chunk.map((change) => change.scope.kind),
        scopeIds: chunk.map((change) => change.scope.id),
        entities: chunk.map((change) => change.entity),
        entityIds: chunk.map((change) => change.id),
        ops: chunk.map((change) => (change.data === null ? 'delete' : 'upsert')),
        // Canonical, so pulls send and checksum the stored text as it is (page-json.ts).
        data: chunk.map((change) => (change.data === null ? null : canonicalJson(change.data))),
        positions: chunk.map(() => (position += 1)),
      });
    }
    this.log.length = 0;
  }
}

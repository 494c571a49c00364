import { typed } from './storage/typed';
import type { Queryable, Storage } from './storage/types';

const known = new WeakMap<Queryable, string>();

/**
 * The random id created with the database. Cached per storage: it changes only when the database
 * is replaced, which means a restart.
 */
export async function readEpoch(queryable: Queryable): Promise<string> {
  const cached = known.get(queryable);
  if (cached) return cached;
  const row = await typed(queryable).first((db) =>
    db.selectFrom('meta').select('value').where('key', '=', 'epoch'),
  );
  if (!row) throw new Error('database has no epoch: schema not applied');
  known.set(queryable, row.value);
  return row.value;
}

/**
 * Gives the database a new epoch: facility IT runs it (`central new-epoch`) after restoring a
 * backup and before serving. Every device's cursors then belong to another epoch, so each asks
 * for its high-water mark, puts back in its queue what the backup lost, and pulls from scratch.
 * Without it, positions the lost future had used would be handed out again for other changes,
 * and a device whose cursor lies below the newest position would silently skip them.
 */
export async function newEpoch(storage: Storage): Promise<string> {
  const epoch = crypto.randomUUID();
  const changed = await typed(storage).run((db) =>
    db.updateTable('meta').set({ value: epoch }).where('key', '=', 'epoch'),
  );
  if (changed !== 1) throw new Error('database has no epoch: schema not applied');
  return epoch;
}

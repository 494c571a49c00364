import type { Queryable } from './storage/types';

const known = new WeakMap<Queryable, string>();

/**
 * The random id created with the database. Cached per storage: it changes only when the database
 * is replaced, which means a restart.
 */
export async function readEpoch(db: Queryable): Promise<string> {
  const cached = known.get(db);
  if (cached) return cached;
  const row = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'epoch'");
  if (!row) throw new Error('database has no epoch: schema not applied');
  known.set(db, row.value);
  return row.value;
}

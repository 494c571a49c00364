import type { Queryable } from './storage/types';

/** The random id created with the database; a restored backup keeps an older one. */
export async function readEpoch(db: Queryable): Promise<string> {
  const row = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'epoch'");
  if (!row) throw new Error('database has no epoch: schema not applied');
  return row.value;
}

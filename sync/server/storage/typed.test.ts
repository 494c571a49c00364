import { describe, expect, it } from 'vitest';
import { STORAGE_KINDS, storageOpener } from '../testing/storages';
import { typed, type QueryBuilder } from './typed';

describe.each(STORAGE_KINDS)('typed queries on %s', (kind) => {
  const open = storageOpener(kind);

  it('writes, updates with RETURNING, locks and reads through the storage transaction', async () => {
    const storage = await open();
    const read = await storage.transaction(async (tx) => {
      const q = typed(tx);
      await q.run((db) =>
        db
          .insertInto('blobs')
          .values({ sha256: 'a', mime: 'image/png', size: 2, received: 2, created_at: 'now' }),
      );
      expect(
        await q.run((db) =>
          db.insertInto('blob_chunks').values({ sha256: 'a', start: 0, data: Buffer.from([0, 1]) }),
        ),
      ).toBe(1);
      await q.run((db) =>
        db
          .insertInto('balances')
          .values({ owner_type: 'resident', owner_id: 'r1', cents: 500 })
          .onConflict((oc) =>
            oc.columns(['owner_type', 'owner_id']).doUpdateSet((eb) => ({
              cents: eb('balances.cents', '+', eb.ref('excluded.cents')),
            })),
          ),
      );
      const moved = await q.first((db) =>
        db
          .updateTable('balances')
          .set((eb) => ({ cents: eb('cents', '-', 200) }))
          .where('owner_id', '=', 'r1')
          .where('cents', '>=', 200)
          .returning(['stamps', 'cents']),
      );
      expect(moved).toEqual({ stamps: 0, cents: 300 });
      // FOR UPDATE on PostgreSQL only: SQLite would refuse the clause as a syntax error.
      return q.first((db) =>
        db.selectFrom('balances').select(['cents']).where('owner_id', '=', 'r1').$call(q.lockRows),
      );
    });
    expect(read).toEqual({ cents: 300 });
    const chunk = await typed(storage).first((db) =>
      db.selectFrom('blob_chunks').select('data').where('sha256', '=', 'a'),
    );
    expect([...(chunk?.data ?? [])]).toEqual([0, 1]);
  });

  it('refuses a fractional amount before it reaches the database, and writes nothing', async () => {
    const storage = await open();
    await expect(
      typed(storage).run((db) =>
        db.insertInto('balances').values({ owner_type: 'resident', owner_id: 'r2', cents: 1.5 }),
      ),
    ).rejects.toThrow('not a safe integer: 1.5');
    expect(await storage.get("SELECT * FROM balances WHERE owner_id = 'r2'")).toBeUndefined();
  });

  it('refuses to run a query from the builder itself instead of answering no rows', async () => {
    const storage = await open();
    let builder: QueryBuilder | undefined;
    await typed(storage).all((db) => {
      builder = db;
      return db.selectFrom('meta').selectAll();
    });
    await expect(builder!.selectFrom('meta').selectAll().execute()).rejects.toThrow(
      'query builders only compile',
    );
  });
});

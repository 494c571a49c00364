import type { Compilable } from 'kysely';
import { describe, expect, it } from 'vitest';
import { STORAGE_KINDS, storageOpener } from '../testing/storages';
import {
  builderFor,
  prepared,
  typed,
  type PreparedQuery,
  type QueryBuilder,
  type QueryHelpers,
} from './typed';

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

/** A query shape as the service writes it, prepared, and the values of one call. */
function shape<P extends object, O>(
  build: (db: QueryBuilder, p: P, helpers: QueryHelpers) => Compilable<O>,
  values: P,
) {
  return { build, query: prepared(build), values };
}

const SHAPES = {
  'a select with a row lock': shape(
    (db, p: { owner: string }, { lockRows }) =>
      db
        .selectFrom('balances')
        .select(['stamps', 'cents'])
        .where('owner_type', '=', 'resident')
        .where('owner_id', '=', p.owner)
        .$call(lockRows),
    { owner: 'r1' },
  ),
  'an upsert adding to a column': shape(
    (db, p: { owner: string; cents: number }) =>
      db
        .insertInto('balances')
        .values({ owner_type: 'resident', owner_id: p.owner, cents: p.cents })
        .onConflict((oc) =>
          oc.columns(['owner_type', 'owner_id']).doUpdateSet((eb) => ({
            cents: eb('balances.cents', '+', eb.ref('excluded.cents')),
          })),
        ),
    { owner: 'r1', cents: 500 },
  ),
  'a guarded update with RETURNING': shape(
    (db, p: { owner: string; cents: number }) =>
      db
        .updateTable('balances')
        .set((eb) => ({ cents: eb('cents', '-', p.cents) }))
        .where('owner_id', '=', p.owner)
        .where('cents', '>=', p.cents)
        .returning(['stamps', 'cents']),
    { owner: 'r1', cents: 200 },
  ),
  'a list of ids': shape(
    (db, p: { ids: string[]; owner: string }) =>
      db
        .selectFrom('balances')
        .select('owner_id')
        .where('owner_id', 'in', p.ids)
        .where('owner_type', '<>', p.owner),
    { ids: ['r1', 'r2', 'r3'], owner: 'customer' },
  ),
} as const;

describe.each(STORAGE_KINDS)('prepared queries compiled for %s', (dialect) => {
  it.each(Object.entries(SHAPES))(
    'bind %s to the SQL and parameters the builder makes for the same values',
    (_name, { build, query, values }) => {
      const helpers: QueryHelpers = {
        lockRows: (q) => (dialect === 'postgres' ? q.forUpdate() : q),
      };
      const expected = (build as typeof build & Build)(
        builderFor(dialect),
        values,
        helpers,
      ).compile();
      // Twice: the second call is bound from what the first compiled.
      for (let call = 0; call < 2; call += 1) {
        expect((query as PreparedQuery<object, unknown>).bind(dialect, values)).toEqual({
          sql: expected.sql,
          params: expected.parameters,
        });
      }
    },
  );

  it('compiles each shape once: again only for a list of another length', () => {
    let compiles = 0;
    const query = prepared((db, p: { ids: string[] }) => {
      compiles += 1;
      return db.selectFrom('balances').select('cents').where('owner_id', 'in', p.ids);
    });
    const first = query.bind(dialect, { ids: ['a', 'b'] });
    expect(query.bind(dialect, { ids: ['c', 'd'] })).toEqual({
      sql: first.sql,
      params: ['c', 'd'],
    });
    expect(compiles).toBe(1);
    expect(query.bind(dialect, { ids: ['e', 'f', 'g'] }).params).toEqual(['e', 'f', 'g']);
    expect(compiles).toBe(2);
    expect(query.bind(dialect, { ids: ['h', 'i'] }).sql).toBe(first.sql);
    expect(compiles).toBe(2);
  });

  it('refuses a value of no SQL type, a missing one, a fraction, and a list that is none', () => {
    const query = prepared((db, p: { owner: string; cents: number }) =>
      db
        .insertInto('balances')
        .values({ owner_type: 'resident', owner_id: p.owner, cents: p.cents }),
    );
    expect(() => query.bind(dialect, { owner: 'r', cents: 1.5 })).toThrow(
      'not a safe integer: 1.5',
    );
    expect(() => query.bind(dialect, { owner: 'r', cents: 2 ** 53 })).toThrow('not a safe integer');
    expect(() => query.bind(dialect, { owner: 'r' } as never)).toThrow(
      'no SQL value for a undefined',
    );
    expect(() => query.bind(dialect, { owner: true, cents: 1 } as never)).toThrow(
      'no SQL value for a boolean',
    );
    const list = prepared((db, p: { ids: string[] }) =>
      db.selectFrom('balances').select('cents').where('owner_id', 'in', p.ids),
    );
    list.bind(dialect, { ids: ['a'] });
    expect(() => list.bind(dialect, { ids: 'a' } as never)).toThrow('parameter ids is not a list');
  });
});

/** Any of the shapes' builds, called with its own values. */
type Build = (db: QueryBuilder, p: object, helpers: QueryHelpers) => Compilable<unknown>;

describe.each(STORAGE_KINDS)('prepared queries run on %s', (kind) => {
  const open = storageOpener(kind);
  const credit = SHAPES['an upsert adding to a column'].query;
  const spend = SHAPES['a guarded update with RETURNING'].query;
  const balance = SHAPES['a select with a row lock'].query;

  it('write, lock and read through the storage transaction, as the builder does', async () => {
    const storage = await open();
    const read = await storage.transaction(async (tx) => {
      const q = typed(tx);
      expect(await q.run(credit, { owner: 'r1', cents: 500 })).toBe(1);
      await q.run(credit, { owner: 'r1', cents: 100 });
      expect(await q.first(spend, { owner: 'r1', cents: 200 })).toEqual({ stamps: 0, cents: 400 });
      // The guard holds: no row moves below zero.
      expect(await q.first(spend, { owner: 'r1', cents: 401 })).toBeUndefined();
      return q.first(balance, { owner: 'r1' });
    });
    expect(read).toEqual({ stamps: 0, cents: 400 });
  });

  it('refuses a fraction before it reaches the database, and writes nothing', async () => {
    const storage = await open();
    await expect(typed(storage).run(credit, { owner: 'r2', cents: 0.5 })).rejects.toThrow(
      'not a safe integer: 0.5',
    );
    expect(await storage.get("SELECT * FROM balances WHERE owner_id = 'r2'")).toBeUndefined();
  });

  if (kind === 'postgres') {
    it('runs as a named prepared statement on the connection', async () => {
      const storage = await open();
      const { sql } = balance.bind('postgres', { owner: 'r1' });
      const prepared = await storage.transaction(async (tx) => {
        await typed(tx).first(balance, { owner: 'r1' });
        return tx.all<{ name: string }>(
          'SELECT name FROM pg_prepared_statements WHERE statement = $1',
          [sql],
        );
      });
      expect(prepared).toEqual([{ name: expect.stringMatching(/^homeline_\d+$/) }]);
    });
  }
});

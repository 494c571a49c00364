import pg from 'pg';
import { migrateCentral } from './migrate';
import {
  TRANSACTION_ATTEMPTS,
  TransientStorageError,
  isTransientFailure,
  type Row,
  type SqlParams,
  type Storage,
  type Transaction,
} from './types';

/**
 * PostgreSQL adapter: a pool, READ COMMITTED transactions, row locks (`FOR UPDATE`) and guarded
 * updates (`... WHERE stamps >= ?`) for balances. Serialization failures and deadlocks are
 * retried. BIGINT and NUMERIC come back as JS numbers (all our values are safe integers).
 */
export async function openPostgresStorage(
  connectionString: string,
  options: { max?: number } = {},
): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the service; the pool replaces it.
  pool.on('error', () => undefined);

  // Each statement text becomes a named prepared statement (pg prepares it once per connection),
  // so PostgreSQL parses and plans the hot statements once instead of on every request.
  // Statements without parameters stay on the simple protocol (they may hold several commands).
  const prepared = new Map<string, { name: string; text: string }>();
  const toPg = (sql: string, params: SqlParams) => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${(n += 1)}`);
      statement = { name: `homeline_${prepared.size + 1}`, text };
      prepared.set(sql, statement);
    }
    return params.length > 0
      ? { ...statement, values: params as unknown[] }
      : { text: statement.text };
  };
  const on = (client: pg.Pool | pg.PoolClient) => ({
    async all<T extends Row>(sql: string, params: SqlParams = []) {
      const result = await client.query(toPg(sql, params));
      return result.rows as T[];
    },
    async get<T extends Row>(sql: string, params: SqlParams = []) {
      const result = await client.query(toPg(sql, params));
      return result.rows[0] as T | undefined;
    },
    async run(sql: string, params: SqlParams = []) {
      const result = await client.query(toPg(sql, params));
      return result.rowCount ?? 0;
    },
  });

  const storage: Storage = {
    dialect: 'postgres',
    ...on(pool),
    async transaction(fn, options) {
      for (let attempt = 1; ; attempt += 1) {
        const client = await pool.connect();
        let savepoints = 0;
        const tx: Transaction = {
          dialect: 'postgres',
          forUpdate: ' FOR UPDATE',
          ...on(client),
          async lockKey(key) {
            await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
          },
          async savepoint(inner) {
            const name = `sp${(savepoints += 1)}`;
            await client.query(`SAVEPOINT ${name}`);
            try {
              const result = await inner();
              await client.query(`RELEASE SAVEPOINT ${name}`);
              return result;
            } catch (error) {
              await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
              throw error;
            }
          },
        };
        try {
          // One round trip: BEGIN and the commit mode travel as one simple query.
          await client.query(
            options?.durable === false ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN',
          );
          const result = await fn(tx);
          await client.query('COMMIT');
          client.release();
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          client.release();
          if (!isTransientFailure(error)) throw error;
          if (attempt >= TRANSACTION_ATTEMPTS) throw new TransientStorageError(String(error));
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        }
      }
    },
    close: () => pool.end(),
  };
  await migrateCentral(storage);
  return storage;
}

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

  const numbered = new Map<string, string>();
  const toPg = (sql: string) => {
    let text = numbered.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${(n += 1)}`);
      numbered.set(sql, text);
    }
    return text;
  };
  const on = (client: pg.Pool | pg.PoolClient) => ({
    async all<T extends Row>(sql: string, params: SqlParams = []) {
      const result = await client.query(toPg(sql), params as unknown[]);
      return result.rows as T[];
    },
    async get<T extends Row>(sql: string, params: SqlParams = []) {
      const result = await client.query(toPg(sql), params as unknown[]);
      return result.rows[0] as T | undefined;
    },
    async run(sql: string, params: SqlParams = []) {
      const result = await client.query(toPg(sql), params as unknown[]);
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
          await client.query('BEGIN');
          if (options?.durable === false) await client.query('SET LOCAL synchronous_commit = off');
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

import Database from 'better-sqlite3';
import { startCheckpointer } from './checkpointer';
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
 * SQLite adapter: one connection, WAL, synchronous=FULL (stamps and money must survive power
 * loss, docs/security.md). better-sqlite3 is synchronous, but the service API is async, so other
 * requests could run between two awaits of a transaction: every use of the connection is
 * therefore queued behind a mutex, which also makes SQLite's single writer explicit.
 */
export async function openSqliteStorage(path: string): Promise<Storage> {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Every mutation of a push runs in a savepoint; SQLite keeps what a savepoint would roll back in
  // a sub-journal, which spills to a temporary file past 64 KiB. In memory it costs ~15-20% less
  // statement time a mutation; it holds nothing a commit needs (durability is the WAL's).
  db.pragma('temp_store = MEMORY');
  // Checkpoints run in a worker thread, not inside a commit on the event loop (checkpointer.ts);
  // should the worker fail, SQLite's automatic checkpoint takes over again.
  db.pragma('wal_autocheckpoint = 0');
  const checkpointer = startCheckpointer(path, CHECKPOINT_INTERVAL_MS, () => {
    db.pragma('wal_autocheckpoint = 1000');
  });

  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const direct = {
    all<T extends Row>(sql: string, params: SqlParams = []): T[] {
      const statement = prepare(sql);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as T[];
    },
    run(sql: string, params: SqlParams = []): number {
      return prepare(sql).run(...params).changes;
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
  }

  const tx: Transaction = {
    dialect: 'sqlite',
    forUpdate: '',
    async all<T extends Row>(sql: string, params?: SqlParams) {
      return direct.all<T>(sql, params);
    },
    async get<T extends Row>(sql: string, params?: SqlParams) {
      return direct.all<T>(sql, params).at(0);
    },
    async run(sql, params) {
      return direct.run(sql, params);
    },
    async lockKey() {},
    async savepoint(fn) {
      // Nested savepoints may share a name: RELEASE and ROLLBACK TO act on the innermost.
      direct.run('SAVEPOINT sp');
      try {
        const result = await fn();
        direct.run('RELEASE sp');
        return result;
      } catch (error) {
        direct.run('ROLLBACK TO sp');
        direct.run('RELEASE sp');
        throw error;
      }
    },
  };

  /** BEGIN IMMEDIATE takes the write lock up front; busy (another process) is retried. */
  async function attempts<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        direct.run('BEGIN IMMEDIATE');
        const result = await fn(tx);
        direct.run('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) direct.run('ROLLBACK');
        if (isTransientFailure(error) && attempt < TRANSACTION_ATTEMPTS) continue;
        throw isTransientFailure(error) ? new TransientStorageError(String(error)) : error;
      }
    }
  }

  const storage: Storage = {
    dialect: 'sqlite',
    all<T extends Row>(sql: string, params?: SqlParams) {
      return exclusive(() => direct.all<T>(sql, params));
    },
    get<T extends Row>(sql: string, params?: SqlParams) {
      return exclusive(() => direct.all<T>(sql, params).at(0));
    },
    run: (sql, params) => exclusive(() => direct.run(sql, params)),
    transaction: (fn, options) =>
      exclusive(async () => {
        // synchronous is read at commit time, so it can be relaxed for one transaction.
        if (options?.durable === false) direct.run('PRAGMA synchronous = NORMAL');
        try {
          return await attempts(fn);
        } finally {
          if (options?.durable === false) direct.run('PRAGMA synchronous = FULL');
        }
      }),
    close: () =>
      exclusive(async () => {
        await checkpointer.stop();
        db.close();
      }),
  };
  await migrateCentral(storage);
  return storage;
}

const CHECKPOINT_INTERVAL_MS = 500;

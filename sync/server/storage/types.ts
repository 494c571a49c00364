/**
 * The storage seam of the central service: a small SQL interface with one adapter per engine
 * (better-sqlite3, pg). Services write portable SQL with `?` placeholders; the PostgreSQL adapter
 * numbers them. Everything a request changes happens inside one `transaction`.
 */

export type SqlValue = string | number | null | Uint8Array;
export type SqlParams = readonly SqlValue[];
export type Row = Record<string, unknown>;

export type Dialect = 'sqlite' | 'postgres';

export interface Queryable {
  /** The engine behind it: the typed query layer compiles each query for it (typed.ts). */
  readonly dialect: Dialect;
  /** Rows of a SELECT (or of a statement with RETURNING). */
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: SqlParams): Promise<number>;
}

export interface Transaction extends Queryable {
  /** ` FOR UPDATE` on PostgreSQL (row lock until commit); empty on SQLite (one writer). */
  readonly forUpdate: string;
  /**
   * Runs `fn` inside a savepoint: if it throws, its writes are undone and the error rethrown,
   * while the transaction goes on.
   */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Serializes transactions on an arbitrary key until commit (PostgreSQL advisory lock; nothing
   * to do on SQLite, which has one writer). For keys with no row to lock yet, e.g. a new
   * idempotency key arriving twice at once.
   */
  lockKey(key: string): Promise<void>;
}

interface TransactionOptions {
  /**
   * false: the commit may be lost on power loss (never half-applied). Only for state whose loss
   * is harmless, like the anti-replay window: it saves an fsync per request.
   */
  durable?: boolean;
}

export interface Storage extends Queryable {
  /**
   * Runs `fn` in one transaction and commits. Transient failures (serialization failure,
   * deadlock, busy) roll back and run `fn` again, a bounded number of times; `fn` must
   * therefore have no effects outside the transaction.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Thrown when a transaction still fails transiently after its retries (answered as 503). */
export class TransientStorageError extends Error {
  override readonly name = 'TransientStorageError';
}

export const TRANSACTION_ATTEMPTS = 6;

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * A failure that running the whole transaction again may cure: PostgreSQL serialization failure
 * and deadlock, SQLite busy or locked.
 */
export function isTransientFailure(error: unknown): boolean {
  const code = errorCode(error);
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** A write refused because a row with the same unique key (an id, a reference) exists. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

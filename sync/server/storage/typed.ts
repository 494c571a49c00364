import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
} from 'kysely';
import type { CentralDatabase } from './schema';
import type { Dialect, Queryable, SqlParams, SqlValue } from './types';

/**
 * The typed query layer: Kysely builds and compiles each query for the engine of the transaction
 * at hand (its column types come from `CentralDatabase`), and the query then runs through that
 * transaction as plain SQL and parameters. Transactions, row locks, retries, durability and
 * PostgreSQL's prepared statements stay the storage adapters' (types.ts); Kysely never holds a
 * connection of its own.
 */
export type QueryBuilder = Kysely<CentralDatabase>;

/**
 * Kysely's DummyDriver answers every query with no rows, so a stray `.execute()` on a builder
 * would read nothing and write nothing without a word. This one refuses instead.
 */
class CompileOnlyDriver extends DummyDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    throw new Error('query builders only compile: run the query with typed(tx).all/first/run');
  }
}

const compileOnly = (dialect: Omit<KyselyDialect, 'createDriver'>): QueryBuilder =>
  new Kysely<CentralDatabase>({
    dialect: { ...dialect, createDriver: () => new CompileOnlyDriver() },
  });

const BUILDERS: Record<Dialect, QueryBuilder> = {
  sqlite: compileOnly({
    createAdapter: () => new SqliteAdapter(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }),
  postgres: compileOnly({
    createAdapter: () => new PostgresAdapter(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }),
};

/** A compiled query's parameters, refused unless they are values the schema can hold. */
function sqlParams(parameters: readonly unknown[]): SqlParams {
  return parameters.map((value): SqlValue => {
    if (typeof value === 'number') {
      // Every numeric column is INTEGER/BIGINT: cents, stamps, positions, counts.
      if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
      return value;
    }
    if (typeof value === 'string' || value === null || value instanceof Uint8Array) return value;
    throw new TypeError(`no SQL value for a ${typeof value}`);
  });
}

export interface TypedQueries {
  /** The rows a query answers (a SELECT, or a write with RETURNING). */
  all<O>(build: (db: QueryBuilder) => Compilable<O>): Promise<O[]>;
  /** The first row a query answers, if any. */
  first<O>(build: (db: QueryBuilder) => Compilable<O>): Promise<O | undefined>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(build: (db: QueryBuilder) => Compilable<unknown>): Promise<number>;
  /**
   * Locks the rows a SELECT reads until commit on PostgreSQL (`FOR UPDATE`); SQLite has one
   * writer and no such clause. Use as `.$call(q.lockRows)`.
   */
  lockRows<Q extends { forUpdate(): Q }>(query: Q): Q;
}

/** Typed queries on a transaction or a storage, compiled for its engine. */
export function typed(queryable: Queryable): TypedQueries {
  const db = BUILDERS[queryable.dialect];
  const compile = (build: (db: QueryBuilder) => Compilable<unknown>) => {
    const { sql, parameters } = build(db).compile();
    return { sql, params: sqlParams(parameters) };
  };
  return {
    async all<O>(build: (db: QueryBuilder) => Compilable<O>) {
      const { sql, params } = compile(build);
      return (await queryable.all(sql, params)) as O[];
    },
    async first<O>(build: (db: QueryBuilder) => Compilable<O>) {
      const { sql, params } = compile(build);
      return (await queryable.get(sql, params)) as O | undefined;
    },
    async run(build) {
      const { sql, params } = compile(build);
      return queryable.run(sql, params);
    },
    lockRows: (query) => (queryable.dialect === 'postgres' ? query.forUpdate() : query),
  };
}

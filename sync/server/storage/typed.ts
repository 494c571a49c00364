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
 * at hand (its column types come from `CentralDatabase`), once per engine for a `prepared` query,
 * and the query then runs through that transaction as plain SQL and parameters. Transactions, row locks, retries, durability and
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

/** The compile-only builder of `dialect` (what a function of the builder is given). */
export const builderFor = (dialect: Dialect): QueryBuilder => BUILDERS[dialect];

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

/**
 * A named parameter of a prepared query, standing where its value will go while the query is
 * compiled; Kysely takes it for a plain value and hands it back in the compiled parameters.
 */
class Placeholder {
  constructor(
    readonly name: string,
    /** The element of a list parameter (`where('id', 'in', p.ids)`), one `?` each. */
    readonly index: number | undefined,
  ) {}
}

/** Where each compiled parameter comes from: a named parameter, or a value the query holds. */
type Slot = Placeholder | { readonly constant: unknown };

interface Compiled {
  sql: string;
  slots: readonly Slot[];
}

/** What a prepared query's builder may use besides the builder and the parameters. */
export interface QueryHelpers {
  /**
   * Locks the rows a SELECT reads until commit on PostgreSQL (`FOR UPDATE`); SQLite has one
   * writer and no such clause. Use as `.$call(lockRows)`.
   */
  lockRows<Q extends { forUpdate(): Q }>(query: Q): Q;
}

const HELPERS: Record<Dialect, QueryHelpers> = {
  sqlite: { lockRows: (query) => query },
  postgres: { lockRows: (query) => query.forUpdate() },
};

/**
 * A query whose shape is built and compiled once per engine, then only bound to each call's
 * values: compiling with Kysely costs several microseconds a query, binding a few array writes.
 * The SQL text is the same string on every call, so the adapters' statement caches (SQLite's
 * prepared statements, PostgreSQL's named ones) find it at once. Declare it at module level with
 * `prepared`.
 */
export class PreparedQuery<P extends object, O> {
  private readonly compiled = new Map<string, Compiled>();
  /** The parameters that are lists; their lengths are part of the shape. Known after a compile. */
  private lists: string[] | undefined;

  constructor(
    private readonly build: (db: QueryBuilder, p: P, helpers: QueryHelpers) => Compilable<O>,
  ) {}

  private shapeKey(dialect: Dialect, params: P): string | undefined {
    if (this.lists === undefined) return undefined;
    if (this.lists.length === 0) return dialect;
    const values = params as Record<string, unknown>;
    return `${dialect}:${this.lists.map((name) => sizeOfList(name, values[name])).join(',')}`;
  }

  private compile(dialect: Dialect, params: P): Compiled {
    const values = params as Record<string, unknown>;
    const lists = new Set<string>();
    // Each parameter the builder reads stands as a placeholder (one per element for a list).
    const placeholders = new Proxy({} as P, {
      get(_target, name) {
        if (typeof name !== 'string') return undefined;
        const value = values[name];
        if (!Array.isArray(value)) return new Placeholder(name, undefined);
        lists.add(name);
        return value.map((_element, index) => new Placeholder(name, index));
      },
    });
    const { sql, parameters } = this.build(
      BUILDERS[dialect],
      placeholders,
      HELPERS[dialect],
    ).compile();
    this.lists ??= [...lists].sort();
    return {
      sql,
      slots: parameters.map((value) =>
        value instanceof Placeholder ? value : { constant: value },
      ),
    };
  }

  /** The SQL and checked parameters of this query for `dialect` with `params`. */
  bind(dialect: Dialect, params: P): { sql: string; params: SqlParams } {
    let key = this.shapeKey(dialect, params);
    let compiled = key === undefined ? undefined : this.compiled.get(key);
    if (compiled === undefined) {
      compiled = this.compile(dialect, params);
      key = this.shapeKey(dialect, params)!;
      this.compiled.set(key, compiled);
    }
    const values = params as Record<string, unknown>;
    const bound = compiled.slots.map((slot) => {
      if (!(slot instanceof Placeholder)) return slot.constant;
      const value = values[slot.name];
      if (slot.index === undefined) return value;
      return (value as unknown[])[slot.index];
    });
    return { sql: compiled.sql, params: sqlParams(bound) };
  }
}

function sizeOfList(name: string, value: unknown): number {
  if (!Array.isArray(value)) throw new TypeError(`parameter ${name} is not a list`);
  return value.length;
}

/**
 * Declares a query compiled once per engine. `p` holds the named parameters: every value the
 * query takes at run time is read from it (a value read elsewhere would be compiled in once and
 * bound to every later call), so build the shape only: no branches on `p`.
 *
 *     const balanceOf = prepared((db, p: { owner: string }, { lockRows }) =>
 *       db.selectFrom('balances').select('cents').where('owner_id', '=', p.owner).$call(lockRows));
 *     const row = await typed(tx).first(balanceOf, { owner: residentId });
 */
export function prepared<O, P extends object = Record<string, never>>(
  build: (db: QueryBuilder, p: P, helpers: QueryHelpers) => Compilable<O>,
): PreparedQuery<P, O> {
  return new PreparedQuery(build);
}

/** The row type a prepared query answers. */
export type RowOf<Q> = Q extends PreparedQuery<never, infer O> ? O : never;

type Build<O> = (db: QueryBuilder) => Compilable<O>;

export interface TypedQueries {
  /** The rows a query answers (a SELECT, or a write with RETURNING). */
  all<O>(build: Build<O>): Promise<O[]>;
  all<P extends object, O>(query: PreparedQuery<P, O>, params: P): Promise<O[]>;
  /** The first row a query answers, if any. */
  first<O>(build: Build<O>): Promise<O | undefined>;
  first<P extends object, O>(query: PreparedQuery<P, O>, params: P): Promise<O | undefined>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(build: Build<unknown>): Promise<number>;
  run<P extends object>(query: PreparedQuery<P, unknown>, params: P): Promise<number>;
  /**
   * Locks the rows a SELECT reads until commit on PostgreSQL (`FOR UPDATE`); SQLite has one
   * writer and no such clause. Use as `.$call(q.lockRows)`.
   */
  lockRows<Q extends { forUpdate(): Q }>(query: Q): Q;
}

/**
 * Typed queries on a transaction or a storage, for its engine: a prepared query is only bound; a
 * function of the builder is built and compiled on each call (for queries off the hot paths).
 */
export function typed(queryable: Queryable): TypedQueries {
  let queries = TYPED.get(queryable);
  if (queries === undefined) {
    queries = typedOn(queryable);
    TYPED.set(queryable, queries);
  }
  return queries;
}

/** One set of typed queries per transaction or storage, made at its first use. */
const TYPED = new WeakMap<Queryable, TypedQueries>();

function typedOn(queryable: Queryable): TypedQueries {
  const { dialect } = queryable;
  const db = BUILDERS[dialect];
  const compile = (
    query: Build<unknown> | PreparedQuery<object, unknown>,
    params: object | undefined,
  ) => {
    if (query instanceof PreparedQuery) return query.bind(dialect, params ?? {});
    const { sql, parameters } = query(db).compile();
    return { sql, params: sqlParams(parameters) };
  };
  return {
    async all(query: Build<unknown> | PreparedQuery<object, unknown>, params?: object) {
      const { sql, params: values } = compile(query, params);
      return queryable.all(sql, values);
    },
    async first(query: Build<unknown> | PreparedQuery<object, unknown>, params?: object) {
      const { sql, params: values } = compile(query, params);
      return queryable.get(sql, values);
    },
    async run(query: Build<unknown> | PreparedQuery<object, unknown>, params?: object) {
      const { sql, params: values } = compile(query, params);
      return queryable.run(sql, values);
    },
    lockRows: HELPERS[dialect].lockRows,
  };
}

import type { Dialect, Transaction } from '../types';

/**
 * One step of the central schema. A shipped migration is never edited: a change is a new file
 * with the next number, appended to the list in index.ts.
 */
export interface CentralMigration {
  readonly version: number;
  readonly name: string;
  up(tx: Transaction, dialect: Dialect): Promise<void>;
}

/**
 * Portable DDL for one engine: INTEGER becomes BIGINT and BLOB becomes BYTEA on PostgreSQL, so
 * money in cents and positions never overflow 32 bits there.
 */
export function ddlFor(dialect: Dialect, ddl: string): string {
  return dialect === 'postgres'
    ? ddl.replace(/\bINTEGER\b/g, 'BIGINT').replace(/\bBLOB\b/g, 'BYTEA')
    : ddl;
}

/** Runs portable DDL, statements separated by `;`. */
export async function runPortableDdl(
  tx: Transaction,
  dialect: Dialect,
  ddl: string,
): Promise<void> {
  for (const statement of ddlFor(dialect, ddl)
    .split(';')
    .map((s) => s.trim())) {
    if (statement) await tx.run(statement);
  }
}

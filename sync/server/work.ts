import { ChangeBuffer } from './changes';
import type { Storage, Transaction } from './storage/types';

/** One unit of work: a transaction, the changes it sends down, and the instant it happens at. */
export interface Work {
  tx: Transaction;
  changes: ChangeBuffer;
  now: string;
  /** Lookups of things a transaction does not change (facility configs, contacts): see remember. */
  memo: Map<string, unknown>;
}

export type Clock = () => Date;

/** Runs `fn` in one transaction (retried on transient failures) and publishes its changes. */
export function inWork<T>(storage: Storage, clock: Clock, fn: (work: Work) => Promise<T>) {
  return storage.transaction(async (tx) => {
    const changes = new ChangeBuffer();
    const result = await fn({ tx, changes, now: clock().toISOString(), memo: new Map() });
    await changes.flush(tx);
    return result;
  });
}

/** Runs `fn` in a savepoint; if it throws, its writes and its changes are both undone. */
export async function inSavepoint<T>(work: Work, fn: () => Promise<T>): Promise<T> {
  const mark = work.changes.mark();
  try {
    return await work.tx.savepoint(fn);
  } catch (error) {
    work.changes.rollback(mark);
    throw error;
  }
}

/**
 * Reads `key` once per unit of work (a push batch of hundreds of mutations asks for the same
 * facility and contacts again and again). Only for data the unit of work itself does not change.
 */
export async function remember<T>(work: Work, key: string, read: () => Promise<T>): Promise<T> {
  if (work.memo.has(key)) return work.memo.get(key) as T;
  const value = await read();
  work.memo.set(key, value);
  return value;
}

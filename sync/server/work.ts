import { ChangeBuffer } from './changes';
import type { Storage, Transaction } from './storage/types';

/** One unit of work: a transaction, the changes it sends down, and the instant it happens at. */
export interface Work {
  tx: Transaction;
  changes: ChangeBuffer;
  now: string;
}

export type Clock = () => Date;

/** Runs `fn` in one transaction (retried on transient failures) and publishes its changes. */
export function inWork<T>(storage: Storage, clock: Clock, fn: (work: Work) => Promise<T>) {
  return storage.transaction(async (tx) => {
    const changes = new ChangeBuffer();
    const result = await fn({ tx, changes, now: clock().toISOString() });
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

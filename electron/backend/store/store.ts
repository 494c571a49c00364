import type { z } from 'zod';
import { MUTATION_ARGS, type MutationName } from '../../../sync/protocol';
import type { SqliteDatabase } from './database';
import { openEncryptedDatabase } from './encryption';
import { InvalidMutationError } from './errors';
import type { StoreKeySource } from './keys';
import { createAccountRepository } from './repositories/account';
import { createAuditRepository } from './repositories/audit';
import { createBlobsRepository } from './repositories/blobs';
import { createBlocksRepository } from './repositories/blocks';
import { createCashPurposesRepository } from './repositories/cash-purposes';
import { createContactsRepository } from './repositories/contacts';
import { createCredentialsRepository } from './repositories/credentials';
import { createIdentityRepository } from './repositories/identity';
import { createMailRepository } from './repositories/mail';
import { createOutboxRepository } from './repositories/outbox';
import { createResidentsRepository } from './repositories/residents';
import { createSessionsRepository } from './repositories/sessions';
import { createStampsRepository } from './repositories/stamps';
import { createSyncRepository } from './repositories/sync';
import { createTicketsRepository } from './repositories/tickets';

/**
 * The device's local store: one connection (the only writer) and its repositories. Each table is
 * written by its one repository and nowhere else (write-paths.test.ts holds every source file
 * to it).
 */
export function createStore(db: SqliteDatabase) {
  const outboxListeners = new Set<() => void>();
  // Set when the running (outermost) transaction queued a mutation; read once it commits.
  let queuedMutation = false;
  return {
    db,
    identity: createIdentityRepository(db),
    residents: createResidentsRepository(db),
    sessions: createSessionsRepository(db),
    contacts: createContactsRepository(db),
    mail: createMailRepository(db),
    blobs: createBlobsRepository(db),
    stamps: createStampsRepository(db),
    account: createAccountRepository(db),
    blocks: createBlocksRepository(db),
    cashPurposes: createCashPurposesRepository(db),
    tickets: createTicketsRepository(db),
    outbox: createOutboxRepository(db, () => {
      queuedMutation = true;
    }),
    sync: createSyncRepository(db),
    credentials: createCredentialsRepository(db),
    audit: createAuditRepository(db),
    /** Runs `work` in one immediate transaction: all of its writes commit, or none do. */
    transaction<T>(work: () => T): T {
      if (db.inTransaction) return db.transaction(work).immediate(); // a savepoint of the outer one
      queuedMutation = false;
      let queued = false;
      let result: T;
      try {
        result = db.transaction(work).immediate();
        queued = queuedMutation; // a rolled-back transaction queued nothing
      } finally {
        queuedMutation = false;
      }
      if (queued) for (const listener of outboxListeners) listener();
      return result;
    },
    /**
     * Calls `listener` after each transaction that queued a mutation has committed (the backend
     * pokes the sync client with it, so a push need not wait for the timer). Returns unsubscribe.
     */
    onOutboxCommitted(listener: () => void): () => void {
      outboxListeners.add(listener);
      return () => void outboxListeners.delete(listener);
    },
    close: (): void => void db.close(),
  };
}

export type Store = ReturnType<typeof createStore>;

/** Opens the device's store, encrypted with the key from `keys` (encryption.ts). */
export function openStore(path: string, keys: StoreKeySource): Store {
  return createStore(openEncryptedDatabase(path, keys));
}

/**
 * Queues a protocol mutation for the central service inside the caller's transaction (`tx` is
 * the store the transaction runs on). The args are checked against the protocol's schema here,
 * so a row the service would refuse as malformed is never written: the call fails with
 * `InvalidMutationError` and its transaction, the local change included, rolls back. The row
 * holds the parsed args (defaults filled, unknown keys dropped), exactly what is pushed.
 * Returns the mutation id and the per-device sequence number.
 */
export function enqueueMutation<N extends MutationName>(
  tx: Store,
  name: N,
  args: z.input<(typeof MUTATION_ARGS)[N]>,
  at: string,
): { mutationId: string; seq: number } {
  const parsed = MUTATION_ARGS[name].safeParse(args);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new InvalidMutationError(name, issue?.path.join('.') ?? '', issue?.message ?? '');
  }
  return tx.outbox.enqueue(name, parsed.data, at);
}

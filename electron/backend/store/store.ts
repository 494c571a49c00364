import { openDatabase, type SqliteDatabase } from './database';
import { createAccountRepository } from './repositories/account';
import { createAuditRepository } from './repositories/audit';
import { createContactsRepository } from './repositories/contacts';
import { createIdentityRepository } from './repositories/identity';
import { createMailRepository } from './repositories/mail';
import { createOutboxRepository } from './repositories/outbox';
import { createResidentsRepository } from './repositories/residents';
import { createSessionsRepository } from './repositories/sessions';
import { createStampsRepository } from './repositories/stamps';
import { createSyncRepository } from './repositories/sync';
import { createTicketsRepository } from './repositories/tickets';

/** The device's local store: one connection (the only writer) and its repositories. */
export function createStore(db: SqliteDatabase) {
  return {
    db,
    identity: createIdentityRepository(db),
    residents: createResidentsRepository(db),
    sessions: createSessionsRepository(db),
    contacts: createContactsRepository(db),
    mail: createMailRepository(db),
    stamps: createStampsRepository(db),
    account: createAccountRepository(db),
    tickets: createTicketsRepository(db),
    outbox: createOutboxRepository(db),
    sync: createSyncRepository(db),
    audit: createAuditRepository(db),
    /** Runs `work` in one immediate transaction: all of its writes commit, or none do. */
    transaction<T>(work: () => T): T {
      return db.transaction(work).immediate();
    },
    close: (): void => void db.close(),
  };
}

export type Store = ReturnType<typeof createStore>;

export function openStore(path: string): Store {
  return createStore(openDatabase(path));
}

/**
 * Queues a mutation for the central service inside the caller's transaction (`tx` is the store
 * the transaction runs on). Returns the mutation id and the per-device sequence number.
 */
export function enqueueMutation(
  tx: Store,
  name: string,
  args: unknown,
  at: string,
): { mutationId: string; seq: number } {
  return tx.outbox.enqueue(name, args, at);
}

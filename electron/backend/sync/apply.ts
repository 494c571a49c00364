import { createHash } from 'node:crypto';
import type {
  AccountData,
  Change,
  ContactData,
  DirectoryEntryData,
  LedgerEntryData,
  MessageData,
  ReleaseRequestData,
  ResidentData,
  Scope,
  TicketMessageData,
} from '../../../sync/protocol';
import type { Store } from '../store';
import { createResidentDeparture } from './departure';

/** What a page touched, so the backend can tell open screens (`mail.changed` ...). */
export interface Touched {
  messageIds: Set<string>;
  ticketIds: Set<string>;
  stamps: boolean;
}

export const emptyTouched = (): Touched => ({
  messageIds: new Set(),
  ticketIds: new Set(),
  stamps: false,
});

/**
 * The local contact id of a (resident, customer) pair. The protocol names a contact by the
 * customer id within a resident's scope; locally contacts of every resident share one table,
 * so the id must include the resident (hashed to stay within the contract's 64 characters).
 */
export function contactId(residentId: string, customerId: string): string {
  return createHash('sha256').update(`${residentId}\n${customerId}`).digest('hex').slice(0, 32);
}

/** How a scope is named locally (cursors, a resident's `source_scope`). */
export const scopeKey = (scope: Scope) => `${scope.kind}:${scope.id}`;

/**
 * The central service's PIN hash `scrypt$N$r$p$<salt b64>$<hash b64>` as the backend's
 * pin-hash module keeps it (hex salt and hash, N=16384 r=8 p=1, 32-byte key); undefined when
 * the parameters differ (the backend could not verify it offline).
 */
export function localPinHash(serverHash: string): { hash: string; salt: string } | undefined {
  const [scheme, n, r, p, salt, hash] = serverHash.split('$');
  if (scheme !== 'scrypt' || n !== '16384' || r !== '8' || p !== '1' || !salt || !hash)
    return undefined;
  const key = Buffer.from(hash, 'base64');
  if (key.length !== 32) return undefined;
  return { hash: key.toString('hex'), salt: Buffer.from(salt, 'base64').toString('hex') };
}

const LEDGER_KINDS: Partial<
  Record<LedgerEntryData['kind'], 'purchase' | 'spend' | 'refund' | 'prepaid_received'>
> = {
  stamp_purchase: 'purchase',
  mail_send: 'spend',
  mail_refund: 'refund',
  reply_stamps_received: 'prepaid_received',
};

/** The message a spend (reference = message id) or a refund (`<message id>:<item>`) is for. */
function messageOf(kind: string, reference: string): string | null {
  if (kind === 'spend') return reference;
  if (kind === 'refund') return reference.slice(0, reference.lastIndexOf(':'));
  return null;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
};

/**
 * Applies pulled changes to the local tables. Runs inside the caller's transaction (one per
 * page). Rows a change refers to that have not arrived yet (a contact updated after the message
 * that names it sorts after it) get a placeholder that their own upsert later fills in.
 */
export function createChangeApplier(store: Store) {
  const departure = createResidentDeparture(store);

  /** A sign-in record (a unit's kiosk, a tablet): the resident with PIN hash and badge hash. */
  function resident(data: ResidentData, scope: Scope, at: string): void {
    store.residents.upsert({
      id: data.id,
      facilityId: data.facilityId,
      state: data.state,
      docNumber: data.docNumber,
      firstName: data.firstName,
      lastName: data.lastName,
      tabletSerial: data.tabletSerial,
      housingUnitId: data.housingUnitId,
      badgeHash: data.badgeHash,
      sourceScope: scopeKey(scope),
      updatedAt: at,
    });
    store.residents.reactivate(data.id);
    const pin = localPinHash(data.pinHash);
    const current = store.residents.credential(data.id);
    if (pin && (current?.pinHash !== pin.hash || current.pinSalt !== pin.salt)) {
      store.residents.setPin(data.id, pin.hash, pin.salt, at);
    }
    if (pin || current)
      store.residents.recordAttempts(data.id, data.failedPinAttempts, data.locked, at);
  }

  /** A lobby kiosk's directory entry: who a depositor can find; never credentials. */
  function directoryEntry(data: DirectoryEntryData, scope: Scope, at: string): void {
    store.residents.upsert({
      ...data,
      tabletSerial: null,
      housingUnitId: null,
      badgeHash: null,
      sourceScope: scopeKey(scope),
      updatedAt: at,
    });
    store.residents.reactivate(data.id);
    store.residents.forgetCredential(data.id);
  }

  /**
   * A resident's record withdrawn from `scope`: they leave this device, with everything of
   * theirs, unless a record from another scope keeps them here (moved between two scopes this
   * device reads, or a tombstone in a scope of an earlier release).
   */
  function withdraw(residentId: string, scope: Scope, touched: Touched): void {
    if (store.residents.sourceScope(residentId) !== scopeKey(scope)) return;
    departure.depart(residentId);
    touched.stamps = true;
  }

  function contact(data: ContactData, at: string): void {
    const id = contactId(data.residentId, data.id);
    store.contacts.upsert(
      {
        id,
        residentId: data.residentId,
        customerId: data.id,
        displayName: data.displayName,
        email: '',
        blocked: false,
      },
      at,
    );
    // One holding per contact: the server keeps one balance per (resident, customer).
    store.stamps.saveHolding(
      {
        id,
        residentId: data.residentId,
        contactId: id,
        sourceMessageId: null,
        stamps: data.prepaidReplyStamps,
      },
      at,
    );
  }

  /** Per page: which messages were stored before it and which contacts are known to exist. */
  interface PageMemo {
    storedMessages: Set<string>;
    contacts: Set<string>;
  }

  function message(data: MessageData, at: string, memo: PageMemo): void {
    const localContact = contactId(data.residentId, data.customerId);
    if (!memo.contacts.has(localContact)) {
      store.contacts.ensure(localContact, data.residentId, data.customerId, at);
      memo.contacts.add(localContact);
    }
    const readAt = data.timeline.find((entry) => entry.status === 'read')?.at ?? null;
    store.mail.applyServerMessage(
      {
        id: data.id,
        residentId: data.residentId,
        contactId: localContact,
        direction: data.direction,
        status: data.status,
        subject: data.subject,
        body: data.body,
        stampCost: data.stampsCharged + data.prepaidStampsUsed,
        prepaidReplyStamps:
          data.direction === 'inbound' ? data.prepaidReplyStampsAttached : data.prepaidStampsUsed,
        ecard: data.kind === 'ecard',
        readAt,
        statusReason: data.rejectReason,
        refundedStamps: data.refundedStamps,
        sentAt: data.sentAt,
        updatedAt: at,
      },
      // Local steps (draft, queued) are the device's own; the server's replace the rest.
      data.timeline.flatMap((entry) =>
        entry.status === 'draft' || entry.status === 'queued'
          ? []
          : [{ status: entry.status, at: entry.at, reason: entry.reason ?? null }],
      ),
      data.attachments.map((attachment, index) => ({
        id: `${data.id}:${index}`,
        messageId: data.id,
        kind: attachment.kind,
        fileName: `${attachment.kind}-${index + 1}.${EXTENSIONS[attachment.mime] ?? 'bin'}`,
        mimeType: attachment.mime,
        sizeBytes: attachment.size,
        contentHash: attachment.sha256,
      })),
      memo.storedMessages.has(data.id),
    );
  }

  function account(data: AccountData, at: string): void {
    store.stamps.setConfirmed(data.id, data.stamps, at);
    store.stamps.setSpendable(data.id, data.spendableCents, at);
  }

  function ledgerEntry(data: LedgerEntryData): boolean {
    const kind = LEDGER_KINDS[data.kind];
    if (!kind || data.account === 'money') return false;
    store.stamps.applyServerEntry({
      id: data.id,
      residentId: data.residentId,
      kind,
      stamps: data.amount,
      messageId: messageOf(kind, data.reference),
      at: data.createdAt,
      reference: data.reference,
    });
    return true;
  }

  function ticketMessage(data: TicketMessageData, residentId: string, at: string): void {
    store.tickets.ensure(data.ticketId, residentId, at);
    store.tickets.applyServerMessage(data);
  }

  function releaseRequest({ timeline, ...data }: ReleaseRequestData): void {
    const createdAt = timeline[0]?.at ?? new Date(0).toISOString();
    store.account.applyServerReleaseRequest({ ...data, createdAt }, timeline);
  }

  /** Applies a page's changes of `scope`; records in `touched` what screens must refresh. */
  return function applyChanges(
    changes: readonly Change[],
    scope: Scope,
    at: string,
    touched: Touched,
  ): void {
    const messageIds = changes.flatMap((change) =>
      change.entity === 'message' ? [change.id] : [],
    );
    const memo: PageMemo = { storedMessages: store.mail.stored(messageIds), contacts: new Set() };
    for (const change of changes) applyOne(change, scope, at, touched, memo);
  };

  function applyOne(
    change: Change,
    scope: Scope,
    at: string,
    touched: Touched,
    memo: PageMemo,
  ): void {
    if (change.op === 'delete') {
      remove(change.entity, change.id, scope, at, touched);
      return;
    }
    switch (change.entity) {
      case 'facility':
        store.identity.saveFacility({
          facilityId: change.id,
          version: change.position,
          config: change.data,
          updatedAt: at,
        });
        return;
      case 'resident':
        return resident(change.data, scope, at);
      case 'directory_entry':
        return directoryEntry(change.data, scope, at);
      case 'badge_key':
        store.residents.saveBadgeKey(change.data);
        return;
      case 'assignment':
        store.credentials.assign(change.data.housingUnitId);
        return;
      case 'contact':
        contact(change.data, at);
        touched.stamps = true;
        return;
      case 'message':
        message(change.data, at, memo);
        touched.messageIds.add(change.id);
        return;
      case 'account':
        account(change.data, at);
        touched.stamps = true;
        return;
      case 'ledger_entry':
        if (ledgerEntry(change.data)) touched.stamps = true;
        return;
      case 'ticket':
        store.tickets.applyServerTicket(change.data);
        touched.ticketIds.add(change.id);
        return;
      case 'ticket_message':
        ticketMessage(change.data, scope.id, at);
        touched.ticketIds.add(change.data.ticketId);
        return;
      case 'release_request':
        return releaseRequest(change.data);
      case 'block':
        store.blocks.save(change.data);
        return;
    }
  }

  function remove(
    entity: Change['entity'],
    id: string,
    scope: Scope,
    at: string,
    touched: Touched,
  ): void {
    switch (entity) {
      case 'resident':
      case 'directory_entry':
        withdraw(id, scope, touched);
        return;
      case 'contact':
        // Mail keeps pointing at the contact, so it is hidden rather than deleted.
        store.contacts.hide(contactId(scope.id, id), at);
        return;
      case 'message': {
        // A message the resident may no longer see (a release revoked): it goes with its
        // attachments' bytes (unless another message holds them) and, by trigger, its search row.
        for (const hash of store.mail.remove(id)) store.blobs.dropUnheld(hash);
        touched.messageIds.add(id);
        return;
      }
      case 'ledger_entry':
        store.stamps.removeEntry(id);
        touched.stamps = true;
        return;
      case 'ticket':
        store.tickets.remove(id);
        touched.ticketIds.add(id);
        return;
      case 'ticket_message':
        store.tickets.removeMessage(id);
        return;
      case 'release_request':
        store.account.removeReleaseRequest(id);
        return;
      case 'block':
        store.blocks.remove(id); // the server lifted it (chargeback settled or resolved)
        return;
      case 'facility':
      case 'account':
      case 'badge_key':
      case 'assignment':
        return;
    }
  }
}

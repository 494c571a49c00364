import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
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
  TicketData,
  TicketMessageData,
} from '../../../sync/protocol';
import type { Store } from '../store';
import { createCredentialsRepository } from './credentials';
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
  const db: Database = store.db;
  const departure = createResidentDeparture(store);
  const identity = createCredentialsRepository(db);
  const statements = {
    reactivateResident: db.prepare(`UPDATE residents SET active = 1 WHERE id = ?`),
    sourceOf: db.prepare<[string], { source_scope: string | null }>(
      `SELECT source_scope FROM residents WHERE id = ?`,
    ),
    deleteCredential: db.prepare(`DELETE FROM resident_credentials WHERE resident_id = ?`),
    placeholderContact: db.prepare(
      `INSERT INTO contacts (id, resident_id, customer_id, display_name, email, blocked, updated_at)
       VALUES (?, ?, ?, '', '', 0, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    blockContact: db.prepare(`UPDATE contacts SET blocked = 1, updated_at = ? WHERE id = ?`),
    upsertMessage: db.prepare(
      `INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body,
         reply_to_id, stamp_cost, prepaid_reply_stamps, ecard, read_at, status_reason, sort_at,
         sent_at, updated_at, server_timeline_json)
       VALUES (@id, @residentId, @contactId, @direction, @status, @subject, @body, NULL,
         @stampCost, @prepaidReplyStamps, @ecard, @readAt, @statusReason, @sentAt, @sentAt, @at,
         @serverTimeline)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, subject = excluded.subject,
         body = excluded.body, stamp_cost = excluded.stamp_cost,
         prepaid_reply_stamps = excluded.prepaid_reply_stamps,
         read_at = coalesce(messages.read_at, excluded.read_at),
         status_reason = excluded.status_reason, sent_at = excluded.sent_at,
         updated_at = excluded.updated_at, server_timeline_json = excluded.server_timeline_json`,
    ),
    deleteMessage: db.prepare(`DELETE FROM messages WHERE id = ?`),
    messageBlobs: db.prepare<[string], { content_hash: string }>(
      `SELECT content_hash FROM message_attachments WHERE message_id = ?`,
    ),
    knownMessages: db.prepare<[string], { id: string }>(
      `SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))`,
    ),
    // Local steps (draft, queued) stay; the server's timeline (stored with the row) replaces the
    // rest, e.g. the `sent` step an outcome added.
    clearServerEvents: db.prepare(
      `DELETE FROM message_events WHERE message_id = ? AND status NOT IN ('draft', 'queued')`,
    ),
    addAttachment: db.prepare(
      `INSERT INTO message_attachments (id, message_id, kind, file_name, mime_type, size_bytes,
         content_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    upsertHistory: db.prepare(
      `INSERT INTO stamp_history (id, resident_id, kind, stamps, status, message_id, at)
       VALUES (?, ?, ?, ?, 'confirmed', ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = 'confirmed', stamps = excluded.stamps`,
    ),
    // The local pending row of a send is replaced by the server's ledger entry for it.
    dropLocalSpend: db.prepare(
      `DELETE FROM stamp_history WHERE message_id = ? AND kind = 'spend' AND id <> ?`,
    ),
    deleteHistory: db.prepare(`DELETE FROM stamp_history WHERE id = ?`),
    upsertTicket: db.prepare(
      `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
         created_at, updated_at)
       VALUES (@id, @residentId, @tabletSerial, @category, @description, @status, @createdAt,
         @updatedAt)
       ON CONFLICT (id) DO UPDATE SET tablet_serial = excluded.tablet_serial,
         category = excluded.category, description = excluded.description,
         status = excluded.status, updated_at = excluded.updated_at`,
    ),
    placeholderTicket: db.prepare(
      `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
         created_at, updated_at)
       VALUES (?, ?, '', 'other', '', 'open', ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    deleteTicket: db.prepare(`DELETE FROM tickets WHERE id = ?`),
    upsertTicketMessage: db.prepare(
      `INSERT INTO ticket_messages (id, ticket_id, author, body, delivered, created_at)
       VALUES (@id, @ticketId, @author, @body, 1, @createdAt)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body, delivered = 1`,
    ),
    deleteTicketMessage: db.prepare(`DELETE FROM ticket_messages WHERE id = ?`),
    upsertRelease: db.prepare(
      `INSERT INTO release_requests (id, resident_id, tablet_serial, agency_address, first_name,
         last_name, doc_number, phone, return_address, status, created_at)
       VALUES (@id, @residentId, @tabletSerial, @agencyAddress, @firstName, @lastName,
         @docNumber, @phone, @returnAddress, @status, @createdAt)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status`,
    ),
    clearReleaseEvents: db.prepare(`DELETE FROM release_events WHERE request_id = ?`),
    addReleaseEvent: db.prepare(
      `INSERT INTO release_events (request_id, status, at) VALUES (?, ?, ?)`,
    ),
    deleteRelease: db.prepare(`DELETE FROM release_requests WHERE id = ?`),
  };

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
    statements.reactivateResident.run(data.id);
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
    statements.reactivateResident.run(data.id);
    statements.deleteCredential.run(data.id);
  }

  /**
   * A resident's record withdrawn from `scope`: they leave this device, with everything of
   * theirs, unless a record from another scope keeps them here (moved between two scopes this
   * device reads, or a tombstone in a scope of an earlier release).
   */
  function withdraw(residentId: string, scope: Scope, touched: Touched): void {
    if (statements.sourceOf.get(residentId)?.source_scope !== scopeKey(scope)) return;
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

  /** Per page: which messages exist already and which contacts are known to exist. */
  interface PageMemo {
    knownMessages: Set<string>;
    contacts: Set<string>;
  }

  function message(data: MessageData, at: string, memo: PageMemo): void {
    const localContact = contactId(data.residentId, data.customerId);
    if (!memo.contacts.has(localContact)) {
      statements.placeholderContact.run(localContact, data.residentId, data.customerId, at);
      memo.contacts.add(localContact);
    }
    const readAt = data.timeline.find((entry) => entry.status === 'read')?.at ?? null;
    statements.upsertMessage.run({
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
      ecard: data.kind === 'ecard' ? 1 : 0,
      readAt,
      statusReason: data.rejectReason,
      sentAt: data.sentAt,
      at,
      serverTimeline: JSON.stringify(
        data.timeline
          .filter((entry) => entry.status !== 'draft' && entry.status !== 'queued')
          .map((entry) => ({ status: entry.status, at: entry.at, reason: entry.reason ?? null })),
      ),
    });
    if (memo.knownMessages.has(data.id)) statements.clearServerEvents.run(data.id);
    data.attachments.forEach((attachment, index) => {
      statements.addAttachment.run(
        `${data.id}:${index}`,
        data.id,
        attachment.kind,
        `${attachment.kind}-${index + 1}.${EXTENSIONS[attachment.mime] ?? 'bin'}`,
        attachment.mime,
        attachment.size,
        attachment.sha256,
      );
    });
  }

  function account(data: AccountData, at: string): void {
    store.stamps.setConfirmed(data.id, data.stamps, at);
    store.stamps.setSpendable(data.id, data.spendableCents, at);
  }

  function ledgerEntry(data: LedgerEntryData): boolean {
    const kind = LEDGER_KINDS[data.kind];
    if (!kind || data.account === 'money') return false;
    const messageId = messageOf(kind, data.reference);
    statements.upsertHistory.run(
      data.id,
      data.residentId,
      kind,
      data.amount,
      messageId,
      data.createdAt,
    );
    if (kind === 'spend' && messageId) statements.dropLocalSpend.run(messageId, data.id);
    return true;
  }

  function ticket(data: TicketData): void {
    statements.upsertTicket.run(data);
  }

  function ticketMessage(data: TicketMessageData, residentId: string, at: string): void {
    statements.placeholderTicket.run(data.ticketId, residentId, at, at);
    statements.upsertTicketMessage.run(data);
  }

  function releaseRequest(data: ReleaseRequestData): void {
    const createdAt = data.timeline[0]?.at ?? new Date(0).toISOString();
    statements.upsertRelease.run({ ...data, createdAt });
    statements.clearReleaseEvents.run(data.id);
    for (const entry of data.timeline)
      statements.addReleaseEvent.run(data.id, entry.status, entry.at);
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
    const memo: PageMemo = {
      knownMessages: new Set(
        messageIds.length
          ? statements.knownMessages.all(JSON.stringify(messageIds)).map((row) => row.id)
          : [],
      ),
      contacts: new Set(),
    };
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
        identity.assign(change.data.housingUnitId);
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
        ticket(change.data);
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
        statements.blockContact.run(at, contactId(scope.id, id));
        return;
      case 'message': {
        // A message the resident may no longer see (a release revoked): it goes with its
        // attachments' bytes (unless another message holds them) and, by trigger, its search row.
        const hashes = statements.messageBlobs.all(id).map((row) => row.content_hash);
        statements.deleteMessage.run(id);
        for (const hash of hashes) departure.dropUnheldBytes(hash);
        touched.messageIds.add(id);
        return;
      }
      case 'ledger_entry':
        statements.deleteHistory.run(id);
        touched.stamps = true;
        return;
      case 'ticket':
        statements.deleteTicket.run(id);
        touched.ticketIds.add(id);
        return;
      case 'ticket_message':
        statements.deleteTicketMessage.run(id);
        return;
      case 'release_request':
        statements.deleteRelease.run(id);
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

import { randomUUID } from 'node:crypto';
import { reserveBalance } from '../../../domain/stamps';
import { deliveryExpectation } from '../../../domain/timeline';
import type { MessageDetail, MessageSummary, ParsedInput } from '../../contract';
import type { CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import { ATTACHMENT_KINDS, type AttachmentRef } from '../../../sync/protocol';
import { enqueueMutation } from '../store';
import type { AttachmentRow, MessageListRow } from '../store/repositories/mail';
import { audit } from './audit';
import { residentId } from './auth';
import { decodeCursor, keysetPage } from './cursor';
import { requireService } from './facility';
import { priceMessage, requireContact } from './stamp-pricing';

const PREVIEW_LENGTH = 120;

function summary(row: MessageListRow): MessageSummary {
  return {
    id: row.id,
    direction: row.direction,
    contactId: row.contactId,
    contactName: row.contactName,
    subject: row.subject,
    preview: row.body.slice(0, PREVIEW_LENGTH),
    status: row.status,
    createdAt: row.sortAt,
    sentAt: row.sentAt,
    readAt: row.readAt,
    attachmentCount: row.attachmentCount,
  };
}

/** A message of the signed-in resident; another resident's id is `not_found` (no probing). */
export function ownMessage(context: CallContext, messageId: string): MessageListRow {
  const message = context.core.store.mail.byId(messageId);
  if (!message || message.residentId !== residentId(context)) {
    throw new ServiceError('not_found', 'no such message', { field: 'messageId' });
  }
  return message;
}

function ownDraft(context: CallContext, draftId: string): MessageListRow {
  const draft = ownMessage(context, draftId);
  if (draft.status !== 'draft') {
    throw new ServiceError('conflict', 'this message is no longer a draft', { field: 'draftId' });
  }
  return draft;
}

/**
 * Turns what a person typed into a safe FTS5 expression: every word becomes a quoted prefix
 * term, so quotes, operators and SQL metacharacters are only ever searched for, never run.
 */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
  return words.length === 0 ? null : words.map((word) => `"${word}"*`).join(' ');
}

type DraftFields = ParsedInput<'mail.saveDraft'>;

/**
 * Creates or updates a draft from what the person wrote; runs inside the caller's transaction
 * (saving alone, or saving and sending in one step).
 */
function writeDraft(context: CallContext, input: DraftFields): string {
  requireService(context, input.ecard ? 'ecard' : 'email');
  const resident = residentId(context);
  const contact = requireContact(context, resident, input.contactId);
  if (input.replyToMessageId !== undefined) ownMessage(context, input.replyToMessageId);
  const { store } = context.core;
  const fields = {
    contactId: contact.id,
    subject: input.subject,
    body: input.body,
    replyToId: input.replyToMessageId ?? null,
    ecard: input.ecard,
    updatedAt: context.now,
  };
  if (input.draftId !== undefined) {
    ownDraft(context, input.draftId);
    store.mail.updateDraft({ id: input.draftId, ...fields });
    return input.draftId;
  }
  const id = randomUUID();
  store.mail.insert({
    ...fields,
    id,
    residentId: resident,
    direction: 'outbound',
    status: 'draft',
    stampCost: 0,
    prepaidReplyStamps: 0,
    readAt: null,
    statusReason: null,
    sortAt: context.now,
    sentAt: null,
  });
  store.mail.addEvent(id, 'draft', context.now);
  return id;
}

/**
 * A draft's attachments as the protocol names them (hash, type, size, kind); an e-card's design
 * is not an attachment the service stores. A type the protocol does not take fails the send.
 */
function attachmentRefs(rows: AttachmentRow[]): AttachmentRef[] {
  return rows
    .filter((row) => (ATTACHMENT_KINDS as readonly string[]).includes(row.kind))
    .map((row) => ({
      sha256: row.contentHash,
      mime: row.mimeType as AttachmentRef['mime'],
      size: row.sizeBytes,
      kind: row.kind as AttachmentRef['kind'],
    }));
}

/** Marks an inbound letter read with its outbox row; the resident's other screens are told. */
function markRead(context: CallContext, message: MessageListRow): void {
  const { store } = context.core;
  const changed = store.transaction(() => {
    if (!store.mail.markRead(message.id, context.now)) return false;
    enqueueMutation(
      store,
      'mail.markRead',
      { messageId: message.id, residentId: message.residentId, readAt: context.now },
      context.now,
    );
    return true;
  });
  if (changed) {
    context.core.tellResident(message.residentId, context.connection.id, 'mail.changed', {
      messageIds: [message.id],
    });
  }
}

function detail(context: CallContext, row: MessageListRow): MessageDetail {
  const { mail } = context.core.store;
  const delivery = row.sentAt ? deliveryExpectation(row.sentAt, row.status, context.now) : null;
  return {
    ...summary(row),
    body: row.body,
    attachments: mail.attachments(row.id).map((attachment) => ({
      id: attachment.id,
      kind: attachment.kind,
      mimeType: attachment.mimeType,
      sizeBytes: attachment.sizeBytes,
      sha256: attachment.contentHash,
      available: attachment.available,
    })),
    timeline: mail.events(row.id),
    expectedDeliveryAt: delivery?.ok ? delivery.value.expectedAt : null,
    overdue: delivery?.ok ? delivery.value.overdue : false,
    replyToMessageId: row.replyToId,
    stampCost: row.direction === 'outbound' && row.status !== 'draft' ? row.stampCost : null,
    prepaidReplyStamps: row.prepaidReplyStamps,
    refusalReason: row.status === 'draft' ? row.statusReason : null,
    refundedStamps: row.refundedStamps,
    ecard: row.ecard,
  };
}

export const mailHandlers = {
  'mail.contacts'(context) {
    const resident = residentId(context);
    const { contacts, stamps } = context.core.store;
    return {
      contacts: contacts
        .forResident(resident)
        .filter((contact) => !contact.blocked)
        .map((contact) => ({
          id: contact.id,
          displayName: contact.displayName,
          prepaidReplyStamps: stamps
            .holdingsFor(resident, contact.id)
            .reduce((sum, holding) => sum + holding.available, 0),
        })),
    };
  },

  'mail.list'(context, input) {
    const resident = residentId(context);
    const before = decodeCursor(input.before);
    const { mail } = context.core.store;
    const page = keysetPage(
      mail.page(
        resident,
        input.folder,
        input.limit + 1,
        before && { sortAt: before.at, id: before.id },
      ),
      input.limit,
      (row) => ({ at: row.sortAt, id: row.id }),
    );
    return {
      messages: page.rows.map(summary),
      nextCursor: page.nextCursor,
      unreadCount: mail.unreadCount(resident),
    };
  },

  'mail.search'(context, input) {
    const query = ftsQuery(input.query);
    if (!query) return { messages: [] };
    const rows = context.core.store.mail.search(residentId(context), query, input.limit);
    return { messages: rows.map(summary) };
  },

  /** Opening an unread letter marks it read in the same call (one round trip). */
  'mail.read'(context, input) {
    const message = ownMessage(context, input.messageId);
    if (message.direction !== 'inbound' || message.readAt !== null) return detail(context, message);
    markRead(context, message);
    return detail(context, context.core.store.mail.byId(message.id)!);
  },

  'mail.attachment'(context, input) {
    const { mail, blobs } = context.core.store;
    const attachment = mail.attachment(input.attachmentId);
    if (!attachment || attachment.residentId !== residentId(context)) {
      throw new ServiceError('not_found', 'no such attachment', { field: 'attachmentId' });
    }
    const data = blobs.get(attachment.contentHash);
    if (!data) throw new ServiceError('not_found', 'this attachment is still downloading');
    return { mimeType: attachment.mimeType, dataBase64: data.toString('base64') };
  },

  'mail.markRead'(context, input) {
    const message = ownMessage(context, input.messageId);
    if (message.direction === 'inbound') markRead(context, message);
    return {};
  },

  'mail.saveDraft'(context, input) {
    const { store } = context.core;
    return { draftId: store.transaction(() => writeDraft(context, input)) };
  },

  'mail.deleteDraft'(context, input) {
    ownDraft(context, input.draftId);
    context.core.store.mail.deleteDraft(input.draftId);
    return {};
  },

  /**
   * Works offline: the stamps are reserved, and the message, its timeline row, the stamp
   * history row and the outbox mutation are written in one transaction. The input is a saved
   * draft's id, or the draft's fields themselves: then saving and sending are that one
   * transaction too (one call from the compose screen).
   */
  'mail.send'(context, input) {
    const resident = residentId(context);
    const { store } = context.core;
    const sent = store.transaction(() => {
      const draftId = 'contactId' in input ? writeDraft(context, input) : input.draftId;
      const draft = ownDraft(context, draftId);
      requireService(context, draft.ecard ? 'ecard' : 'email');
      const contact = requireContact(context, resident, draft.contactId);
      const price = priceMessage(context, resident, contact, draft.ecard);
      if (price.fromBalance > 0) {
        const reserved = reserveBalance(
          {
            confirmed: store.stamps.confirmed(resident),
            reserved: store.stamps.reserved(resident),
          },
          price.fromBalance,
        );
        if (!reserved.ok) {
          throw new ServiceError('insufficient_stamps', 'not enough stamps for this message', {
            required: price.fromBalance,
            available: price.available,
          });
        }
      }
      const { mutationId } = enqueueMutation(
        store,
        'mail.send',
        {
          messageId: draft.id,
          residentId: resident,
          customerId: contact.customerId,
          kind: draft.ecard ? 'ecard' : 'email',
          subject: draft.subject,
          body: draft.body,
          attachments: attachmentRefs(store.mail.attachments(draft.id)),
          reservedStamps: price.total,
        },
        context.now,
      );
      const reservation = {
        residentId: resident,
        messageId: draft.id,
        mutationId,
        state: 'pending' as const,
        createdAt: context.now,
      };
      if (price.fromBalance > 0) {
        store.stamps.reserve({
          ...reservation,
          id: randomUUID(),
          stamps: price.fromBalance,
          prepaidStamps: 0,
          holdingId: null,
        });
      }
      for (const holding of price.holdings) {
        store.stamps.reserve({
          ...reservation,
          id: randomUUID(),
          stamps: 0,
          prepaidStamps: holding.stamps,
          holdingId: holding.holdingId,
        });
      }
      store.stamps.recordHistory({
        id: mutationId,
        residentId: resident,
        kind: 'spend',
        stamps: -price.total,
        status: 'pending',
        messageId: draft.id,
        at: context.now,
      });
      store.mail.setStatus({
        id: draft.id,
        status: 'queued',
        reason: null,
        stampCost: price.total,
        sentAt: context.now,
        at: context.now,
      });
      store.mail.addEvent(draft.id, 'queued', context.now);
      audit(context, 'mail.send', draft.id, { stamps: price.total, mutationId });
      return { message: store.mail.byId(draft.id)!, price };
    });
    context.core.tellResident(resident, context.connection.id, 'mail.changed', {
      messageIds: [sent.message.id],
    });
    context.core.tellResident(resident, context.connection.id, 'stamps.changed', {});
    return {
      message: summary(sent.message),
      fromPrepaid: sent.price.fromPrepaid,
      fromBalance: sent.price.fromBalance,
    };
  },
} satisfies Partial<Handlers>;

import {
  deliveryExpectation,
  stampCost,
  type FacilityConfig,
  type MessageDirection,
  type MessageItems,
} from '../../domain';
import type { AttachmentRef, TimelineEntry } from '../protocol';
import { publishMessageRow, type MessageRow } from './publish';
import { reject } from './rejection';
import { flagText } from './moderation';
import { prepared, typed } from './storage/typed';
import type { Work } from './work';

/**
 * Mail accepted by the central service (resident -> customer through push, customer -> resident
 * through the customer API): priced with the domain's stamp rules, flagged by moderation, and
 * put into the staff review queue (`in_review`); every message is reviewed before release.
 */

export interface NewMessage {
  id: string;
  facility: FacilityConfig;
  residentId: string;
  customerId: string;
  direction: MessageDirection;
  kind: 'email' | 'ecard';
  subject: string;
  body: string;
  attachments: AttachmentRef[];
  stampsCharged: number;
  prepaidUsed: number;
  prepaidAttached: number;
}

/** Stamps a message costs at a facility, or a rejection (feature not offered here). */
export function priceMessage(
  facility: FacilityConfig,
  kind: 'email' | 'ecard',
  attachments: readonly AttachmentRef[],
): number {
  const items: MessageItems = { [kind]: 1 };
  for (const attachment of attachments) {
    items[attachment.kind] = (items[attachment.kind] ?? 0) + 1;
  }
  const cost = stampCost(facility, items);
  if (!cost.ok) {
    reject(
      cost.error.code === 'feature_not_offered' ? 'feature_not_offered' : 'invalid_args',
      cost.error.message,
    );
  }
  return cost.value.totalStamps;
}

/**
 * Every attachment must have been uploaded whole (hash and type verified) by the sender, for
 * this very message, before the message is sent: a hash alone attaches nothing.
 */
export async function requireUploaded(
  work: Work,
  attachments: readonly AttachmentRef[],
  upload: { uploaderKey: string; messageId: string },
) {
  const q = typed(work.tx);
  for (const attachment of attachments) {
    const blob = await q.first((db) =>
      db
        .selectFrom('blob_uploads as u')
        .innerJoin('blobs as b', 'b.sha256', 'u.sha256')
        .select(['b.mime', 'b.size'])
        .where('u.sha256', '=', attachment.sha256)
        .where('u.uploader', '=', upload.uploaderKey)
        .where('u.message_id', '=', upload.messageId)
        .where('u.complete', '=', 1)
        .where('b.complete', '=', 1),
    );
    if (!blob || blob.size !== attachment.size || blob.mime !== attachment.mime) {
      reject('attachment_missing', `attachment ${attachment.sha256} is not uploaded`);
    }
  }
}

// The statements of every message sent, compiled once per engine.
const messageExists = prepared((db, p: { id: string }) =>
  db.selectFrom('messages').select('id').where('id', '=', p.id),
);

const insertMessageRow = prepared((db, p: MessageRow) =>
  db.insertInto('messages').values({
    id: p.id,
    facility_id: p.facility_id,
    resident_id: p.resident_id,
    customer_id: p.customer_id,
    direction: p.direction,
    kind: p.kind,
    subject: p.subject,
    body: p.body,
    attachments: p.attachments,
    status: p.status,
    timeline: p.timeline,
    stamps_charged: p.stamps_charged,
    prepaid_used: p.prepaid_used,
    prepaid_attached: p.prepaid_attached,
    sent_at: p.sent_at,
    expected_by: p.expected_by,
    reject_reason: p.reject_reason,
    flags: p.flags,
    escalated: p.escalated,
    item_stamps: p.item_stamps,
    withheld: p.withheld,
    refunded_stamps: p.refunded_stamps,
  }),
);

const recordAttachment = prepared((db, p: { messageId: string; sha256: string }) =>
  db.insertInto('message_attachments').values({ message_id: p.messageId, sha256: p.sha256 }),
);

export async function insertMessage(work: Work, message: NewMessage): Promise<void> {
  const q = typed(work.tx);
  const exists = await q.first(messageExists, { id: message.id });
  if (exists) reject('conflict', `message ${message.id} already exists`);
  const expectation = deliveryExpectation(work.now, 'in_review', work.now);
  if (!expectation.ok) throw new Error(expectation.error.message);
  const timeline: TimelineEntry[] = [
    { status: 'sent', at: work.now },
    { status: 'in_review', at: work.now },
  ];
  const row: MessageRow = {
    id: message.id,
    facility_id: message.facility.id,
    resident_id: message.residentId,
    customer_id: message.customerId,
    direction: message.direction,
    kind: message.kind,
    subject: message.subject,
    body: message.body,
    attachments: JSON.stringify(message.attachments),
    status: 'in_review',
    timeline: JSON.stringify(timeline),
    stamps_charged: message.stampsCharged,
    prepaid_used: message.prepaidUsed,
    prepaid_attached: message.prepaidAttached,
    sent_at: work.now,
    expected_by: expectation.value.expectedAt,
    reject_reason: null,
    flags: JSON.stringify(flagText(message.facility, `${message.subject}\n${message.body}`)),
    escalated: 0,
    item_stamps: JSON.stringify(
      message.attachments.map((attachment) => message.facility.stampCosts[attachment.kind]),
    ),
    withheld: '[]',
    refunded_stamps: 0,
  };
  await q.run(insertMessageRow, row);
  await recordAttachments(work, message.id, message.attachments);
  await publishMessageRow(work, row);
}

/**
 * Which messages hold which blobs: a blob is readable by whoever may read a message holding it
 * (blob-access.ts), so this is written with the message, in the same transaction.
 */
async function recordAttachments(
  work: Work,
  messageId: string,
  attachments: readonly AttachmentRef[],
): Promise<void> {
  const q = typed(work.tx);
  for (const sha256 of new Set(attachments.map((attachment) => attachment.sha256))) {
    await q.run(recordAttachment, { messageId, sha256 });
  }
}

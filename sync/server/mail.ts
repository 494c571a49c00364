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
  for (const attachment of attachments) {
    const blob = await work.tx.get<{ mime: string; size: number }>(
      `SELECT b.mime, b.size FROM blob_uploads u JOIN blobs b ON b.sha256 = u.sha256
       WHERE u.sha256 = ? AND u.uploader = ? AND u.message_id = ? AND u.complete = 1
         AND b.complete = 1`,
      [attachment.sha256, upload.uploaderKey, upload.messageId],
    );
    if (!blob || blob.size !== attachment.size || blob.mime !== attachment.mime) {
      reject('attachment_missing', `attachment ${attachment.sha256} is not uploaded`);
    }
  }
}

export async function insertMessage(work: Work, message: NewMessage): Promise<void> {
  const exists = await work.tx.get('SELECT 1 AS yes FROM messages WHERE id = ?', [message.id]);
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
  await work.tx.run(
    `INSERT INTO messages (id, facility_id, resident_id, customer_id, direction, kind, subject, body,
       attachments, status, timeline, stamps_charged, prepaid_used, prepaid_attached, sent_at,
       expected_by, reject_reason, flags, escalated, item_stamps)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.facility_id,
      row.resident_id,
      row.customer_id,
      row.direction,
      row.kind,
      row.subject,
      row.body,
      row.attachments,
      row.status,
      row.timeline,
      row.stamps_charged,
      row.prepaid_used,
      row.prepaid_attached,
      row.sent_at,
      row.expected_by,
      row.reject_reason,
      row.flags,
      row.escalated,
      row.item_stamps,
    ],
  );
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
  for (const sha256 of new Set(attachments.map((attachment) => attachment.sha256))) {
    await work.tx.run('INSERT INTO message_attachments (message_id, sha256) VALUES (?, ?)', [
      messageId,
      sha256,
    ]);
  }
}

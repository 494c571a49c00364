import { appendToTimeline, type MessageStatus, type RejectReason } from '../../domain';
import type { AttachmentRef } from '../protocol';
import { bookReplyStamps } from './ledger';
import { refundItems, type RefundResult } from './money/mail-refunds';
import { isReleased, publishContact, publishMessageRow, type MessageRow } from './publish';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Work } from './work';

/**
 * What a review decision does to a message, apart from the audit the caller writes. Release
 * opens the gate: the message, its attachments and the prepaid reply stamps it carries reach the
 * resident's devices only now. Rejection (from review, or a release revoked later) closes it:
 * devices that could have the message get a tombstone and delete it.
 *
 * Either way the stamps of every item rejected go back to whoever paid (money/mail-refunds.ts),
 * in the decision's transaction, with the message row locked by the caller.
 */

/** An attachment review rejected while the text was released. */
export interface Withheld {
  sha256: string;
  reason: RejectReason;
}

async function moveTo(
  work: Work,
  row: MessageRow,
  to: MessageStatus,
  reason?: RejectReason,
): Promise<MessageRow> {
  const moved = appendToTimeline(JSON.parse(row.timeline), to, work.now, reason);
  if (!moved.ok) reject('conflict', moved.error.message);
  const updated: MessageRow = {
    ...row,
    status: to,
    timeline: JSON.stringify(moved.value),
    reject_reason: reason ?? null,
  };
  await typed(work.tx).run((db) =>
    db
      .updateTable('messages')
      .set({
        status: updated.status,
        timeline: updated.timeline,
        reject_reason: updated.reject_reason,
      })
      .where('id', '=', row.id),
  );
  await publishMessageRow(work, updated);
  return updated;
}

/** Every hash named must be one of the message's attachments (nothing moves otherwise). */
export function requireAttachments(row: MessageRow, named: readonly { sha256: string }[]): void {
  const held = new Set((JSON.parse(row.attachments) as AttachmentRef[]).map((a) => a.sha256));
  const unknown = named.find((item) => !held.has(item.sha256));
  if (unknown) reject('invalid_args', `the message has no attachment ${unknown.sha256}`);
}

/** Marks attachments withheld from the recipient (hidden from them for good) and refunds them. */
async function withhold(
  work: Work,
  row: MessageRow,
  withheld: readonly Withheld[],
): Promise<{ row: MessageRow; refund: RefundResult }> {
  requireAttachments(row, withheld);
  const q = typed(work.tx);
  for (const item of withheld) {
    await q.run((db) =>
      db
        .updateTable('message_attachments')
        .set({ withheld: 1 })
        .where('message_id', '=', row.id)
        .where('sha256', '=', item.sha256),
    );
  }
  const refund = await refundItems(
    work,
    row,
    withheld.map((item) => item.sha256),
  );
  const updated = {
    ...row,
    withheld: JSON.stringify(withheld),
    refunded_stamps: Number(row.refunded_stamps ?? 0) + refund.stamps,
  };
  await q.run((db) =>
    db.updateTable('messages').set({ withheld: updated.withheld }).where('id', '=', row.id),
  );
  return { row: updated, refund };
}

/**
 * Approve: the message is released, without the attachments review rejected (their stamps go
 * back to the payer); an inbound one brings its prepaid reply stamps.
 */
export async function releaseMessage(
  work: Work,
  row: MessageRow,
  withheld: readonly Withheld[] = [],
): Promise<{ row: MessageRow; refund: RefundResult }> {
  const kept = await withhold(work, row, withheld);
  const released = await moveTo(work, kept.row, 'released');
  if (row.direction === 'inbound' && row.prepaid_attached > 0) {
    await bookReplyStamps(
      work,
      row.resident_id,
      row.customer_id,
      row.prepaid_attached,
      'reply_stamps_received',
      row.id,
    );
    await publishContact(work, row.resident_id, row.customer_id);
  }
  return { row: released, refund: kept.refund };
}

/**
 * Reject, from review or revoking a release (released, delivered or read). Devices that could
 * have the message delete it. Every item not refunded yet is refunded; prepaid reply stamps a
 * customer attached go back to the customer only if the message was never released: once
 * released they reached the resident, whose device showed them and who may have spent them.
 */
export async function rejectMessage(
  work: Work,
  row: MessageRow,
  reason: RejectReason,
): Promise<{ row: MessageRow; refund: RefundResult }> {
  const attachments = (JSON.parse(row.attachments) as AttachmentRef[]).map((a) => a.sha256);
  const items = ['text', ...attachments, ...(isReleased(row.status) ? [] : ['prepaid'])];
  const refund = await refundItems(work, row, items);
  const refunded = { ...row, refunded_stamps: Number(row.refunded_stamps ?? 0) + refund.stamps };
  return { row: await moveTo(work, refunded, 'rejected', reason), refund };
}

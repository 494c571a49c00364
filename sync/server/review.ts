import { appendToTimeline, type MessageStatus, type RejectReason } from '../../domain';
import { bookReplyStamps } from './ledger';
import { publishContact, publishMessageRow, type MessageRow } from './publish';
import { reject } from './rejection';
import type { Work } from './work';

/**
 * What a review decision does to a message, apart from the audit the caller writes. Release
 * opens the gate: the message, its attachments and the prepaid reply stamps it carries reach the
 * resident's devices only now. Rejection (from review, or a release revoked later) closes it:
 * devices that could have the message get a tombstone and delete it.
 *
 * Refunds of the stamps a rejected item cost belong in `rejectMessage`: it runs once per
 * rejection, in the decision's transaction, with the message row as it was.
 */

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
  await work.tx.run(
    'UPDATE messages SET status = ?, timeline = ?, reject_reason = ? WHERE id = ?',
    [updated.status, updated.timeline, updated.reject_reason, row.id],
  );
  await publishMessageRow(work, updated);
  return updated;
}

/** Approve: the message is released; an inbound one brings its prepaid reply stamps. */
export async function releaseMessage(work: Work, row: MessageRow): Promise<MessageRow> {
  const released = await moveTo(work, row, 'released');
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
  return released;
}

/**
 * Reject, from review or revoking a release (released, delivered or read). Devices that could
 * have the message delete it. Prepaid reply stamps already released stay with the resident:
 * the device showed them and they may be spent.
 */
export async function rejectMessage(
  work: Work,
  row: MessageRow,
  reason: RejectReason,
): Promise<MessageRow> {
  return moveTo(work, row, 'rejected', reason);
}

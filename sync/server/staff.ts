import {
  deliveryExpectation,
  unlockAccount,
  type RejectReason,
  type ReviewDecision,
} from '../../domain';
import { transitionRelease, type ReleaseStatus } from '../../domain';
import type { AttachmentRef, AuditEntry, ReleaseRequestData, ReviewItem } from '../protocol';
import { tokenHash } from './auth/secrets';
import { audit } from './audit';
import { HttpError } from './http/errors';
import { isReleased, publishReleaseRequest, publishResident, type MessageRow } from './publish';
import { reject } from './rejection';
import { rejectMessage, releaseMessage } from './review';
import type { Storage } from './storage/types';
import type { Work } from './work';

/**
 * Facility staff: the review queue (every message is reviewed; text flags shown), decisions
 * (approve, reject with a reason code, escalate), unlocks, the audit trail and overdue mail.
 * Every decision is written to the audit trail in the same transaction.
 */

export interface StaffMember {
  id: string;
  name: string;
  facilityId: string;
}

export async function staffByToken(storage: Storage, token: string): Promise<StaffMember> {
  const row = await storage.get<{ id: string; name: string; facility_id: string }>(
    'SELECT id, name, facility_id FROM staff WHERE token_hash = ?',
    [tokenHash(token)],
  );
  if (!row) throw new HttpError(401, 'unauthorized', 'unknown staff token');
  return { id: row.id, name: row.name, facilityId: row.facility_id };
}

function reviewItem(row: MessageRow): ReviewItem {
  const attachments = JSON.parse(row.attachments) as AttachmentRef[];
  return {
    messageId: row.id,
    residentId: row.resident_id,
    customerId: row.customer_id,
    direction: row.direction,
    subject: row.subject,
    body: row.body,
    attachmentCount: attachments.length,
    attachments,
    status: row.status,
    flags: JSON.parse(row.flags),
    escalated: row.escalated === 1,
    sentAt: row.sent_at,
    expectedDeliveryBy: row.expected_by,
  };
}

/** Messages waiting for review, oldest first; `flagged` keeps only those with text flags. */
export async function reviewQueue(
  storage: Storage,
  staff: StaffMember,
  filter: 'pending' | 'flagged' | 'escalated',
) {
  const rows = await storage.all<MessageRow>(
    "SELECT * FROM messages WHERE facility_id = ? AND status = 'in_review' ORDER BY sent_at, id LIMIT 500",
    [staff.facilityId],
  );
  const items = rows.map(reviewItem);
  if (filter === 'flagged') return items.filter((item) => item.flags.length > 0);
  if (filter === 'escalated') return items.filter((item) => item.escalated);
  return items;
}

/** A message of the staff member's facility, locked for a decision; others are not found. */
async function facilityMessage(work: Work, staff: StaffMember, messageId: string) {
  const row = await work.tx.get<MessageRow>(
    `SELECT * FROM messages WHERE id = ?${work.tx.forUpdate}`,
    [messageId],
  );
  if (!row || row.facility_id !== staff.facilityId)
    reject('not_found', `no message ${messageId} here`);
  return row;
}

export async function decide(
  work: Work,
  staff: StaffMember,
  messageId: string,
  decision: { decision: ReviewDecision; reason?: RejectReason; note: string },
): Promise<ReviewItem> {
  const row = await facilityMessage(work, staff, messageId);
  if (row.status !== 'in_review') reject('conflict', `message is ${row.status}, not in review`);
  let updated = row;
  if (decision.decision === 'escalate') {
    await work.tx.run('UPDATE messages SET escalated = 1 WHERE id = ?', [messageId]);
    updated = { ...row, escalated: 1 };
  } else if (decision.decision === 'approve') {
    updated = await releaseMessage(work, row);
  } else {
    if (!decision.reason) reject('invalid_args', 'a rejection needs a reason code');
    updated = await rejectMessage(work, row, decision.reason);
  }
  await audit(work, `staff:${staff.id}`, `review.${decision.decision}`, 'message', messageId, {
    reason: decision.reason ?? null,
    note: decision.note,
  });
  return reviewItem(updated);
}

/**
 * Revokes a release (a threat seen too late): the message becomes rejected with a reason and the
 * resident's devices delete it. Audited like every decision.
 */
export async function revokeRelease(
  work: Work,
  staff: StaffMember,
  messageId: string,
  decision: { reason: RejectReason; note: string },
): Promise<ReviewItem> {
  const row = await facilityMessage(work, staff, messageId);
  if (!isReleased(row.status)) reject('conflict', `message is ${row.status}, not released`);
  const updated = await rejectMessage(work, row, decision.reason);
  await audit(work, `staff:${staff.id}`, 'review.revoke', 'message', messageId, {
    reason: decision.reason,
    note: decision.note,
  });
  return reviewItem(updated);
}

export async function unlockResident(
  work: Work,
  staff: StaffMember,
  residentId: string,
): Promise<void> {
  const row = await work.tx.get<{ facility_id: string }>(
    'SELECT facility_id FROM residents WHERE id = ?',
    [residentId],
  );
  if (!row || row.facility_id !== staff.facilityId)
    reject('not_found', `no resident ${residentId} here`);
  const state = unlockAccount();
  await work.tx.run('UPDATE residents SET failed_pin_attempts = ?, locked_at = ? WHERE id = ?', [
    state.failedAttempts,
    state.lockedAt,
    residentId,
  ]);
  await audit(work, `staff:${staff.id}`, 'resident.unlock', 'resident', residentId, {});
  await publishResident(work, residentId);
}

/** Customers are not bound to one facility; staff may unlock those linked to their residents. */
export async function unlockCustomer(
  work: Work,
  staff: StaffMember,
  customerId: string,
): Promise<void> {
  const linked = await work.tx.get(
    `SELECT 1 AS yes FROM customer_residents cr JOIN residents r ON r.id = cr.resident_id
     WHERE cr.customer_id = ? AND r.facility_id = ?`,
    [customerId, staff.facilityId],
  );
  if (!linked) reject('not_found', `no customer ${customerId} here`);
  const state = unlockAccount();
  await work.tx.run('UPDATE customers SET failed_logins = ?, locked_at = ? WHERE id = ?', [
    state.failedAttempts,
    state.lockedAt,
    customerId,
  ]);
  await audit(work, `staff:${staff.id}`, 'customer.unlock', 'customer', customerId, {});
}

export async function auditTrail(storage: Storage, subjectId: string): Promise<AuditEntry[]> {
  const rows = await storage.all<{
    id: string;
    actor: string;
    action: string;
    subject_type: string;
    subject_id: string;
    detail: string;
    at: string;
  }>('SELECT * FROM audit WHERE subject_id = ? ORDER BY at, id', [subjectId]);
  return rows.map((row) => ({
    id: row.id,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    detail: JSON.parse(row.detail),
    at: row.at,
  }));
}

/** Messages past the 72-hour delivery target and still not delivered (domain rule). */
export async function overdueMessages(
  storage: Storage,
  staff: StaffMember,
  now: string,
): Promise<ReviewItem[]> {
  const rows = await storage.all<MessageRow>(
    "SELECT * FROM messages WHERE facility_id = ? AND status IN ('sent', 'in_review', 'released') AND expected_by < ? ORDER BY sent_at",
    [staff.facilityId, now],
  );
  return rows
    .filter((row) => {
      const expectation = deliveryExpectation(row.sent_at, row.status, now);
      return expectation.ok && expectation.value.overdue;
    })
    .map(reviewItem);
}

/** Moves a tablet release request one step (domain transitionRelease), audited and published. */
export async function moveReleaseRequest(
  work: Work,
  staff: StaffMember,
  requestId: string,
  to: ReleaseStatus,
): Promise<ReleaseRequestData> {
  const row = await work.tx.get<{ data: string; facility_id: string }>(
    `SELECT q.data, r.facility_id FROM release_requests q JOIN residents r ON r.id = q.resident_id
     WHERE q.id = ?${work.tx.forUpdate}`,
    [requestId],
  );
  if (!row || row.facility_id !== staff.facilityId)
    reject('not_found', `no release request ${requestId} here`);
  const request = JSON.parse(row.data) as ReleaseRequestData;
  const moved = transitionRelease(request.status, to);
  if (!moved.ok) reject('conflict', moved.error.message);
  const updated: ReleaseRequestData = {
    ...request,
    status: to,
    timeline: [...request.timeline, { status: to, at: work.now }],
  };
  await work.tx.run('UPDATE release_requests SET data = ? WHERE id = ?', [
    JSON.stringify(updated),
    requestId,
  ]);
  await audit(work, `staff:${staff.id}`, `release.${to}`, 'release_request', requestId, {});
  publishReleaseRequest(work, updated);
  return updated;
}

import { deliveryExpectation, unlockAccount, type RejectReason } from '../../domain';
import { transitionRelease, type ReleaseStatus } from '../../domain';
import type {
  AttachmentRef,
  AuditEntry,
  ReleaseRequestData,
  ReviewDecisionRequest,
  ReviewItem,
} from '../protocol';
import { clearFailures } from './auth/login-failures';
import { auditStaff } from './audit';
import { mayActIn, type StaffActor } from './http/access-control';
import { isReleased, publishReleaseRequest, publishResident, type MessageRow } from './publish';
import { reject } from './rejection';
import type { RefundResult } from './money/mail-refunds';
import { rejectMessage, releaseMessage, requireAttachments } from './review';
import type { SqlValue, Storage } from './storage/types';
import type { Work } from './work';

/**
 * Facility staff: the review queue (every message is reviewed; text flags shown), decisions
 * (approve, reject with a reason code, escalate), unlocks, the audit trail and overdue mail.
 * Every decision is written to the audit trail in the same transaction.
 */

/** `column IN (the staff member's facilities)`, or nothing to add for an all-facility grant. */
function facilityScope(staff: StaffActor, column: string): { sql: string; params: SqlValue[] } {
  if (staff.facilities === '*') return { sql: '1 = 1', params: [] };
  if (staff.facilities.length === 0) return { sql: '1 = 0', params: [] };
  return {
    sql: `${column} IN (${staff.facilities.map(() => '?').join(', ')})`,
    params: [...staff.facilities],
  };
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
  staff: StaffActor,
  filter: 'pending' | 'flagged' | 'escalated',
) {
  const scope = facilityScope(staff, 'facility_id');
  const rows = await storage.all<MessageRow>(
    `SELECT * FROM messages WHERE ${scope.sql} AND status = 'in_review' ORDER BY sent_at, id LIMIT 500`,
    scope.params,
  );
  const items = rows.map(reviewItem);
  if (filter === 'flagged') return items.filter((item) => item.flags.length > 0);
  if (filter === 'escalated') return items.filter((item) => item.escalated);
  return items;
}

/** A message of one of the staff member's facilities, locked for a decision; others are not found. */
async function facilityMessage(work: Work, staff: StaffActor, messageId: string) {
  const row = await work.tx.get<MessageRow>(
    `SELECT * FROM messages WHERE id = ?${work.tx.forUpdate}`,
    [messageId],
  );
  if (!row || !mayActIn(staff, row.facility_id))
    reject('not_found', `no message ${messageId} here`);
  return row;
}

export async function decide(
  work: Work,
  staff: StaffActor,
  messageId: string,
  decision: ReviewDecisionRequest,
): Promise<ReviewItem> {
  const row = await facilityMessage(work, staff, messageId);
  if (row.status !== 'in_review') reject('conflict', `message is ${row.status}, not in review`);
  let updated = row;
  let refund: RefundResult = { stamps: 0, items: [] };
  if (decision.decision === 'escalate') {
    await work.tx.run('UPDATE messages SET escalated = 1 WHERE id = ?', [messageId]);
    updated = { ...row, escalated: 1 };
  } else if (decision.decision === 'approve') {
    requireAttachments(row, decision.attachments);
    const withheld = decision.attachments.flatMap((item) =>
      item.decision === 'reject' && item.reason
        ? [{ sha256: item.sha256, reason: item.reason }]
        : [],
    );
    ({ row: updated, refund } = await releaseMessage(work, row, withheld));
  } else {
    if (!decision.reason) reject('invalid_args', 'a rejection needs a reason code');
    ({ row: updated, refund } = await rejectMessage(work, row, decision.reason));
  }
  const after = reviewItem(updated);
  await auditStaff(
    work,
    staff,
    `review.${decision.decision}`,
    { type: 'message', id: messageId, facilityId: row.facility_id },
    {
      before: { status: row.status, escalated: row.escalated === 1 },
      after: {
        status: after.status,
        escalated: after.escalated,
        reason: decision.reason ?? null,
        attachments: decision.attachments,
        refunded: refund,
      },
      note: decision.note,
    },
  );
  return after;
}

/**
 * Revokes a release (a threat seen too late): the message becomes rejected with a reason and the
 * resident's devices delete it. Audited like every decision.
 */
export async function revokeRelease(
  work: Work,
  staff: StaffActor,
  messageId: string,
  decision: { reason: RejectReason; note: string },
): Promise<ReviewItem> {
  const row = await facilityMessage(work, staff, messageId);
  if (!isReleased(row.status)) reject('conflict', `message is ${row.status}, not released`);
  const rejected = await rejectMessage(work, row, decision.reason);
  const after = reviewItem(rejected.row);
  await auditStaff(
    work,
    staff,
    'review.revoke',
    { type: 'message', id: messageId, facilityId: row.facility_id },
    {
      before: { status: row.status },
      after: { status: after.status, reason: decision.reason, refunded: rejected.refund },
      note: decision.note,
    },
  );
  return after;
}

export async function unlockResident(
  work: Work,
  staff: StaffActor,
  residentId: string,
): Promise<void> {
  const row = await work.tx.get<{
    facility_id: string;
    failed_pin_attempts: number;
    locked_at: string | null;
  }>('SELECT facility_id, failed_pin_attempts, locked_at FROM residents WHERE id = ?', [
    residentId,
  ]);
  if (!row || !mayActIn(staff, row.facility_id))
    reject('not_found', `no resident ${residentId} here`);
  const state = unlockAccount();
  await work.tx.run('UPDATE residents SET failed_pin_attempts = ?, locked_at = ? WHERE id = ?', [
    state.failedAttempts,
    state.lockedAt,
    residentId,
  ]);
  await auditStaff(
    work,
    staff,
    'resident.unlock',
    { type: 'resident', id: residentId, facilityId: row.facility_id },
    {
      before: { failedAttempts: Number(row.failed_pin_attempts), lockedAt: row.locked_at },
      after: state,
    },
  );
  await publishResident(work, residentId);
}

/** Customers are not bound to one facility; staff may unlock those linked to their residents. */
export async function unlockCustomer(
  work: Work,
  staff: StaffActor,
  customerId: string,
): Promise<void> {
  const scope = facilityScope(staff, 'r.facility_id');
  const linked = await work.tx.get<{ facility_id: string }>(
    `SELECT r.facility_id FROM customer_residents cr JOIN residents r ON r.id = cr.resident_id
     WHERE cr.customer_id = ? AND ${scope.sql} ORDER BY r.facility_id LIMIT 1`,
    [customerId, ...scope.params],
  );
  if (!linked) reject('not_found', `no customer ${customerId} here`);
  const before = await work.tx.all<{ source: string; failures: number; locked_at: string | null }>(
    'SELECT source, failures, locked_at FROM login_failures WHERE account = ? ORDER BY source',
    [`customer:${customerId}`],
  );
  await clearFailures(work, `customer:${customerId}`);
  await auditStaff(
    work,
    staff,
    'customer.unlock',
    { type: 'customer', id: customerId, facilityId: linked.facility_id },
    { before: { failures: before }, after: { failures: [] } },
  );
}

/** The trail of one subject, as far as it lies in the staff member's facilities. */
export async function auditTrail(
  storage: Storage,
  staff: StaffActor,
  subjectId: string,
): Promise<AuditEntry[]> {
  const scope = facilityScope(staff, 'facility_id');
  const rows = await storage.all<{
    id: string;
    actor: string;
    action: string;
    subject_type: string;
    subject_id: string;
    detail: string;
    at: string;
  }>(`SELECT * FROM audit WHERE subject_id = ? AND ${scope.sql} ORDER BY at, id`, [
    subjectId,
    ...scope.params,
  ]);
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
  staff: StaffActor,
  now: string,
): Promise<ReviewItem[]> {
  const scope = facilityScope(staff, 'facility_id');
  const rows = await storage.all<MessageRow>(
    `SELECT * FROM messages WHERE ${scope.sql} AND status IN ('sent', 'in_review', 'released') AND expected_by < ? ORDER BY sent_at`,
    [...scope.params, now],
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
  staff: StaffActor,
  requestId: string,
  to: ReleaseStatus,
): Promise<ReleaseRequestData> {
  const row = await work.tx.get<{ data: string; facility_id: string }>(
    `SELECT q.data, r.facility_id FROM release_requests q JOIN residents r ON r.id = q.resident_id
     WHERE q.id = ?${work.tx.forUpdate}`,
    [requestId],
  );
  if (!row || !mayActIn(staff, row.facility_id))
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
  await auditStaff(
    work,
    staff,
    `release.${to}`,
    { type: 'release_request', id: requestId, facilityId: row.facility_id },
    { before: { status: request.status }, after: { status: to } },
  );
  publishReleaseRequest(work, updated);
  return updated;
}

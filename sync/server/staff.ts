import { deliveryExpectation, unlockAccount, type RejectReason } from '../../domain';
import { transitionRelease, type ReleaseStatus } from '../../domain';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import {
  type AttachmentRef,
  type AuditEntry,
  type ReleaseRequestData,
  type ReviewDecisionRequest,
  type ReviewItem,
} from '../protocol';
import { clearFailures } from './auth/login-failures';
import { auditStaff } from './audit';
import { mayActIn, type StaffActor } from './http/access-control';
import {
  isReleased,
  messageRow,
  publishReleaseRequest,
  publishResident,
  type MessageRow,
} from './publish';
import { reject } from './rejection';
import type { RefundResult } from './money/mail-refunds';
import { rejectMessage, releaseMessage, requireAttachments } from './review';
import { typed } from './storage/typed';
import type { Storage } from './storage/types';
import type { Work } from './work';

/**
 * Facility staff: the review queue (every message is reviewed; text flags shown), decisions
 * (approve, reject with a reason code, escalate), unlocks, the audit trail and overdue mail.
 * Every decision is written to the audit trail in the same transaction.
 */

/** Rows of the staff member's facilities: all of them for an all-facility grant, none for none. */
function withinFacilities<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  staff: StaffActor,
  facilityId: Expression<string | null>,
): Expression<SqlBool> {
  if (staff.facilities === '*') return eb.and([]);
  if (staff.facilities.length === 0) return eb.or([]);
  return eb(facilityId, 'in', staff.facilities);
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
  const rows = await typed(storage).all((db) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where((eb) => withinFacilities(eb, staff, eb.ref('facility_id')))
      .where('status', '=', 'in_review')
      .orderBy('sent_at')
      .orderBy('id')
      .limit(500),
  );
  const items = rows.map((row) => reviewItem(messageRow(row)));
  if (filter === 'flagged') return items.filter((item) => item.flags.length > 0);
  if (filter === 'escalated') return items.filter((item) => item.escalated);
  return items;
}

/** A message of one of the staff member's facilities, locked for a decision; others are not found. */
async function facilityMessage(work: Work, staff: StaffActor, messageId: string) {
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db.selectFrom('messages').selectAll().where('id', '=', messageId).$call(q.lockRows),
  );
  if (!row || !mayActIn(staff, row.facility_id))
    reject('not_found', `no message ${messageId} here`);
  return messageRow(row);
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
    await typed(work.tx).run((db) =>
      db.updateTable('messages').set({ escalated: 1 }).where('id', '=', messageId),
    );
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
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db
      .selectFrom('residents')
      .select(['facility_id', 'failed_pin_attempts', 'locked_at'])
      .where('id', '=', residentId),
  );
  if (!row || !mayActIn(staff, row.facility_id))
    reject('not_found', `no resident ${residentId} here`);
  const state = unlockAccount();
  await q.run((db) =>
    db
      .updateTable('residents')
      .set({ failed_pin_attempts: state.failedAttempts, locked_at: state.lockedAt })
      .where('id', '=', residentId),
  );
  await auditStaff(
    work,
    staff,
    'resident.unlock',
    { type: 'resident', id: residentId, facilityId: row.facility_id },
    {
      before: { failedAttempts: row.failed_pin_attempts, lockedAt: row.locked_at },
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
  const q = typed(work.tx);
  const linked = await q.first((db) =>
    db
      .selectFrom('customer_residents as cr')
      .innerJoin('residents as r', 'r.id', 'cr.resident_id')
      .select('r.facility_id')
      .where('cr.customer_id', '=', customerId)
      .where((eb) => withinFacilities(eb, staff, eb.ref('r.facility_id')))
      .orderBy('r.facility_id')
      .limit(1),
  );
  if (!linked) reject('not_found', `no customer ${customerId} here`);
  const before = await q.all((db) =>
    db
      .selectFrom('login_failures')
      .select(['source', 'failures', 'locked_at'])
      .where('account', '=', `customer:${customerId}`)
      .orderBy('source'),
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
  const rows = await typed(storage).all((db) =>
    db
      .selectFrom('audit')
      .select(['id', 'actor', 'action', 'subject_type', 'subject_id', 'detail', 'at'])
      .where('subject_id', '=', subjectId)
      .where((eb) => withinFacilities(eb, staff, eb.ref('facility_id')))
      .orderBy('at')
      .orderBy('id'),
  );
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
  const rows = await typed(storage).all((db) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where((eb) => withinFacilities(eb, staff, eb.ref('facility_id')))
      .where('status', 'in', ['sent', 'in_review', 'released'])
      .where('expected_by', '<', now)
      .orderBy('sent_at'),
  );
  return rows
    .map(messageRow)
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
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db
      .selectFrom('release_requests as q')
      .innerJoin('residents as r', 'r.id', 'q.resident_id')
      .select(['q.data', 'r.facility_id'])
      .where('q.id', '=', requestId)
      .$call(q.lockRows),
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
  await q.run((db) =>
    db
      .updateTable('release_requests')
      .set({ data: JSON.stringify(updated) })
      .where('id', '=', requestId),
  );
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

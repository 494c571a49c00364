import { err, ok, type DomainError, type Result } from './result';
import { transitionMessage, type TimelineError } from './timeline';
import type { MessageStatus, RejectReason, ReviewDecision } from './types';

/**
 * docs/rules.md "Mail review": staff approve, reject with a reason code, or escalate; each decision
 * is audited by the caller. Approve releases, reject rejects, escalate keeps the message in
 * review for a supervisor.
 */
export interface ReviewOutcome {
  status: MessageStatus;
  reason: RejectReason | null;
  escalated: boolean;
}

export type ReviewError = TimelineError | DomainError<'not_in_review'>;

export function applyReviewDecision(
  status: MessageStatus,
  decision: ReviewDecision,
  reason?: RejectReason,
): Result<ReviewOutcome, ReviewError> {
  if (status !== 'in_review') {
    return err({ code: 'not_in_review', message: `a ${status} message is not under review` });
  }
  if (decision === 'escalate') return ok({ status, reason: null, escalated: true });
  const moved = transitionMessage(status, decision === 'approve' ? 'released' : 'rejected', reason);
  if (!moved.ok) return moved;
  return ok({
    status: moved.value,
    reason: decision === 'reject' ? (reason ?? null) : null,
    escalated: false,
  });
}

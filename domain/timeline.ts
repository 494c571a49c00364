import { parseInstant } from './instant';
import { err, ok, type DomainError, type Result } from './result';
import { checkTransition, type IllegalTransition, type TransitionTable } from './state-machine';
import { REJECT_REASONS, type MessageStatus, type RejectReason } from './types';

/**
 * docs/rules.md "Mail review and delivery": a message's status machine, its timeline and the 72-hour
 * delivery target. `draft` and `queued` live on a device; the central service moves the rest.
 */

/**
 * Every legal move. A refused send goes back queued -> draft with the refusal's reason. A
 * release can be revoked (released, delivered or read -> rejected, with a reason): the devices
 * then delete the message.
 */
export const MESSAGE_TRANSITIONS: TransitionTable<MessageStatus> = {
  draft: ['queued'],
  queued: ['sent', 'draft'],
  sent: ['in_review'],
  in_review: ['released', 'rejected'],
  released: ['delivered', 'rejected'],
  rejected: [],
  delivered: ['read', 'rejected'],
  read: ['rejected'],
};

export const DELIVERY_TARGET_HOURS = 72;

/** Statuses where the message still owes its delivery. */
const AWAITING_DELIVERY: readonly MessageStatus[] = ['sent', 'in_review', 'released'];

export interface TimelineEntry {
  status: MessageStatus;
  at: string;
  /** Why: the refusal code on queued -> draft, the reject reason on rejected. */
  reason?: string;
}

export type TimelineError =
  | IllegalTransition<MessageStatus>
  | (DomainError<'reason_required'> & { to: MessageStatus })
  | DomainError<'invalid_instant'>;

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return MESSAGE_TRANSITIONS[from].includes(to);
}

function isRejectReason(reason: string | undefined): reason is RejectReason {
  return (REJECT_REASONS as readonly string[]).includes(reason ?? '');
}

/**
 * Checks one move. Going back to draft needs a reason (e.g. "insufficient_stamps"); a rejection
 * needs one of REJECT_REASONS.
 */
export function transitionMessage(
  from: MessageStatus,
  to: MessageStatus,
  reason?: string,
): Result<MessageStatus, TimelineError> {
  const legal = checkTransition(MESSAGE_TRANSITIONS, 'message', from, to);
  if (!legal.ok) return legal;
  const needsReason = (to === 'draft' && !reason) || (to === 'rejected' && !isRejectReason(reason));
  if (needsReason) {
    return err({ code: 'reason_required', message: `moving to ${to} needs a reason`, to });
  }
  return ok(to);
}

/** Appends a move to a timeline (oldest first); an empty timeline starts at draft. */
export function appendToTimeline(
  timeline: readonly TimelineEntry[],
  to: MessageStatus,
  at: string,
  reason?: string,
): Result<TimelineEntry[], TimelineError> {
  if (parseInstant(at) === null) {
    return err({ code: 'invalid_instant', message: `not an ISO-8601 instant: ${at}` });
  }
  const from = timeline.at(-1)?.status;
  if (from === undefined) {
    return to === 'draft'
      ? ok([{ status: to, at }])
      : err({
          code: 'illegal_transition',
          message: `a timeline starts at draft, not ${to}`,
          from: 'draft',
          to,
        });
  }
  const moved = transitionMessage(from, to, reason);
  if (!moved.ok) return moved;
  const entry: TimelineEntry = reason ? { status: to, at, reason } : { status: to, at };
  return ok([...timeline, entry]);
}

export interface DeliveryExpectation {
  /** sent + 72 hours. */
  expectedAt: string;
  /** Not yet delivered (nor rejected) after the expected instant. */
  overdue: boolean;
}

/** The expected delivery of a message sent at `sentAt`, now in `status`, seen at `now`. */
export function deliveryExpectation(
  sentAt: string,
  status: MessageStatus,
  now: string,
): Result<DeliveryExpectation, TimelineError> {
  const sent = parseInstant(sentAt);
  const seen = parseInstant(now);
  if (sent === null || seen === null) {
    return err({ code: 'invalid_instant', message: 'sentAt and now must be ISO-8601 instants' });
  }
  const expected = sent + DELIVERY_TARGET_HOURS * 3_600_000;
  return ok({
    expectedAt: new Date(expected).toISOString(),
    overdue: AWAITING_DELIVERY.includes(status) && seen > expected,
  });
}

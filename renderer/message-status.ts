import { DELIVERY_TARGET_HOURS } from '../domain/timeline';
import type { MessageDirection, MessageStatus } from '../domain/types';

/** What a person is shown of a message's place in its timeline: one mapping for every screen. */
export interface StatusView {
  /** The tag's i18n key under `status.`; null when nothing needs saying (a letter already read). */
  label: 'draft' | 'queued' | 'in_review' | 'delivered' | 'read' | 'rejected' | 'unread' | null;
  tone: 'neutral' | 'pending' | 'progress' | 'ok' | 'problem';
  /** Whether an expected delivery time still means something (sent, not yet through review). */
  showEta: boolean;
}

/**
 * Outgoing mail: pending until it leaves the device, in review until staff decide (the review
 * clock runs), then delivered (released and delivered read the same to the writer) or not
 * delivered with a reason. Incoming mail was reviewed before it arrived, so the reader sees only
 * whether it is unread.
 */
export function statusView(
  direction: MessageDirection,
  status: MessageStatus,
  readAt: string | null,
): StatusView {
  if (direction === 'inbound') {
    return readAt === null
      ? { label: 'unread', tone: 'progress', showEta: false }
      : { label: null, tone: 'neutral', showEta: false };
  }
  switch (status) {
    case 'draft':
      return { label: 'draft', tone: 'neutral', showEta: false };
    case 'queued':
      return { label: 'queued', tone: 'pending', showEta: false };
    case 'sent':
    case 'in_review':
      return { label: 'in_review', tone: 'progress', showEta: true };
    case 'released':
    case 'delivered':
      return { label: 'delivered', tone: 'ok', showEta: false };
    case 'read':
      return { label: 'read', tone: 'ok', showEta: false };
    case 'rejected':
      return { label: 'rejected', tone: 'problem', showEta: false };
  }
}

/** Whole hours a sent message has been under review, for "14 of the usual 72 hours". */
export function reviewHours(sentAt: string, now: number): { hours: number; target: number } {
  const hours = Math.max(0, Math.floor((now - Date.parse(sentAt)) / 3_600_000));
  return { hours, target: DELIVERY_TARGET_HOURS };
}

import { describe, expect, it } from 'vitest';
import { MESSAGE_STATUSES } from '../domain/types';
import { reviewHours, statusView } from './message-status';

describe('statusView', () => {
  it('never tags incoming mail delivered or released: unread or nothing', () => {
    for (const status of MESSAGE_STATUSES) {
      expect(statusView('inbound', status, null).label).toBe('unread');
      expect(statusView('inbound', status, '2026-12-01T10:00:00.000Z').label).toBeNull();
    }
  });

  it('shows an expected delivery only while the message is sent and not yet decided', () => {
    const withEta = MESSAGE_STATUSES.filter((s) => statusView('outbound', s, null).showEta);
    expect(withEta).toEqual(['sent', 'in_review']);
    expect(statusView('outbound', 'released', null).label).toBe('delivered');
    expect(statusView('outbound', 'rejected', null)).toMatchObject({ tone: 'problem' });
  });

  it('counts the review clock in whole hours against the 72-hour target', () => {
    const sent = '2026-12-01T00:00:00.000Z';
    expect(reviewHours(sent, Date.parse('2026-12-01T14:59:00.000Z'))).toEqual({
      hours: 14,
      target: 72,
    });
    expect(reviewHours(sent, Date.parse('2026-11-30T00:00:00.000Z')).hours).toBe(0);
  });
});

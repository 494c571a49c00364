import { describe, expect, it } from 'vitest';
import { applyReviewDecision } from './review';

describe('staff review (docs/rules.md Mail review: approve, reject with a reason code, or escalate)', () => {
  it('approve releases the message', () => {
    expect(applyReviewDecision('in_review', 'approve')).toEqual({
      ok: true,
      value: { status: 'released', reason: null, escalated: false },
    });
  });

  it('reject needs a reject reason code', () => {
    expect(applyReviewDecision('in_review', 'reject', 'threat')).toEqual({
      ok: true,
      value: { status: 'rejected', reason: 'threat', escalated: false },
    });
    expect(applyReviewDecision('in_review', 'reject')).toMatchObject({
      ok: false,
      error: { code: 'reason_required' },
    });
  });

  it('escalate keeps the message in review', () => {
    expect(applyReviewDecision('in_review', 'escalate')).toEqual({
      ok: true,
      value: { status: 'in_review', reason: null, escalated: true },
    });
  });

  it('refuses a decision on a message that is not in review', () => {
    for (const status of ['draft', 'sent', 'released', 'rejected', 'read'] as const) {
      expect(applyReviewDecision(status, 'approve')).toMatchObject({
        ok: false,
        error: { code: 'not_in_review' },
      });
    }
  });
});

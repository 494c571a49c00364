import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MESSAGE_TRANSITIONS,
  appendToTimeline,
  canTransition,
  deliveryExpectation,
  transitionMessage,
  type TimelineEntry,
} from './timeline';
import { MESSAGE_STATUSES, type MessageStatus } from './types';

const at = '2026-11-25T09:00:00Z';

function walk(moves: [MessageStatus, string?][]): TimelineEntry[] {
  let timeline: TimelineEntry[] = [];
  for (const [to, reason] of moves) {
    const next = appendToTimeline(timeline, to, at, reason);
    if (!next.ok) throw new Error(next.error.message);
    timeline = next.value;
  }
  return timeline;
}

describe('message timeline (docs/rules.md Mail: sent, in review, released or rejected, delivered, read)', () => {
  it('follows draft -> queued -> sent -> in_review -> released -> delivered -> read', () => {
    const timeline = walk([
      ['draft'],
      ['queued'],
      ['sent'],
      ['in_review'],
      ['released'],
      ['delivered'],
      ['read'],
    ]);
    expect(timeline.map((entry) => entry.status)).toEqual([
      'draft',
      'queued',
      'sent',
      'in_review',
      'released',
      'delivered',
      'read',
    ]);
  });

  it('a rejection needs a reject reason code and ends the timeline', () => {
    const timeline = walk([['draft'], ['queued'], ['sent'], ['in_review'], ['rejected', 'threat']]);
    expect(timeline.at(-1)).toEqual({ status: 'rejected', at, reason: 'threat' });
    expect(transitionMessage('in_review', 'rejected')).toMatchObject({
      ok: false,
      error: { code: 'reason_required' },
    });
    expect(transitionMessage('in_review', 'rejected', 'not-a-code').ok).toBe(false);
    expect(MESSAGE_TRANSITIONS.rejected).toEqual([]);
  });

  it('lets a release be revoked with a reason, even after delivery and reading', () => {
    for (const from of ['released', 'delivered', 'read'] as const) {
      expect(transitionMessage(from, 'rejected', 'threat')).toEqual({
        ok: true,
        value: 'rejected',
      });
      expect(transitionMessage(from, 'rejected').ok).toBe(false);
    }
    expect(transitionMessage('rejected', 'released').ok).toBe(false);
  });

  it('a refused send goes queued -> draft with its reason (docs/rules.md Stamps: back to drafts)', () => {
    const timeline = walk([['draft'], ['queued'], ['draft', 'insufficient_stamps']]);
    expect(timeline.at(-1)).toEqual({ status: 'draft', at, reason: 'insufficient_stamps' });
    expect(transitionMessage('queued', 'draft')).toMatchObject({
      ok: false,
      error: { code: 'reason_required' },
    });
  });

  it('refuses illegal moves with a typed error', () => {
    expect(transitionMessage('sent', 'delivered')).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'illegal_transition', from: 'sent', to: 'delivered' }),
    });
    expect(transitionMessage('read', 'draft', 'x').ok).toBe(false);
    expect(appendToTimeline([], 'sent', at)).toMatchObject({
      ok: false,
      error: { code: 'illegal_transition' },
    });
    expect(appendToTimeline([], 'draft', 'tomorrow')).toMatchObject({
      ok: false,
      error: { code: 'invalid_instant' },
    });
  });

  it('never reaches an illegal state from any sequence of requested moves (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...MESSAGE_STATUSES), fc.constantFrom(undefined, 'threat')),
          {
            maxLength: 30,
          },
        ),
        (requests) => {
          let timeline: TimelineEntry[] = [];
          for (const [to, reason] of requests) {
            const next = appendToTimeline(timeline, to, at, reason);
            if (next.ok) timeline = next.value;
          }
          timeline.forEach((entry, index) => {
            if (index === 0) expect(entry.status).toBe('draft');
            else expect(canTransition(timeline[index - 1]!.status, entry.status)).toBe(true);
          });
        },
      ),
    );
  });
});

describe('expected delivery (docs/rules.md Mail: delivered within 72 hours of sending)', () => {
  it('is sent + 72 h', () => {
    const result = deliveryExpectation('2026-11-25T09:00:00Z', 'sent', '2026-11-25T10:00:00Z');
    expect(result).toEqual({
      ok: true,
      value: { expectedAt: '2026-11-28T09:00:00.000Z', overdue: false },
    });
  });

  it('is overdue only after 72 h while still awaiting delivery', () => {
    const late = '2026-11-28T09:00:01Z';
    const overdue = (status: MessageStatus) =>
      deliveryExpectation('2026-11-25T09:00:00Z', status, late);
    expect(overdue('in_review')).toMatchObject({ ok: true, value: { overdue: true } });
    expect(overdue('released')).toMatchObject({ ok: true, value: { overdue: true } });
    expect(overdue('delivered')).toMatchObject({ ok: true, value: { overdue: false } });
    expect(overdue('rejected')).toMatchObject({ ok: true, value: { overdue: false } });
    expect(
      deliveryExpectation('2026-11-25T09:00:00Z', 'in_review', '2026-11-28T09:00:00Z'),
    ).toMatchObject({ ok: true, value: { overdue: false } });
  });

  it('refuses instants that are not ISO-8601', () => {
    expect(deliveryExpectation('2026-11-25', 'sent', at)).toMatchObject({
      ok: false,
      error: { code: 'invalid_instant' },
    });
  });
});

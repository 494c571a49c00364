import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_FAILED_ATTEMPTS,
  UNLOCKED,
  issueTemporaryPassword,
  recordLoginAttempt,
  redeemTemporaryPassword,
  unlockAccount,
  type LockoutState,
} from './lockout';

const now = '2026-11-25T09:00:00.000Z';

function attempts(results: boolean[], start: LockoutState = UNLOCKED) {
  let state = start;
  const outcomes = results.map((correct) => {
    const attempt = recordLoginAttempt(state, correct, now);
    state = attempt.state;
    return attempt.outcome;
  });
  return { state, outcomes };
}

describe('lockout (docs/rules.md Logins: 5 wrong in a row lock, staff unlock)', () => {
  it('locks on the fifth wrong try in a row and counts down before', () => {
    const { state, outcomes } = attempts([false, false, false, false, false]);
    expect(outcomes).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'locked_now']);
    expect(state).toEqual({ failedAttempts: 5, lockedAt: now });
    expect(recordLoginAttempt(UNLOCKED, false, now).attemptsLeft).toBe(4);
  });

  it('a success resets the count', () => {
    const { state, outcomes } = attempts([false, false, false, false, true, false, false]);
    expect(outcomes.at(4)).toBe('accepted');
    expect(state.failedAttempts).toBe(2);
    expect(state.lockedAt).toBeNull();
  });

  it('a locked account refuses even the right secret until staff unlock', () => {
    const { state } = attempts(Array(5).fill(false));
    expect(recordLoginAttempt(state, true, now).outcome).toBe('locked');
    expect(recordLoginAttempt(unlockAccount(), true, now).outcome).toBe('accepted');
  });

  it('a corrupt stored count still counts toward the lock', () => {
    const corrupt = { failedAttempts: Number.NaN, lockedAt: null };
    const { state } = attempts([false, false, false, false, false], corrupt);
    expect(state.lockedAt).toBe(now);
  });

  it('locks exactly when 5 wrong tries come in a row, whatever the sequence (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), (results) => {
        const { state } = attempts(results);
        let run = 0;
        let locked = false;
        for (const correct of results) {
          if (locked) break;
          run = correct ? 0 : run + 1;
          locked = run >= MAX_FAILED_ATTEMPTS;
        }
        expect(state.lockedAt !== null).toBe(locked);
        expect(state.failedAttempts).toBe(run);
      }),
    );
  });
});

describe('temporary password (docs/rules.md Logins: single use, expires in 30 minutes)', () => {
  const issued = issueTemporaryPassword('2026-11-25T09:00:00Z');

  it('expires 30 minutes after issue', () => {
    expect(issued).toEqual({
      ok: true,
      value: {
        issuedAt: '2026-11-25T09:00:00.000Z',
        expiresAt: '2026-11-25T09:30:00.000Z',
        usedAt: null,
      },
    });
  });

  it('works once before expiry, never twice', () => {
    if (!issued.ok) throw new Error('issue failed');
    const used = redeemTemporaryPassword(issued.value, '2026-11-25T09:29:59Z');
    expect(used.ok && used.value.usedAt).toBe('2026-11-25T09:29:59.000Z');
    if (!used.ok) return;
    expect(redeemTemporaryPassword(used.value, '2026-11-25T09:29:59Z')).toMatchObject({
      ok: false,
      error: { code: 'temporary_password_used' },
    });
  });

  it('is refused at and after the 30th minute', () => {
    if (!issued.ok) throw new Error('issue failed');
    expect(redeemTemporaryPassword(issued.value, '2026-11-25T09:30:00Z')).toMatchObject({
      ok: false,
      error: { code: 'temporary_password_expired' },
    });
  });

  it('refuses instants that are not ISO-8601 with a typed error', () => {
    expect(issueTemporaryPassword('yesterday')).toMatchObject({
      ok: false,
      error: { code: 'invalid_instant' },
    });
    if (!issued.ok) throw new Error('issue failed');
    expect(redeemTemporaryPassword(issued.value, '2026-13-45')).toMatchObject({
      ok: false,
      error: { code: 'invalid_instant' },
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RELOAD_POLICY as policy, recentCrashes, reloadDelay } from './reload';

describe('reload policy', () => {
  it('doubles the delay with each recent crash, up to the cap', () => {
    expect([1, 2, 3, 4, 7, 8, 100].map((n) => reloadDelay(n, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('forgets crashes older than the window', () => {
    const now = 1_000_000;
    expect(
      recentCrashes([now - policy.windowMs - 1, now - policy.windowMs, now - 5, now], now, policy),
    ).toEqual([now - 5, now]);
  });

  it('always waits between the base delay and the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), (count) => {
        const delay = reloadDelay(count, policy);
        return delay >= policy.baseDelayMs && delay <= policy.maxDelayMs;
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff';

describe('createBackoff', () => {
  it('grows the ceiling exponentially up to maxMs (random pinned just below 1)', () => {
    const backoff = createBackoff({ baseMs: 100, maxMs: 1_000, random: () => 0.999_999 });
    const delays = Array.from({ length: 6 }, () => backoff.next());
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoff.failures).toBe(6);
  });

  it('starts over after a success', () => {
    const backoff = createBackoff({ baseMs: 100, maxMs: 1_000, random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(50);
  });

  it('always returns a whole delay between 0 and the cap, whatever the random source', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 60,
        }),
        (baseMs, extra, draws) => {
          const maxMs = baseMs + extra;
          let i = 0;
          const backoff = createBackoff({
            baseMs,
            maxMs,
            random: () => draws[i++ % draws.length]!,
          });
          for (let n = 0; n < draws.length; n += 1) {
            const delay = backoff.next();
            expect(Number.isInteger(delay)).toBe(true);
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThan(maxMs);
          }
        },
      ),
    );
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => createBackoff({ baseMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => createBackoff({ baseMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});

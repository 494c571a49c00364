import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW } from '../../protocol';
import { slideWindow } from './replay-window';

describe('anti-replay window', () => {
  it('accepts each counter at most once, and every fresh counter within the window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 200 }), (counters) => {
        let state = { high: 0, bits: 0n };
        const accepted = new Set<number>();
        for (const counter of counters) {
          const next = slideWindow(state.high, state.bits, counter);
          const fresh = !accepted.has(counter) && counter > state.high - REPLAY_WINDOW;
          expect(next !== null).toBe(fresh);
          if (next) {
            accepted.add(counter);
            state = next;
          }
        }
      }),
    );
  });

  it('refuses counters that fell out of the window', () => {
    const state = slideWindow(0, 0n, 1000)!;
    expect(slideWindow(state.high, state.bits, 1000 - REPLAY_WINDOW)).toBeNull();
    expect(slideWindow(state.high, state.bits, 1001 - REPLAY_WINDOW)).not.toBeNull();
  });
});

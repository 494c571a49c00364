import { REPLAY_WINDOW } from '../../protocol';

/**
 * The anti-replay window over request counters: the highest counter seen and a 64-bit map of
 * the counters just below it. A counter seen before, or older than the window, is a replay. It
 * needs no clock agreement (kiosks with a dead RTC still work) and lets a few concurrent requests
 * arrive out of order. Signed requests keep it per device in the database; sessions in memory.
 */

const WINDOW_MASK = (1n << BigInt(REPLAY_WINDOW)) - 1n;

/** Applies a counter to the window; null when it is a replay. */
export function slideWindow(
  high: number,
  bits: bigint,
  counter: number,
): { high: number; bits: bigint } | null {
  if (counter > high) {
    const shift = BigInt(counter - high);
    const shifted = shift >= BigInt(REPLAY_WINDOW) ? 0n : (bits << shift) & WINDOW_MASK;
    return { high: counter, bits: shifted | 1n };
  }
  const age = high - counter;
  if (age >= REPLAY_WINDOW) return null;
  const bit = 1n << BigInt(age);
  if (bits & bit) return null;
  return { high, bits: bits | bit };
}

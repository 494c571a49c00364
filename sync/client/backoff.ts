/**
 * Retry delays for transient sync failures: exponential growth capped at `maxMs`, with "full
 * jitter" (a uniform draw between 0 and the capped exponential), so that a fleet of devices that
 * lost the server at the same moment does not come back in lock-step.
 */
export interface BackoffOptions {
  /** Delay ceiling of the first retry. */
  baseMs: number;
  /** Largest delay ever returned. */
  maxMs: number;
  /** A number in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call counts one more failure. */
  next(): number;
  /** A success: the next failure starts again from `baseMs`. */
  reset(): void;
  /** Failures since the last success. */
  readonly failures: number;
}

export function createBackoff({ baseMs, maxMs, random = Math.random }: BackoffOptions): Backoff {
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new RangeError(`backoff needs 0 < baseMs <= maxMs (got ${baseMs}, ${maxMs})`);
  }
  let failures = 0;
  return {
    next() {
      // 2 ** 30 already exceeds any sensible ceiling; capping the exponent avoids Infinity.
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
      failures += 1;
      return Math.floor(random() * ceiling);
    },
    reset() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}

import { once } from 'node:events';
import type { EventEmitter } from 'node:events';

/**
 * Waits for the next `name` event, failing after `ms` instead of hanging a test run. Used by the
 * simulator-backed tests of every device.
 */
export async function nextEvent<T = unknown>(
  emitter: EventEmitter,
  name: string,
  ms = 3000,
): Promise<T> {
  const [value] = await once(emitter, name, { signal: AbortSignal.timeout(ms) });
  return value as T;
}

/** Resolves true when no `name` event comes within `ms` (for "nothing happened" checks). */
export async function noEvent(emitter: EventEmitter, name: string, ms = 200): Promise<boolean> {
  try {
    await once(emitter, name, { signal: AbortSignal.timeout(ms) });
    return false;
  } catch {
    return true;
  }
}

/** Fast backoff for tests, so unplug/replug resolves quickly. */
export const TEST_TIMINGS = { commandTimeoutMs: 2000, reconnectBaseMs: 20, reconnectMaxMs: 100 };

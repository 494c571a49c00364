/**
 * When the renderer crashes it is reloaded, sooner the first time and later each time it crashes
 * again, so a page that crashes on load does not spin the CPU. Crashes older than the window
 * are forgotten.
 */
export interface ReloadPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Crashes older than this no longer count. */
  windowMs: number;
}

export const DEFAULT_RELOAD_POLICY: ReloadPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  windowMs: 10 * 60_000,
};

/** Crash instants (ms) still within the policy's window at `now`, oldest first. */
export function recentCrashes(crashes: readonly number[], now: number, policy: ReloadPolicy) {
  return crashes.filter((at) => at <= now && now - at < policy.windowMs);
}

/** Delay before reloading after the `count`-th recent crash (count >= 1): doubling, capped. */
export function reloadDelay(count: number, policy: ReloadPolicy): number {
  const exponent = Math.max(0, Math.min(count - 1, 30));
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** How long an unresponsive renderer may stay so before it is reloaded. */
export const UNRESPONSIVE_GRACE_MS = 15_000;

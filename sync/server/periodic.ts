import type { Logger } from 'pino';

/**
 * A background pass run on a timer (mail delivery, the refund sweep): passes never overlap,
 * `run()` starts one at once (tests call it instead of waiting for the timer), a failed pass
 * is logged and the next one runs, and `stop()` ends the timer and waits for a pass under way.
 */
export interface Periodic<T> {
  run(): Promise<T>;
  stop(): Promise<void>;
}

export function periodic<T>(
  pass: () => Promise<T>,
  options: { intervalMs?: number; logger: Logger; failure: string },
): Periodic<T> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    const next = running.then(pass);
    running = next.catch((error: unknown) => options.logger.error({ err: error }, options.failure));
    return next;
  };
  const timer =
    options.intervalMs === undefined
      ? undefined
      : setInterval(() => {
          if (!stopped) void run().catch(() => undefined);
        }, options.intervalMs);
  timer?.unref();
  return {
    run,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

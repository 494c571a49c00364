import { DeviceError } from '../../hal';

interface Pending<R> {
  accepts(reply: R): boolean;
  resolve(reply: R): void;
  reject(error: Error): void;
  stopTimer(): void;
}

/**
 * Calls `onExpired` after `timeoutMs` of time this process could have handled a reply in: a
 * timer in slices of about a quarter of the wait (at most 100 ms), expiring after as many slices
 * as make up the wait. A plain timer counts a stalled event loop (a synchronous fsync or hash on
 * a loaded machine) too: when the loop comes back, timers run before the I/O that arrived in the
 * meantime, so a reply already waiting would be reported missing. A stall here costs one slice.
 */
export function replyDeadline(timeoutMs: number, onExpired: () => void): () => void {
  const count = Math.max(4, Math.ceil(timeoutMs / 100));
  const sliceMs = timeoutMs / count;
  let left = count;
  let timer: NodeJS.Timeout;
  const tick = () => {
    left -= 1;
    if (left <= 0) onExpired();
    else timer = setTimeout(tick, sliceMs);
  };
  timer = setTimeout(tick, sliceMs);
  return () => clearTimeout(timer);
}

/**
 * Request/reply over a link: one outstanding command at a time, each with its own timeout, all
 * cancelled on close. Replies come from the driver's framer through `offer`.
 */
export class Exchange<R> {
  private pending: Pending<R> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly send: (bytes: Uint8Array) => Promise<void>,
    private readonly defaultTimeoutMs: number,
  ) {}

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Sends `bytes` and resolves with the first reply `accepts` takes (any reply by default). */
  request(
    bytes: Uint8Array,
    accepts: (reply: R) => boolean = () => true,
    timeoutMs = this.defaultTimeoutMs,
  ): Promise<R> {
    const run = () =>
      new Promise<R>((resolve, reject) => {
        const stopTimer = replyDeadline(timeoutMs, () => {
          this.pending = undefined;
          reject(new DeviceError('timeout', `no answer within ${timeoutMs} ms`, null, 'output'));
        });
        this.pending = { accepts, resolve, reject, stopTimer };
        this.send(bytes).catch((error: Error) => this.settle(error));
      });
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Sends bytes that expect no reply, in turn with requests. */
  post(bytes: Uint8Array): Promise<void> {
    const run = () => this.send(bytes);
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Hands a reply to the outstanding request; false when nobody was waiting for it. */
  offer(reply: R): boolean {
    const pending = this.pending;
    if (!pending || !pending.accepts(reply)) return false;
    this.pending = undefined;
    pending.stopTimer();
    pending.resolve(reply);
    return true;
  }

  /** Fails the outstanding request (port closed or lost). */
  cancel(
    reason: Error = new DeviceError('closed', 'cancelled: port closed', null, 'output'),
  ): void {
    this.settle(reason);
  }

  private settle(error: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    pending.stopTimer();
    pending.reject(error);
  }
}

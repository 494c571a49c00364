import { DeviceError } from '../../hal';

interface Pending<R> {
  accepts(reply: R): boolean;
  resolve(reply: R): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
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
        const timer = setTimeout(() => {
          this.pending = undefined;
          reject(new DeviceError('timeout', `no answer within ${timeoutMs} ms`, null, 'output'));
        }, timeoutMs);
        this.pending = { accepts, resolve, reject, timer };
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
    clearTimeout(pending.timer);
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
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}

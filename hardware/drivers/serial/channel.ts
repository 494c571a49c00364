import { DeviceError } from '../../hal';
import { createByteLink, type ByteLinkTarget } from '../transport/byte-link';
import { Exchange } from './exchange';
import type { ByteLink } from './link';

export interface ChannelHooks {
  /** Bytes from the device: the driver frames them and offers replies to `exchange`. */
  receive(chunk: Buffer): void;
  /** The port or the device is gone. Called once. */
  lost(reason: Error): void;
}

/** A poll or heartbeat: too many unanswered in a row mean the device is gone. */
export interface PeriodicCheck {
  everyMs: number;
  /** Timeouts in a row after which the channel ends as lost, with `silence` as the reason. */
  missLimit: number;
  silence: string;
  run(): Promise<void>;
}

/**
 * A command/response line (serial, USB printer class or TCP): the link, its request/reply exchange, and a periodic check
 * (poll or heartbeat) where too many unanswered checks in a row mean the device is gone.
 */
export class CommandChannel<R> {
  readonly exchange: Exchange<R>;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private misses = 0;
  private ended = false;

  private constructor(
    private readonly link: ByteLink,
    private readonly hooks: ChannelHooks,
    replyTimeoutMs: number,
  ) {
    this.exchange = new Exchange((bytes) => link.write(bytes), replyTimeoutMs);
  }

  static async open<R>(target: ByteLinkTarget, replyTimeoutMs: number, hooks: ChannelHooks) {
    // the port may close before open() returns: the holder routes that to the channel
    const holder: { channel?: CommandChannel<R> } = {};
    const link = createByteLink(target, {
      data: (chunk) => hooks.receive(chunk),
      lost: (reason) => holder.channel?.fail(reason),
    });
    await link.open();
    holder.channel = new CommandChannel<R>(link, hooks, replyTimeoutMs);
    return holder.channel;
  }

  get isOpen(): boolean {
    return this.link.isOpen;
  }

  /**
   * Brings the device to a known state with `start`, then runs the periodic check. A start that
   * fails closes the channel, so the port is free for the next attempt, and rejects.
   */
  async startChecking(start: () => Promise<void>, check: PeriodicCheck): Promise<void> {
    try {
      await start();
    } catch (error) {
      await this.close();
      throw error;
    }
    this.timer = setInterval(() => void this.tick(check), check.everyMs);
    this.timer.unref();
  }

  /** Ends the channel and reports the device lost (e.g. it restarted and needs a new start). */
  fail(reason: Error): void {
    if (this.ended) return;
    this.stop();
    this.hooks.lost(reason);
  }

  async close(): Promise<void> {
    this.stop();
    await this.link.close();
  }

  /** One check; skipped while the last one or a command still waits for its reply. */
  private async tick(check: PeriodicCheck) {
    if (this.ticking || this.exchange.busy || this.ended) return;
    this.ticking = true;
    try {
      await check.run();
      this.misses = 0;
    } catch (error) {
      if (error instanceof DeviceError && error.code === 'timeout') {
        this.misses += 1;
        if (this.misses >= check.missLimit) this.fail(new DeviceError('offline', check.silence));
      }
    } finally {
      this.ticking = false;
    }
  }

  private stop(): void {
    this.ended = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.exchange.cancel();
  }
}

import { performance } from 'node:perf_hooks';

/** How a simulated wire behaves: byte timing, fragmentation and extra latency. */
export interface LinkProfile {
  /** When set, bytes take their real wire time (10 bits per byte at this rate). */
  baudRate?: number;
  /** Split every transmission into pieces of this many bytes (replies split across reads). */
  fragmentSize?: number;
  /** Extra delay before each transmission arrives (a slow link). */
  latencyMs?: number;
}

interface Item {
  data: Buffer;
  due: number;
}

/**
 * One direction of a wire: bytes are delivered in order, each piece when its wire time has
 * passed. One queue per direction keeps injected bytes from interleaving with replies.
 */
export class PacedQueue {
  private items: Item[] = [];
  private lineFreeAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliver: (chunk: Buffer) => void,
    private readonly profile: () => LinkProfile,
  ) {}

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const { baudRate, fragmentSize, latencyMs = 0 } = this.profile();
    const msPerByte = baudRate ? 10_000 / baudRate : 0;
    const start = Math.max(performance.now(), this.lineFreeAt);
    const size = fragmentSize && fragmentSize > 0 ? fragmentSize : bytes.length;
    for (let offset = 0; offset < bytes.length; offset += size) {
      const end = Math.min(bytes.length, offset + size);
      this.items.push({
        data: Buffer.from(bytes.subarray(offset, end)),
        due: start + end * msPerByte + latencyMs,
      });
    }
    this.lineFreeAt = start + bytes.length * msPerByte;
    this.schedule();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.lineFreeAt = 0;
  }

  private schedule(): void {
    const next = this.items[0];
    if (this.timer || !next) return;
    const wait = next.due - performance.now();
    this.timer = setTimeout(() => this.flushDue(), Math.max(0, wait));
  }

  private flushDue(): void {
    this.timer = undefined;
    const now = performance.now();
    for (let next = this.items[0]; next && next.due <= now + 0.5; next = this.items[0]) {
      this.items.shift();
      this.deliver(next.data);
    }
    this.schedule();
  }
}

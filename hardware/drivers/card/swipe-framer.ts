const STX = 0x02;
const ESC = 0x1b;
const CR = 0x0d;
const ETX = 0x03;
const LF = 0x0a;

export type SwipeFrameEvent = { kind: 'frame'; frame: Buffer } | { kind: 'overflow' };

/**
 * Accumulates the bytes of a serial magstripe reader into swipes: an optional STX ESC prefix,
 * the tracks, then CR and/or ETX. Without a terminator the driver calls `flush()` after an
 * inter-byte gap. A new STX resynchronises (what came before it is dropped); a frame longer than
 * `maxLength` is dropped whole. Every buffer it lets go of is overwritten first: the caller owns
 * (and must overwrite) the frames it receives.
 */
export class SwipeFramer {
  private buffer: Buffer;
  private length = 0;
  private overflowing = false;

  constructor(
    private readonly useTerminator: boolean,
    private readonly maxLength = 512,
  ) {
    this.buffer = Buffer.alloc(maxLength);
  }

  push(chunk: Uint8Array): SwipeFrameEvent[] {
    const events: SwipeFrameEvent[] = [];
    for (const byte of chunk) {
      if (byte === STX) {
        this.wipe();
        this.overflowing = false;
        continue;
      }
      if (this.useTerminator && (byte === CR || byte === ETX || byte === LF)) {
        const frame = this.take();
        if (frame) events.push({ kind: 'frame', frame });
        continue;
      }
      if (this.overflowing) continue;
      if (this.length === 0 && byte === ESC) continue;
      if (this.length >= this.maxLength) {
        this.wipe();
        this.overflowing = true;
        events.push({ kind: 'overflow' });
        continue;
      }
      this.buffer[this.length++] = byte;
    }
    return events;
  }

  /** Ends the current swipe (inter-byte gap framing). */
  flush(): SwipeFrameEvent[] {
    const frame = this.take();
    return frame ? [{ kind: 'frame', frame }] : [];
  }

  /** Overwrites whatever is buffered (on close). */
  wipe(): void {
    this.buffer.fill(0, 0, this.length);
    this.length = 0;
  }

  private take(): Buffer | undefined {
    const wasOverflowing = this.overflowing;
    this.overflowing = false;
    if (this.length === 0 || wasOverflowing) {
      this.wipe();
      return undefined;
    }
    const frame = Buffer.alloc(this.length);
    this.buffer.copy(frame, 0, 0, this.length);
    this.wipe();
    return frame;
  }
}

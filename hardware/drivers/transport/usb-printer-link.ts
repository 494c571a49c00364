import { constants, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DeviceError } from '../../hal';
import type { ByteLink, LinkHandlers } from '../serial/link';

/** A USB printer-class character device (the kernel's usblp: `/dev/usb/lp0`). */
export interface UsbPrinterTarget {
  kind: 'usb-printer';
  path: string;
  /** How often to check the device node still exists (usblp removes it on unplug). */
  presenceCheckMs?: number;
}

/** Read polling: quick after traffic (a status reply is due), slower when idle. */
const POLL_MIN_MS = 2;
const POLL_MAX_MS = 50;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The errno of a failed file operation, if any. */
const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * Bytes to and from a printer-class character device. Node cannot poll a character device (libuv
 * treats it as a file), so the device is opened non-blocking and read in a loop that backs off
 * while nothing comes: a blocking read would hold a thread-pool thread that closing the file
 * does not free. Status replies come back where the kernel passes them (usblp does for
 * bidirectional printers; it refuses reads with EINVAL for one-way printers, which is reported).
 * A pseudo-terminal or a FIFO pair behaves the same, which is how the tests drive it.
 */
export class UsbPrinterLink implements ByteLink {
  private handle: FileHandle | undefined;
  private presence: NodeJS.Timeout | undefined;
  private pollMs = POLL_MIN_MS;

  constructor(
    private readonly target: UsbPrinterTarget,
    private readonly handlers: LinkHandlers,
  ) {}

  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  async open(): Promise<void> {
    const { path } = this.target;
    try {
      this.handle = await open(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (error) {
      throw new DeviceError(
        'no_hardware',
        `cannot open USB printer ${path}: ${openFailure(error)}`,
      );
    }
    void this.readLoop(this.handle);
    this.watchPresence(this.handle);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const handle = this.handle;
    let offset = 0;
    this.pollMs = POLL_MIN_MS;
    while (offset < bytes.length) {
      if (!handle || this.handle !== handle) {
        throw new DeviceError('offline', `${this.target.path} is not open`, null, 'output');
      }
      try {
        const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      } catch (error) {
        // the printer's buffer is full: it drains as it prints
        if (errnoOf(error) === 'EAGAIN') await delay(POLL_MAX_MS);
        else {
          this.lose(handle, `${this.target.path}: ${errnoOf(error) ?? String(error)}`);
          throw new DeviceError('offline', `write to ${this.target.path} failed`, null, 'output');
        }
      }
    }
    this.pollMs = POLL_MIN_MS;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    clearInterval(this.presence);
    await handle?.close().catch(() => undefined);
  }

  private async readLoop(handle: FileHandle): Promise<void> {
    const buffer = Buffer.alloc(512);
    while (this.handle === handle) {
      try {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead > 0 && this.handle === handle) {
          this.pollMs = POLL_MIN_MS;
          this.handlers.data(Buffer.from(buffer.subarray(0, bytesRead)));
          continue;
        }
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EINVAL') {
          this.lose(handle, `${this.target.path} gives no status back (a one-way printer)`);
          return;
        }
        if (code !== 'EAGAIN') {
          this.lose(handle, `${this.target.path}: ${code ?? String(error)}`);
          return;
        }
      }
      await delay(this.pollMs);
      this.pollMs = Math.min(POLL_MAX_MS, this.pollMs * 2);
    }
  }

  private watchPresence(handle: FileHandle): void {
    const every = this.target.presenceCheckMs;
    if (!every) return;
    this.presence = setInterval(() => {
      if (!existsSync(this.target.path)) this.lose(handle, `${this.target.path} disappeared`);
    }, every);
    this.presence.unref();
  }

  /** The device went away (unplugged, EIO): closes and reports it once. */
  private lose(handle: FileHandle, reason: string): void {
    if (this.handle !== handle) return;
    this.handle = undefined;
    clearInterval(this.presence);
    void handle.close().catch(() => undefined);
    this.handlers.lost(new DeviceError('offline', reason));
  }
}

function openFailure(error: unknown): string {
  switch (errnoOf(error)) {
    case 'ENOENT':
      return 'no such device (is the printer plugged in and the path right?)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the app user needs the lp group)';
    case 'EBUSY':
      return 'in use by another program';
    case 'ENODEV':
    case 'ENXIO':
      return 'the device is not connected';
    case undefined:
    default:
      return errnoOf(error) ?? String(error);
  }
}

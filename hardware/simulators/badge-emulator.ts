import type { DeviceWire } from './wire';

export interface ScanOptions {
  /** AIM symbology prefix to send first, e.g. `]C0`. */
  aim?: string;
  lineEnd?: 'cr' | 'crlf';
}

/** A serial badge scanner: one line per scan. */
export class BadgeScannerEmulator {
  constructor(private readonly wire: DeviceWire) {}

  scan(badge: string, options: ScanOptions = {}): void {
    const end = options.lineEnd === 'crlf' ? '\r\n' : '\r';
    this.wire.send(Buffer.from(`${options.aim ?? ''}${badge}${end}`, 'latin1'));
  }
}

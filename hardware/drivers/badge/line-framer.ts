import { DeviceError, type BadgeScan } from '../../hal';

const CR = 0x0d;
const LF = 0x0a;

export type LineEvent = { kind: 'scan'; scan: BadgeScan } | { kind: 'error'; error: DeviceError };

const SYMBOLOGIES: Readonly<Record<string, string>> = {
  C0: 'code128',
  Q1: 'qr',
  d1: 'datamatrix',
  A0: 'code39',
  E0: 'ean13',
};

function scanError(extendedCode: string, message: string): DeviceError {
  return new DeviceError('extended', message, extendedCode, 'input_data', 'user');
}

/**
 * Splits scanner output into lines (CR or CRLF; a lone LF too), caps their length, refuses
 * lines with control bytes (garbage would otherwise arrive as a "line"), strips an AIM
 * symbology prefix and checks the badge format.
 */
export class BadgeLineFramer {
  private bytes: number[] = [];
  private overflow = false;
  private control = false;

  constructor(
    private readonly maxLength: number,
    private readonly format: RegExp,
  ) {}

  push(chunk: Uint8Array): LineEvent[] {
    const events: LineEvent[] = [];
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        const event = this.finish();
        if (event) events.push(event);
        continue;
      }
      if (byte < 0x20 || byte >= 0x7f) this.control = true;
      if (this.bytes.length >= this.maxLength) this.overflow = true;
      else this.bytes.push(byte);
    }
    return events;
  }

  private finish(): LineEvent | undefined {
    const { bytes, overflow, control } = this;
    this.bytes = [];
    this.overflow = false;
    this.control = false;
    if (bytes.length === 0 && !overflow && !control) return undefined; // LF of CRLF
    if (overflow)
      return { kind: 'error', error: scanError('too_long', 'the scanned code is too long') };
    if (control)
      return {
        kind: 'error',
        error: scanError('control_bytes', 'the scan contained control bytes'),
      };
    let text = String.fromCharCode(...bytes);
    let symbology: string | null = null;
    const aim = /^\]([A-Za-z])([0-9A-Za-z])/.exec(text);
    if (aim) {
      const id = `${aim[1]}${aim[2]}`;
      symbology = SYMBOLOGIES[id] ?? `aim:${id}`;
      text = text.slice(3);
    }
    if (!this.format.test(text)) {
      return { kind: 'error', error: scanError('bad_format', 'this is not a badge') };
    }
    return { kind: 'scan', scan: { token: text, symbology } };
  }
}

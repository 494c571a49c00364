import { DeviceError } from '../../hal';

/** JCM ID-003 framing: `FC LNG CMD DATA.. CRC_L CRC_H`, LNG = whole frame length. */
const SYNC = 0xfc;
const MIN_FRAME = 5;
const MAX_FRAME = 250;

export const Command = {
  statusRequest: 0x11,
  reset: 0x40,
  stack1: 0x41,
  returnBill: 0x43,
  hold: 0x44,
  ack: 0x50,
  setDenominations: 0xc0,
  setInhibit: 0xc3,
  currencyAssignment: 0x8a,
} as const;

export const Status = {
  idling: 0x11,
  accepting: 0x12,
  escrow: 0x13,
  stacking: 0x14,
  vendValid: 0x15,
  stacked: 0x16,
  rejecting: 0x17,
  returning: 0x18,
  holding: 0x19,
  disabled: 0x1a,
  initialize: 0x1b,
  powerUp: 0x40,
  powerUpBillInAcceptor: 0x41,
  powerUpBillInStacker: 0x42,
  stackerFull: 0x43,
  stackerOpen: 0x44,
  jamInAcceptor: 0x45,
  jamInStacker: 0x46,
  pause: 0x47,
  cheated: 0x48,
  failure: 0x49,
  communicationError: 0x4a,
  invalidCommand: 0x4b,
  ack: 0x50,
} as const;

/** CRC-16/KERMIT: poly 0x1021 reflected (0x8408), init 0, no final xor. */
export function crc16Kermit(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

export interface Id003Frame {
  command: number;
  data: Uint8Array;
}

export function encodeFrame(command: number, data: Uint8Array = new Uint8Array()): Uint8Array {
  const length = MIN_FRAME + data.length;
  if (length > MAX_FRAME) throw new DeviceError('illegal', 'ID-003 frame too long', null, 'output');
  const frame = new Uint8Array(length);
  frame.set([SYNC, length, command]);
  frame.set(data, 3);
  const crc = crc16Kermit(frame.subarray(0, length - 2));
  frame[length - 2] = crc & 0xff;
  frame[length - 1] = crc >> 8;
  return frame;
}

export type FramerEvent =
  { kind: 'frame'; frame: Id003Frame } | { kind: 'bad_crc' } | { kind: 'garbage'; bytes: number };

/**
 * Accumulates bytes into ID-003 frames. Bytes before a SYNC are garbage; an impossible length
 * or a CRC mismatch drops the SYNC byte and resynchronises on the next one.
 */
export class Id003Framer {
  private buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): FramerEvent[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const events: FramerEvent[] = [];
    for (;;) {
      const sync = this.buffer.indexOf(SYNC);
      if (sync < 0) {
        if (this.buffer.length > 0) events.push({ kind: 'garbage', bytes: this.buffer.length });
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (sync > 0) {
        events.push({ kind: 'garbage', bytes: sync });
        this.buffer = this.buffer.subarray(sync);
      }
      const length = this.buffer[1];
      if (length === undefined) break; // the length byte has not arrived yet
      if (length < MIN_FRAME || length > MAX_FRAME) {
        events.push({ kind: 'garbage', bytes: 1 });
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      if (this.buffer.length < length) break;
      const frame = this.buffer.subarray(0, length);
      const crc = crc16Kermit(frame.subarray(0, length - 2));
      if (frame[length - 2] !== (crc & 0xff) || frame[length - 1] !== crc >> 8) {
        events.push({ kind: 'bad_crc' });
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      events.push({
        kind: 'frame',
        frame: {
          command: frame.readUInt8(2),
          data: Uint8Array.from(frame.subarray(3, length - 2)),
        },
      });
      this.buffer = this.buffer.subarray(length);
    }
    return events;
  }
}

/** Currency assignment (8A) entries: escrow code, country, base, exponent -> value. */
export interface CurrencyEntry {
  code: number;
  country: number;
  cents: number;
}

/** The USD sample assignment of the ID-003 documentation ($1, $5, $10, $20, $50, $100). */
export const USD_SAMPLE_ASSIGNMENT: readonly CurrencyEntry[] = [
  { code: 0x61, country: 1, cents: 100 },
  { code: 0x63, country: 1, cents: 500 },
  { code: 0x64, country: 1, cents: 1000 },
  { code: 0x65, country: 1, cents: 2000 },
  { code: 0x66, country: 1, cents: 5000 },
  { code: 0x67, country: 1, cents: 10000 },
];

export const COUNTRY_CURRENCY: Readonly<Record<number, string>> = { 0x01: 'USD' };

export function decodeCurrencyAssignment(data: Uint8Array): CurrencyEntry[] {
  if (data.length % 4 !== 0) {
    throw new DeviceError('extended', 'malformed currency assignment', 'bad_reply', 'input');
  }
  // the length check above guarantees all four bytes of every entry; getUint8 checks it again
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entries: CurrencyEntry[] = [];
  for (let i = 0; i < data.length; i += 4) {
    const base = view.getUint8(i + 2);
    if (base === 0) continue; // unassigned code
    const cents = base * 10 ** view.getUint8(i + 3) * 100;
    entries.push({ code: view.getUint8(i), country: view.getUint8(i + 1), cents });
  }
  return entries;
}

export function encodeCurrencyAssignment(entries: readonly CurrencyEntry[]): Uint8Array {
  const out = new Uint8Array(entries.length * 4);
  entries.forEach((entry, index) => {
    let base = entry.cents / 100;
    let exponent = 0;
    while (base >= 10 && base % 10 === 0) {
      base /= 10;
      exponent += 1;
    }
    out.set([entry.code, entry.country, base, exponent], index * 4);
  });
  return out;
}

/** Denomination mask (C0): bit set = denomination inhibited; codes 0x61.. map to bits 0... */
export function denominationMask(
  acceptedCodes: readonly number[],
  allCodes: readonly number[],
): Uint8Array {
  let inhibited = 0;
  for (const code of allCodes) {
    const bit = code - 0x61;
    if (bit < 0 || bit > 15 || acceptedCodes.includes(code)) continue;
    inhibited |= 1 << bit;
  }
  return Uint8Array.of(inhibited & 0xff, inhibited >> 8);
}

export function isInhibitedByMask(mask: Uint8Array, code: number): boolean {
  const bit = code - 0x61;
  if (bit < 0 || bit > 15) return false;
  // a mask shorter than two bytes inhibits nothing in the missing byte
  return ((mask[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
}

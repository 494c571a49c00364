import { DeviceError } from '../../hal';

/**
 * ccTalk generic specification, bill validator part: `DEST LEN SRC HEADER DATA.. CHECKSUM` where
 * LEN counts the data bytes only and the simple checksum makes the sum of every byte of the
 * frame 0 modulo 256. Replies carry header 0; the host is address 1, a bill validator 40.
 */
export const HOST_ADDRESS = 1;
export const BILL_VALIDATOR_ADDRESS = 40;
/** Our longest reply is the manufacturer id; anything longer is noise, not a frame. */
const MAX_DATA = 64;

export const Header = {
  reply: 0,
  resetDevice: 1,
  nak: 5,
  busy: 6,
  simplePoll: 254,
  manufacturerId: 246,
  equipmentCategory: 245,
  productCode: 244,
  modifyInhibitStatus: 231,
  modifyMasterInhibit: 228,
  readBufferedBillEvents: 159,
  requestBillId: 157,
  requestScalingFactor: 156,
  routeBill: 154,
  modifyBillOperatingMode: 153,
} as const;

/** Route bill (154) arguments and its refusals. */
export const Route = { returnBill: 0, stack: 1 } as const;
export const RouteRefusal: Readonly<Record<number, string>> = {
  254: 'escrow is empty',
  255: 'failed to route the bill',
};

export interface CcTalkFrame {
  destination: number;
  source: number;
  header: number;
  data: Uint8Array;
}

export function simpleChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return (256 - sum) & 0xff;
}

export function encodeCcTalk(frame: CcTalkFrame): Uint8Array {
  if (frame.data.length > 252) {
    throw new DeviceError('illegal', 'ccTalk data longer than 252 bytes', null, 'output');
  }
  const bytes = new Uint8Array(frame.data.length + 5);
  bytes.set([frame.destination, frame.data.length, frame.source, frame.header]);
  bytes.set(frame.data, 4);
  bytes[bytes.length - 1] = simpleChecksum(bytes.subarray(0, bytes.length - 1));
  return bytes;
}

export type CcTalkFramerEvent =
  | { kind: 'frame'; frame: CcTalkFrame }
  | { kind: 'bad_checksum' }
  | { kind: 'garbage'; bytes: number };

/**
 * Accumulates bytes into frames between two known addresses (either direction, so the echo of
 * our own command on a single-wire bus is framed too and skipped by the caller). ccTalk has no
 * start byte: a frame is recognised by its addresses, a plausible length and the checksum; on
 * any mismatch the first byte is dropped and framing starts again on the next.
 */
export class CcTalkFramer {
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly host = HOST_ADDRESS,
    private readonly device = BILL_VALIDATOR_ADDRESS,
  ) {}

  push(chunk: Uint8Array): CcTalkFramerEvent[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const events: CcTalkFramerEvent[] = [];
    let skipped = 0;
    const skip = () => {
      skipped += 1;
      this.buffer = this.buffer.subarray(1);
    };
    while (this.buffer.length > 0) {
      if (!this.plausible()) {
        skip();
        continue;
      }
      const total = (this.buffer[1] ?? 0) + 5;
      if (this.buffer.length < total) break;
      const bytes = this.buffer.subarray(0, total);
      if (simpleChecksum(bytes.subarray(0, total - 1)) !== bytes[total - 1]) {
        events.push({ kind: 'bad_checksum' });
        skip();
        continue;
      }
      if (skipped > 0) events.push({ kind: 'garbage', bytes: skipped });
      skipped = 0;
      // bounds-checked reads; a frame is at least 5 bytes (total = LEN + 5)
      events.push({
        kind: 'frame',
        frame: {
          destination: bytes.readUInt8(0),
          source: bytes.readUInt8(2),
          header: bytes.readUInt8(3),
          data: Uint8Array.from(bytes.subarray(4, total - 1)),
        },
      });
      this.buffer = this.buffer.subarray(total);
    }
    if (skipped > 0) events.push({ kind: 'garbage', bytes: skipped });
    return events;
  }

  /** What is known of the head so far fits a frame between host and device. */
  private plausible(): boolean {
    const [destination, length, source] = this.buffer;
    const pair =
      destination === this.host ? this.device : destination === this.device ? this.host : null;
    if (pair === null) return false;
    if (length !== undefined && length > MAX_DATA) return false;
    return source === undefined || source === pair;
  }
}

/** One entry of the bill event buffer (159): result A and result B. */
export interface BillEventCode {
  a: number;
  b: number;
}

export interface BufferedBillEvents {
  /** 0 after power-up or reset; then 1..255, wrapping from 255 to 1. */
  counter: number;
  /** Newest first, as the device sends them. */
  events: BillEventCode[];
}

function malformedReply(what: string): DeviceError {
  return new DeviceError('extended', `malformed ${what}`, 'bad_reply', 'input');
}

/** The byte at `index` of a reply; one too short to hold it is malformed, never a crash. */
function replyByte(data: Uint8Array, index: number, what: string): number {
  const byte = data[index];
  if (byte === undefined) throw malformedReply(what);
  return byte;
}

export function decodeBufferedBillEvents(data: Uint8Array): BufferedBillEvents {
  const what = 'bill event buffer';
  if (data.length !== 11) throw malformedReply(what);
  const events: BillEventCode[] = [];
  for (let i = 1; i < 11; i += 2) {
    events.push({ a: replyByte(data, i, what), b: replyByte(data, i + 1, what) });
  }
  return { counter: replyByte(data, 0, what), events };
}

/** How many events happened from counter `from` to counter `to` (the counter skips 0). */
export function eventsBetween(from: number, to: number): number {
  if (to === from) return 0;
  if (from === 0) return to;
  return to > from ? to - from : to + 255 - from;
}

/** The counter `age` events before `counter` (the counter runs 1..255 and skips 0). */
export function counterBefore(counter: number, age: number): number {
  return ((((counter - 1 - age) % 255) + 255) % 255) + 1;
}

/** Result A = 0: what result B says (generic specification, bill validator event table). */
export const BillStatusEvent = {
  masterInhibitActive: 0,
  returnedFromEscrow: 1,
  invalidBillValidation: 2,
  invalidBillTransport: 3,
  inhibitedBillSerial: 4,
  inhibitedBillSwitches: 5,
  jamInTransportUnsafe: 6,
  jamInStacker: 7,
  pulledBackwards: 8,
  tamper: 9,
  stackerOk: 10,
  stackerRemoved: 11,
  stackerInserted: 12,
  stackerFaulty: 13,
  stackerFull: 14,
  stackerJammed: 15,
  jamInTransportSafe: 16,
  optoFraud: 17,
  stringFraud: 18,
  antiStringFaulty: 19,
  barcodeDetected: 20,
  unknownBillStacked: 21,
  jamCleared: 22,
} as const;

/** Result A = bill type: result B 0 = sent to the cashbox, 1 = held in escrow. */
export const BillRoute = { cashbox: 0, escrow: 1 } as const;

/** Events that tell where a bill went: escrow, cashbox, or given back from escrow. */
export function isBillPath(event: BillEventCode): boolean {
  return event.a !== 0 || event.b === BillStatusEvent.returnedFromEscrow;
}

/** A bill id (157): two-letter country, four-digit value, issue letter, e.g. `US0020A`. */
export interface BillId {
  country: string;
  value: number;
  issue: string;
}

/** Null for an unprogrammed bill type (anything not in the id format). */
export function parseBillId(data: Uint8Array): BillId | null {
  const text = Buffer.from(data).toString('latin1');
  const [, country, digits, issue] = /^([A-Z]{2})(\d{4})([A-Z])$/.exec(text) ?? [];
  if (country === undefined || digits === undefined || issue === undefined) return null;
  const value = Number(digits);
  return value === 0 ? null : { country, value, issue };
}

/** Country scaling factor (156): factor LSB, MSB, decimal places. */
export interface ScalingFactor {
  factor: number;
  decimals: number;
}

export function parseScalingFactor(data: Uint8Array): ScalingFactor {
  const what = 'country scaling factor';
  if (data.length !== 3) throw malformedReply(what);
  const decimals = replyByte(data, 2, what);
  if (decimals > 6) throw malformedReply(what);
  return { factor: replyByte(data, 0, what) | (replyByte(data, 1, what) << 8), decimals };
}

/** A bill's value in cents: id value x scaling factor, in units of 10^-decimals. */
export function billCents(id: BillId, scaling: ScalingFactor): number {
  return Math.round(id.value * scaling.factor * 10 ** (2 - scaling.decimals));
}

/** ISO 3166 country of the bill id -> ISO 4217 currency. */
export const CURRENCY_OF_COUNTRY: Readonly<Record<string, string>> = {
  US: 'USD',
  MX: 'MXN',
  CA: 'CAD',
};

/** Inhibit status (231): bit n-1 set = bill type n enabled (16 types, two bytes). */
export function inhibitMask(enabledTypes: readonly number[]): Uint8Array {
  let bits = 0;
  for (const type of enabledTypes) {
    if (type < 1 || type > 16) continue;
    bits |= 1 << (type - 1);
  }
  return Uint8Array.of(bits & 0xff, bits >> 8);
}

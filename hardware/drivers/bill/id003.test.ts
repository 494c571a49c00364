import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Command,
  Id003Framer,
  crc16Kermit,
  decodeCurrencyAssignment,
  denominationMask,
  encodeCurrencyAssignment,
  encodeFrame,
  isInhibitedByMask,
  USD_SAMPLE_ASSIGNMENT,
} from './id003';

const MAX_TAIL = 250;
const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes).toString('hex').toUpperCase().match(/../g)?.join(' ');

describe('ID-003 CRC-16/KERMIT and framing', () => {
  it('has the check value 0x2189 for "123456789"', () => {
    expect(crc16Kermit(Buffer.from('123456789'))).toBe(0x2189);
  });

  it('encodes every documented vector', () => {
    expect(hex(encodeFrame(Command.statusRequest))).toBe('FC 05 11 27 56');
    expect(hex(encodeFrame(Command.reset))).toBe('FC 05 40 2B 15');
    expect(hex(encodeFrame(Command.stack1))).toBe('FC 05 41 A2 04');
    expect(hex(encodeFrame(Command.returnBill))).toBe('FC 05 43 B0 27');
    expect(hex(encodeFrame(Command.ack))).toBe('FC 05 50 AA 05');
    expect(hex(encodeFrame(Command.setInhibit, Uint8Array.of(0)))).toBe('FC 06 C3 00 04 D6');
    expect(hex(encodeFrame(0x13, Uint8Array.of(0x65)))).toBe('FC 06 13 65 94 BD');
  });

  it('decodes the escrow $20 reply however it is split, after garbage', () => {
    const framer = new Id003Framer();
    const events = [
      ...framer.push(Uint8Array.of(0x00, 0x41, 0xfc)),
      ...framer.push(Uint8Array.of(0x06, 0x13)),
      ...framer.push(Uint8Array.of(0x65, 0x94, 0xbd)),
    ];
    const frames = events.filter((event) => event.kind === 'frame');
    expect(frames).toEqual([
      { kind: 'frame', frame: { command: 0x13, data: Uint8Array.of(0x65) } },
    ]);
    expect(events.some((event) => event.kind === 'garbage')).toBe(true);
  });

  it('reports a CRC error and resyncs to the next good frame', () => {
    const framer = new Id003Framer();
    const bad = Uint8Array.of(0xfc, 0x06, 0x13, 0x65, 0x94, 0xbe);
    const events = framer.push(Buffer.concat([bad, encodeFrame(0x11)]));
    expect(events.some((event) => event.kind === 'bad_crc')).toBe(true);
    expect(events.filter((event) => event.kind === 'frame')).toEqual([
      { kind: 'frame', frame: { command: 0x11, data: new Uint8Array() } },
    ]);
  });

  it('never throws on random bytes, and a good frame after them is always found', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 20 }),
        (noise, data) => {
          const framer = new Id003Framer();
          framer.push(noise);
          // a frame whose length byte swallowed the noise's tail may hold back bytes: flush with
          // enough idle filler that any partial frame completes or is dropped
          framer.push(new Uint8Array(MAX_TAIL));
          const good = encodeFrame(0x13, data);
          const frames = framer.push(good).filter((event) => event.kind === 'frame');
          expect(frames.at(-1)).toEqual({ kind: 'frame', frame: { command: 0x13, data } });
        },
      ),
    );
  });

  it('round-trips the currency assignment and builds the denomination mask', () => {
    const usd = USD_SAMPLE_ASSIGNMENT;
    expect(decodeCurrencyAssignment(encodeCurrencyAssignment(usd))).toEqual(usd);
    const codes = usd.map((entry) => entry.code);
    const mask = denominationMask([0x61, 0x63], codes);
    expect(isInhibitedByMask(mask, 0x61)).toBe(false);
    expect(isInhibitedByMask(mask, 0x67)).toBe(true);
  });

  it('refuses a currency assignment cut short with a typed error, and reads a short mask', () => {
    const whole = encodeCurrencyAssignment(USD_SAMPLE_ASSIGNMENT);
    expect(() => decodeCurrencyAssignment(whole.subarray(0, whole.length - 1))).toThrow(
      expect.objectContaining({ name: 'DeviceError', message: 'malformed currency assignment' }),
    );
    // codes 0x69.. live in the second byte: a one-byte mask inhibits none of them
    expect(isInhibitedByMask(Uint8Array.of(0xff), 0x61)).toBe(true);
    expect(isInhibitedByMask(Uint8Array.of(0xff), 0x69)).toBe(false);
  });
});

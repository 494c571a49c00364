import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import { DeviceError } from '../../hal';
import {
  CcTalkFramer,
  Header,
  billCents,
  counterBefore,
  decodeBufferedBillEvents,
  encodeCcTalk,
  eventsBetween,
  inhibitMask,
  parseBillId,
  parseScalingFactor,
  simpleChecksum,
} from './cctalk';

describe('ccTalk framing and simple checksum', () => {
  it('encodes the specification example: simple poll to address 2 and its ACK', () => {
    // the generic specification's worked example, in decimal: 2 0 1 254 255 / 1 0 2 0 253
    const poll = encodeCcTalk({
      destination: 2,
      source: 1,
      header: Header.simplePoll,
      data: new Uint8Array(),
    });
    expect([...poll]).toEqual([2, 0, 1, 254, 255]);
    const ack = encodeCcTalk({ destination: 1, source: 2, header: 0, data: new Uint8Array() });
    expect([...ack]).toEqual([1, 0, 2, 0, 253]);
    expect(simpleChecksum(Uint8Array.of(1, 0, 2, 0))).toBe(253);
  });

  it('frames a reply however it is split, skipping garbage and the echo of our command', () => {
    const framer = new CcTalkFramer(1, 40);
    const command = encodeCcTalk({
      destination: 40,
      source: 1,
      header: 159,
      data: new Uint8Array(),
    });
    const reply = encodeCcTalk({
      destination: 1,
      source: 40,
      header: 0,
      data: Uint8Array.of(3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    });
    const stream = Buffer.concat([Uint8Array.of(0x77, 0x00), command, reply]);
    const events = [...stream].flatMap((byte) => framer.push(Uint8Array.of(byte)));
    const frames = events.filter((event) => event.kind === 'frame');
    expect(frames.map((event) => event.kind === 'frame' && event.frame.destination)).toEqual([
      40, 1,
    ]);
    expect(events.some((event) => event.kind === 'garbage')).toBe(true);
    // checked by hand: 256 - (1 + 11 + 40 + 0 + 3 + 4 + 1) = 196
    expect(reply.at(-1)).toBe(196);
  });

  it('reports a checksum error and resynchronises on the next good frame', () => {
    const framer = new CcTalkFramer(1, 40);
    const good = encodeCcTalk({ destination: 1, source: 40, header: 0, data: Uint8Array.of(9) });
    // the data byte flipped
    const bad = good.map((byte, index) => (index === 4 ? byte ^ 0xff : byte));
    const events = framer.push(Buffer.concat([bad, good]));
    expect(events.some((event) => event.kind === 'bad_checksum')).toBe(true);
    expect(events.filter((event) => event.kind === 'frame')).toEqual([
      { kind: 'frame', frame: { destination: 1, source: 40, header: 0, data: Uint8Array.of(9) } },
    ]);
  });

  it('never throws on random bytes, and a good frame after them is always found', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 20 }),
        (noise, data) => {
          const framer = new CcTalkFramer(1, 40);
          framer.push(noise);
          // a plausible head in the noise may wait for its length: zeros (no address) flush it
          framer.push(new Uint8Array(70));
          const good = encodeCcTalk({ destination: 1, source: 40, header: 0, data });
          const frames = framer.push(good).filter((event) => event.kind === 'frame');
          expect(frames.at(-1)).toEqual({
            kind: 'frame',
            frame: { destination: 1, source: 40, header: 0, data },
          });
        },
      ),
    );
  });
});

describe('ccTalk bill validator data', () => {
  it('decodes the event buffer, newest first', () => {
    const decoded = decodeBufferedBillEvents(Uint8Array.of(7, 4, 0, 4, 1, 0, 1, 2, 1, 0, 14));
    expect(decoded).toEqual({
      counter: 7,
      events: [
        { a: 4, b: 0 },
        { a: 4, b: 1 },
        { a: 0, b: 1 },
        { a: 2, b: 1 },
        { a: 0, b: 14 },
      ],
    });
    expect(() => decodeBufferedBillEvents(Uint8Array.of(1, 2, 3))).toThrow(/malformed/);
  });

  it('counts events across the counter wrap (255 -> 1, never 0 again)', () => {
    expect(eventsBetween(0, 3)).toBe(3);
    expect(eventsBetween(12, 12)).toBe(0);
    expect(eventsBetween(254, 255)).toBe(1);
    expect(eventsBetween(255, 1)).toBe(1);
    expect(eventsBetween(253, 2)).toBe(4);
    // and back: the counter of each event in the buffer, newest (age 0) first
    expect(counterBefore(3, 0)).toBe(3);
    expect(counterBefore(2, 1)).toBe(1);
    expect(counterBefore(1, 1)).toBe(255);
    expect(counterBefore(2, 4)).toBe(253);
  });

  it('reads bill ids and values with the country scaling factor', () => {
    const id = parseBillId(Buffer.from('US0020A'));
    expect(id).toEqual({ country: 'US', value: 20, issue: 'A' });
    assert.isNotNull(id);
    expect(billCents(id, parseScalingFactor(Uint8Array.of(100, 0, 2)))).toBe(2000);
    // a country that counts in whole units: factor 1, no decimals
    expect(billCents({ country: 'MX', value: 500, issue: 'B' }, { factor: 1, decimals: 0 })).toBe(
      50_000,
    );
    expect(parseBillId(Buffer.from('.......'))).toBeNull();
    expect(parseBillId(Buffer.from('US0000A'))).toBeNull();
    expect(() => parseScalingFactor(Uint8Array.of(1, 0))).toThrow(/malformed/);
  });

  it('answers a short or out-of-range reply with the typed bad_reply error, never a crash', () => {
    const replies = [
      () => decodeBufferedBillEvents(new Uint8Array(0)),
      () => decodeBufferedBillEvents(new Uint8Array(10)),
      () => parseScalingFactor(new Uint8Array(0)),
      () => parseScalingFactor(Uint8Array.of(100, 0, 7)),
    ];
    for (const decode of replies) {
      expect(decode).toThrow(DeviceError);
      expect(decode).toThrow(expect.objectContaining({ extendedCode: 'bad_reply' }));
    }
    expect(parseBillId(new Uint8Array(0))).toBeNull();
  });

  it('builds the inhibit status: bit n-1 enables bill type n', () => {
    expect([...inhibitMask([1, 2, 9])]).toEqual([0b11, 0b1]);
    expect([...inhibitMask([0, 17])]).toEqual([0, 0]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceError, cardReadFailure } from '../../hal';
import { brandOf, expiryOf, luhnValid, toCardResult } from './card-data';
import { SwipeFramer } from './swipe-framer';
import { lrcOf, parseSwipe } from './tracks';

const SAMPLE =
  '%B4111111111111111^SMITH/ JOHN ^2412101976110000868000000?;4111111111111111=24121019761186800000?';
const policy = {
  fundingByIin: { '4111': 'credit', '411111': 'debit' } as const,
  now: () => new Date('2024-06-15T00:00:00Z'),
};
const digits = (text: string) => Buffer.from(text, 'latin1');

function extendedCode(run: () => unknown): string | null {
  try {
    run();
  } catch (error) {
    if (error instanceof DeviceError) return error.extendedCode;
    throw error;
  }
  return null;
}

describe('Luhn and brand on digit bytes', () => {
  it('accepts the published test numbers and refuses a wrong check digit', () => {
    for (const number of ['4111111111111111', '5555555555554444', '2223003122003222']) {
      expect(luhnValid(digits(number))).toBe(true);
    }
    expect(luhnValid(digits('4111111111111112'))).toBe(false);
  });

  it('knows Visa and both Mastercard ranges, refuses others', () => {
    expect(brandOf(digits('4111111111111111'))).toBe('visa');
    expect(brandOf(digits('4222222222222'))).toBe('visa');
    expect(brandOf(digits('5555555555554444'))).toBe('mastercard');
    expect(brandOf(digits('2223003122003222'))).toBe('mastercard');
    expect(brandOf(digits('2720990000000007'))).toBe('mastercard');
    expect(extendedCode(() => brandOf(digits('2721000000000004')))).toBe('brand_refused');
    expect(extendedCode(() => brandOf(digits('378282246310005')))).toBe('brand_refused');
    expect(extendedCode(() => brandOf(digits('41111111111111')))).toBe('brand_refused');
    // too short to hold a Mastercard prefix: a format error, not a read past the end
    expect(extendedCode(() => brandOf(digits('5')))).toBe('format');
  });

  it('dates expiry to the end of its month', () => {
    const june = new Date('2024-06-30T23:59:59Z');
    expect(expiryOf(digits('2406'), june)).toBe('2024-06');
    expect(extendedCode(() => expiryOf(digits('2405'), june))).toBe('expired');
    expect(extendedCode(() => expiryOf(digits('2413'), june))).toBe('format');
    expect(extendedCode(() => expiryOf(digits('24'), june))).toBe('format');
    expect(extendedCode(() => expiryOf(digits('24=6'), june))).toBe('format');
  });
});

describe('ISO 7813 swipe parsing', () => {
  it('turns the sample swipe into a card result without the number', () => {
    const result = toCardResult(parseSwipe(digits(SAMPLE), false), policy);
    expect(result).toEqual({
      brand: 'visa',
      last4: '1111',
      expiry: '2024-12',
      cardholderName: 'JOHN SMITH',
      funding: 'debit',
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      chipCard: false,
    });
    expect(JSON.stringify(result)).not.toContain('4111111111111111');
  });

  it('gives each read its own random reference: nothing derived from the number, no key', () => {
    const tokens = new Set(
      Array.from(
        { length: 50 },
        () => toCardResult(parseSwipe(digits(SAMPLE), false), policy).token,
      ),
    );
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('uses track 1 when track 2 is bad, and track 2 alone without a name', () => {
    const track1Only = SAMPLE.replace(/;.*$/, ';E?');
    expect(toCardResult(parseSwipe(digits(track1Only), false), policy).last4).toBe('1111');
    const track2Only = '%E?' + SAMPLE.slice(SAMPLE.indexOf(';'));
    const result = toCardResult(parseSwipe(digits(track2Only), false), policy);
    expect(result.cardholderName).toBe('');
    expect(result.expiry).toBe('2024-12');
  });

  it('falls back to track 2 when the track 1 name holds digits or is malformed', () => {
    // a skimmed or badly encoded card with the number in the name field: no "name" from it
    const numberAsName = SAMPLE.replace('SMITH/ JOHN ', '4111111111111111');
    const result = toCardResult(parseSwipe(digits(numberAsName), false), policy);
    expect(result).toMatchObject({ last4: '1111', expiry: '2024-12', cardholderName: '' });
    expect(JSON.stringify(result)).not.toMatch(/\d{12}/);
    const noSeparators = SAMPLE.replace('^SMITH/ JOHN ^', 'SMITH');
    expect(toCardResult(parseSwipe(digits(noSeparators), false), policy).last4).toBe('1111');
    const badCharacters = SAMPLE.replace('SMITH/ JOHN ', 'smith/john');
    expect(toCardResult(parseSwipe(digits(badCharacters), false), policy).cardholderName).toBe('');
  });

  it('refuses track 1 alone when its name holds digits, and track 2 alone when malformed', () => {
    const track1Only = SAMPLE.replace('SMITH/ JOHN ', '4111111111111111').replace(/;.*$/, ';E?');
    expect(extendedCode(() => parseSwipe(digits(track1Only), false))).toBe('format');
    const badTrack2 = '%E?;4111111111111111?';
    expect(extendedCode(() => parseSwipe(digits(badTrack2), false))).toBe('format');
  });

  it('gives each error one of three reasons a screen shows', () => {
    const reason = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        if (error instanceof DeviceError) return cardReadFailure(error);
      }
      return null;
    };
    const amex = SAMPLE.replaceAll('4111111111111111', '378282246310005');
    expect(reason(() => toCardResult(parseSwipe(digits(amex), false), policy))).toBe(
      'not_accepted',
    );
    const old = SAMPLE.replaceAll('2412101', '2312101');
    expect(reason(() => toCardResult(parseSwipe(digits(old), false), policy))).toBe('expired');
    expect(reason(() => parseSwipe(digits('%E?;E?'), false))).toBe('unreadable');
    const mismatch = SAMPLE.replace(';4111111111111111', ';5555555555554444');
    expect(reason(() => parseSwipe(digits(mismatch), false))).toBe('unreadable');
  });

  it('reports a bad read, a track mismatch, a chip card', () => {
    expect(extendedCode(() => parseSwipe(digits('%E?;E?'), false))).toBe('bad_read');
    const mismatch = SAMPLE.replace(';4111111111111111', ';5555555555554444');
    expect(extendedCode(() => parseSwipe(digits(mismatch), false))).toBe('track_mismatch');
    const chip = SAMPLE.replaceAll('2412101', '2412201');
    expect(toCardResult(parseSwipe(digits(chip), false), policy).chipCard).toBe(true);
  });

  it('checks LRCs when the reader sends them', () => {
    const t1 = '%B4111111111111111^SMITH/JOHN^2412101000?';
    const t2 = ';4111111111111111=2412101000?';
    const lrc1 = String.fromCharCode(lrcOf(digits(t1), true));
    const lrc2 = String.fromCharCode(lrcOf(digits(t2), false));
    expect(parseSwipe(digits(t1 + lrc1 + t2 + lrc2), true).name).toBe('JOHN SMITH');
    const wrong = String.fromCharCode(lrc2.charCodeAt(0) ^ 1);
    expect(extendedCode(() => parseSwipe(digits(t1 + lrc1 + t2 + wrong), true))).toBe('lrc');
  });

  it('overwrites the fields it was given, success or not', () => {
    const fields = parseSwipe(digits(SAMPLE), false);
    const pan = fields.pan;
    toCardResult(fields, policy);
    expect(pan.every((byte) => byte === 0)).toBe(true);
    const bad = parseSwipe(
      digits(SAMPLE.replaceAll('4111111111111111', '4111111111111112')),
      false,
    );
    const badPan = bad.pan;
    expect(extendedCode(() => toCardResult(bad, policy))).toBe('luhn');
    expect(badPan.every((byte) => byte === 0)).toBe(true);
  });
});

describe('swipe framer', () => {
  const framed = Buffer.concat([
    Buffer.from([0x02, 0x1b]),
    digits(SAMPLE),
    Buffer.from([0x0d, 0x03]),
  ]);

  it('frames STX ESC ... CR ETX in any fragmentation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: framed.length }), { maxLength: 8 }),
        (cuts) => {
          const framer = new SwipeFramer(true);
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const frames = [];
          let start = 0;
          for (const point of [...points, framed.length]) {
            frames.push(...framer.push(framed.subarray(start, point)));
            start = point;
          }
          expect(frames).toHaveLength(1);
          const [only] = frames;
          expect(only?.kind === 'frame' && only.frame.toString('latin1')).toBe(SAMPLE);
        },
      ),
    );
  });

  it('resyncs on STX after garbage and drops an oversized swipe', () => {
    const framer = new SwipeFramer(true, 64);
    const events = framer.push(Buffer.concat([digits('garbage!'), framed]));
    expect(events.map((event) => event.kind)).toEqual(['overflow']);
    const short = Buffer.concat([
      Buffer.from([0xff, 0x00, 0x02, 0x1b]),
      digits(';4111=2412?'),
      Buffer.from([0x0d]),
    ]);
    const next = framer.push(short);
    expect(next).toHaveLength(1);
  });

  it('never throws on random bytes: every frame parses or fails with a DeviceError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, lrc) => {
        const framer = new SwipeFramer(true);
        for (const event of [...framer.push(bytes), ...framer.flush()]) {
          if (event.kind !== 'frame') continue;
          try {
            toCardResult(parseSwipe(event.frame, lrc), policy);
          } catch (error) {
            expect(error).toBeInstanceOf(DeviceError);
          }
        }
      }),
    );
  });

  it('every truncation of a valid swipe fails cleanly (or is a whole track 1) and the next reads', () => {
    for (let cut = 1; cut < framed.length - 2; cut += 1) {
      const framer = new SwipeFramer(true);
      const events = [...framer.push(framed.subarray(0, cut)), ...framer.push(Buffer.from([0x0d]))];
      for (const event of events) {
        if (event.kind !== 'frame') continue;
        try {
          // cut right after track 1: a complete track 1 alone is a valid read
          expect(toCardResult(parseSwipe(event.frame, false), policy).last4).toBe('1111');
          expect(cut).toBeGreaterThanOrEqual(SAMPLE.indexOf(';') + 2);
        } catch (error) {
          expect(error).toBeInstanceOf(DeviceError);
        }
      }
      const after = framer.push(framed);
      expect(after).toHaveLength(1);
    }
  });
});
